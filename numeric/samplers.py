"""Reverse-time samplers driven by a score function: DDPM, DDIM, annealed Langevin, reverse SDE, PF-ODE.

Every variance-preserving sampler here inverts the forward process
``q(x_t | x_0) = N(√β̄_t x_0, (1 − β̄_t) I)`` of a schedule (homework notation β̄_t = ᾱ_t) and
takes ``score(x, t)``, the score ``∇ log q_t(x)`` of the noised marginal at integer step
``t ∈ {1..T}``.  A noise-prediction network relates to it by ``ε̂ = −√(1 − ᾱ_t) score``.
With ``s = score(x_t, t)``:

- DDPM ancestral step (Ho et al. 2020, Alg. 2):
  ``x_{t−1} = (x_t + β_t s)/√α_t + σ_t z``, ``σ_t² = β_t`` or ``σ̃_t² = β_t(1 − ᾱ_{t−1})/(1 − ᾱ_t)``.
- DDIM (Song, Meng & Ermon 2021, eq. 12), from ``t`` to the previous kept step ``t'``:
  ``x_{t'} = √ᾱ_{t'} x̂_0 + √(1 − ᾱ_{t'} − σ_t²) ε̂ + σ_t z``,
  ``x̂_0 = (x_t − √(1 − ᾱ_t) ε̂)/√ᾱ_t``,
  ``σ_t = η √((1 − ᾱ_{t'})/(1 − ᾱ_t)) √(1 − ᾱ_t/ᾱ_{t'})`` (eq. 16).
- Reverse SDE (Song et al. 2021, eq. 6) of the VP SDE ``dx = −½β(t)x dt + √β(t) dw`` (eq. 11),
  Euler–Maruyama with ``β(t) dt = β_t``: ``x_{t−1} = x_t + β_t (x_t/2 + s) + √β_t z``.
- Probability-flow ODE (Song et al. 2021, eq. 13), Euler with the same step:
  ``x_{t−1} = x_t + (β_t/2)(x_t + s)``.
- Annealed Langevin dynamics (Song & Ermon 2019, Alg. 1) for a decreasing noise sequence
  ``σ_1 > … > σ_L`` (variance exploding, ``score(x, σ)``): at level ``i``, ``n_steps_each`` times
  ``x ← x + (α_i/2) score(x, σ_i) + √α_i z`` with ``α_i = ε σ_i²/σ_L²``.

As in Alg. 2, no noise is added on the last step of DDPM and of the reverse SDE (``z = 0`` at
``t = 1``): the output is the mean of the final transition.

Particles are the rows of an (n, D) array and every step acts on all of them at once.  Steps are
counted from the start: step 0 is the initial state, step ``k`` the state after ``k`` updates, so
for a 1000-step sampler step 1000 is the output.  ``record`` names the steps to keep whole;
``n_trajectories`` keeps the first particles at every step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

import numpy as np

from .schedules import as_schedule

if TYPE_CHECKING:
    from .schedules import Schedule

ScoreFn = Callable[[np.ndarray, int], np.ndarray]
NoiseLevelScoreFn = Callable[[np.ndarray, float], np.ndarray]


@dataclass(frozen=True)
class SamplerResult:
    samples: np.ndarray
    """Final state, shape (n, D)."""
    recorded: dict[int, np.ndarray]
    """Step → state (n, D) for each step named in ``record``."""
    trajectories: np.ndarray
    """States of the first ``n_trajectories`` particles, shape (n_steps + 1, n_trajectories, D)."""


class _Recorder:
    def __init__(self, n_steps: int, record: Iterable[int], n_trajectories: int, x: np.ndarray):
        self._steps = set()
        for step in record:
            if isinstance(step, bool) or not isinstance(step, (int, np.integer)):
                raise ValueError(f"record steps must be integers, got {step!r}")
            if not 0 <= step <= n_steps:
                raise ValueError(f"record step {step} outside 0..{n_steps}")
            self._steps.add(int(step))
        if not 0 <= n_trajectories <= x.shape[0]:
            raise ValueError(f"n_trajectories must lie in 0..{x.shape[0]} (the particles), got {n_trajectories}")
        self._n_trajectories = n_trajectories
        self.recorded: dict[int, np.ndarray] = {}
        self.trajectories = np.empty((n_steps + 1, n_trajectories, x.shape[1]))
        self.observe(0, x)

    def observe(self, step: int, x: np.ndarray) -> None:
        if step in self._steps:
            self.recorded[step] = x.copy()
        self.trajectories[step] = x[: self._n_trajectories]

    def result(self, x: np.ndarray) -> SamplerResult:
        return SamplerResult(x, dict(sorted(self.recorded.items())), self.trajectories)


def _check_rng(rng: object) -> None:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")


def _initial_state(
    x_init: object, n: int | None, dim: int | None, scale: float, rng: np.random.Generator
) -> np.ndarray:
    """``x_init`` (copied), or ``n`` draws of ``N(0, scale² I)`` in ``dim`` dimensions."""
    _check_rng(rng)
    if x_init is not None:
        if n is not None or dim is not None:
            raise ValueError("give either the initial state or (n, dim), not both")
        x = np.array(x_init, dtype=np.float64)
        if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
            raise ValueError(f"the initial state must be a non-empty (n, D) array, got shape {x.shape}")
        if not np.all(np.isfinite(x)):
            raise ValueError("the initial state contains non-finite values")
        return x
    if n is None or dim is None:
        raise ValueError("give the initial state, or both n and dim")
    if n < 1 or dim < 1:
        raise ValueError(f"n and dim must be positive, got n={n}, dim={dim}")
    return scale * rng.standard_normal((n, dim))


def _evaluate(score: Callable, x: np.ndarray, level: float) -> np.ndarray:
    s = np.asarray(score(x, level), dtype=np.float64)
    if s.shape != x.shape:
        raise ValueError(f"score returned shape {s.shape} for points of shape {x.shape} (at {level!r})")
    return s


def ddpm_sigma2(schedule: Schedule, variance: str | np.ndarray) -> np.ndarray:
    """Reverse-step variances ``σ_t²``, t = 1..T, indexed by t−1 (Ho et al. 2020, §3.2).

    ``"beta"``: ``σ_t² = β_t``; ``"posterior"``: ``σ_t² = σ̃_t² = β_t(1 − ᾱ_{t−1})/(1 − ᾱ_t)``;
    an array of T non-negative numbers is taken as given.
    """
    if isinstance(variance, str):
        if variance == "beta":
            return np.asarray(schedule.betas, dtype=np.float64)
        if variance == "posterior":
            return np.asarray(schedule.posterior_variance, dtype=np.float64)
        raise ValueError(f"variance must be 'beta', 'posterior' or an array, got {variance!r}")
    sigma2 = np.asarray(variance, dtype=np.float64)
    if sigma2.shape != (schedule.T,):
        raise ValueError(f"variance array must have shape ({schedule.T},), got {sigma2.shape}")
    if not np.all(np.isfinite(sigma2) & (sigma2 >= 0)):
        raise ValueError("variance array must be finite and non-negative")
    return sigma2


def ddpm_sample(
    score: ScoreFn,
    schedule: Schedule,
    *,
    rng: np.random.Generator,
    x_T: np.ndarray | None = None,
    n: int | None = None,
    dim: int | None = None,
    variance: str | np.ndarray = "beta",
    record: Iterable[int] = (),
    n_trajectories: int = 0,
) -> SamplerResult:
    """Ancestral sampling, Ho et al. (2020) Alg. 2: ``x_{t−1} = (x_t + β_t s)/√α_t + σ_t z``.

    ``x_T ~ N(0, I)`` unless given; T steps.
    """
    x = _initial_state(x_T, n, dim, 1.0, rng)
    sigma = np.sqrt(ddpm_sigma2(schedule, variance))
    betas, alphas = schedule.betas, schedule.alphas
    recorder = _Recorder(schedule.T, record, n_trajectories, x)
    for step, t in enumerate(range(schedule.T, 0, -1), start=1):
        x = (x + betas[t - 1] * _evaluate(score, x, t)) / np.sqrt(alphas[t - 1])
        if t > 1:
            x += sigma[t - 1] * rng.standard_normal(x.shape)
        recorder.observe(step, x)
    return recorder.result(x)


def _step_time(name: str, t: object, low: int, high: int) -> int:
    """A scalar integer time in ``low..high`` (one step acts on one time)."""
    arr = np.asarray(t)
    if arr.ndim != 0 or arr.dtype.kind not in "iu" or not low <= int(arr) <= high:
        raise ValueError(f"{name} must be an integer in {low}..{high}, got {t!r}")
    return int(arr)


def ddpm_step(x_t, t, eps, schedule, noise, variance: str = "posterior") -> np.ndarray:
    """One ancestral step with the noise given (Ho et al. 2020, Alg. 2, line 4):

    ``x_{t−1} = (x_t − β_t/√(1 − ᾱ_t) ε)/√α_t + σ_t z``, ``z = noise``.

    ``variance="posterior"`` takes ``σ_t² = σ̃_t² = β_t(1 − ᾱ_{t−1})/(1 − ᾱ_t)`` (0 at t = 1);
    ``"beta"`` takes ``σ_t² = β_t`` and, as Alg. 2, no noise at t = 1.  ``x_t``, ``eps`` and
    ``noise`` broadcast together; ``t`` is one integer in 1..T.
    """
    s = as_schedule(schedule)
    t = _step_time("t", t, 1, s.T)
    x_t, eps, noise = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in (x_t, eps, noise)))
    sigma = 0.0 if t == 1 else float(np.sqrt(ddpm_sigma2(s, variance)[t - 1]))
    eps_coef = s.betas[t - 1] / s.sqrt_one_minus_alpha_bars[t - 1]
    return (x_t - eps_coef * eps) / np.sqrt(s.alphas[t - 1]) + sigma * noise


def ddim_step(x_t, t, t_prev, eps, schedule, eta: float, noise) -> np.ndarray:
    """One DDIM step from ``t`` to ``t' = t_prev < t`` with the noise given (Song, Meng & Ermon
    2021, eq. 12): ``x_{t'} = √ᾱ_{t'} x̂_0 + √(1 − ᾱ_{t'} − σ_t²) ε + σ_t z``, where
    ``x̂_0 = (x_t − √(1 − ᾱ_t) ε)/√ᾱ_t`` and
    ``σ_t = η √((1 − ᾱ_{t'})/(1 − ᾱ_t)) √(1 − ᾱ_t/ᾱ_{t'})`` (eq. 16), ``z = noise``.

    ``t_prev = 0`` reads ``ᾱ_0 = 1`` and returns ``x̂_0``.  The same update as one iteration of
    :func:`ddim_sample`.
    """
    s = as_schedule(schedule)
    t = _step_time("t", t, 1, s.T)
    t_prev = _step_time("t_prev", t_prev, 0, t - 1)
    if not 0.0 <= eta <= 1.0:
        raise ValueError(f"eta must lie in [0, 1], got {eta!r}")
    x_t, eps, noise = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in (x_t, eps, noise)))
    a, one_minus_a = s.alpha_bars[t - 1], s.one_minus_alpha_bars[t - 1]
    a_prev, one_minus_a_prev = (1.0, 0.0) if t_prev == 0 else (
        s.alpha_bars[t_prev - 1], s.one_minus_alpha_bars[t_prev - 1])
    x0_hat = (x_t - np.sqrt(one_minus_a) * eps) / np.sqrt(a)
    # As in ddim_sample: 1 − ᾱ_{t'} − σ_t² = (1 − ᾱ_{t'})(1 − shrink), ≥ 0 for η ≤ 1.
    shrink = eta**2 * (1.0 - a / a_prev) / one_minus_a
    sigma = np.sqrt(one_minus_a_prev * shrink)
    direction = np.sqrt(max(one_minus_a_prev * (1.0 - shrink), 0.0))
    return np.sqrt(a_prev) * x0_hat + direction * eps + sigma * noise


def _check_timesteps(timesteps: object, T: int) -> np.ndarray:
    if timesteps is None:
        return np.arange(1, T + 1)
    steps = np.asarray(timesteps)
    if steps.ndim != 1 or steps.size == 0 or not np.issubdtype(steps.dtype, np.integer):
        raise ValueError("timesteps must be a non-empty 1-D sequence of integers")
    if steps[0] < 1 or steps[-1] > T or np.any(np.diff(steps) <= 0):
        raise ValueError(f"timesteps must increase strictly within 1..{T}")
    return steps


def ddim_sample(
    score: ScoreFn,
    schedule: Schedule,
    *,
    rng: np.random.Generator,
    eta: float = 0.0,
    timesteps: Iterable[int] | None = None,
    x_T: np.ndarray | None = None,
    n: int | None = None,
    dim: int | None = None,
    record: Iterable[int] = (),
    n_trajectories: int = 0,
) -> SamplerResult:
    """DDIM, Song, Meng & Ermon (2021) eq. 12 with ``σ_t(η)`` of eq. 16, over ``timesteps``.

    ``timesteps`` τ_1 < … < τ_S (default 1..T) are the steps visited, from τ_S down; the last
    update goes to ``ᾱ_0 = 1`` and returns ``x̂_0``.  ``η = 0`` is deterministic; ``η = 1`` over all
    steps is DDPM with ``σ_t² = σ̃_t²``.
    """
    if not 0.0 <= eta <= 1.0:
        raise ValueError(f"eta must lie in [0, 1], got {eta!r}")
    steps = _check_timesteps(timesteps, schedule.T)
    x = _initial_state(x_T, n, dim, 1.0, rng)
    alpha_bars = np.concatenate([[1.0], schedule.alpha_bars])  # alpha_bars[t] = ᾱ_t, ᾱ_0 = 1
    previous = np.concatenate([[0], steps[:-1]])
    recorder = _Recorder(len(steps), record, n_trajectories, x)
    for step, (t, t_prev) in enumerate(zip(steps[::-1], previous[::-1]), start=1):
        a, a_prev = alpha_bars[t], alpha_bars[t_prev]
        eps_hat = -np.sqrt(1.0 - a) * _evaluate(score, x, int(t))
        x0_hat = (x - np.sqrt(1.0 - a) * eps_hat) / np.sqrt(a)
        # 1 − ᾱ_{t'} − σ_t² factored as (1 − ᾱ_{t'})(1 − η²(1 − ᾱ_t/ᾱ_{t'})/(1 − ᾱ_t)), which is
        # ≥ 0 for η ≤ 1; max(·, 0) only absorbs rounding.
        shrink = eta**2 * (1.0 - a / a_prev) / (1.0 - a)
        sigma = np.sqrt((1.0 - a_prev) * shrink)
        direction = np.sqrt(max((1.0 - a_prev) * (1.0 - shrink), 0.0))
        x = np.sqrt(a_prev) * x0_hat + direction * eps_hat
        if sigma > 0:
            x += sigma * rng.standard_normal(x.shape)
        recorder.observe(step, x)
    return recorder.result(x)


def reverse_sde_sample(
    score: ScoreFn,
    schedule: Schedule,
    *,
    rng: np.random.Generator,
    x_T: np.ndarray | None = None,
    n: int | None = None,
    dim: int | None = None,
    record: Iterable[int] = (),
    n_trajectories: int = 0,
) -> SamplerResult:
    """Euler–Maruyama for the reverse VP SDE (Song et al. 2021, eq. 6), ``β(t) dt = β_t``:
    ``x_{t−1} = x_t + β_t (x_t/2 + s) + √β_t z`` (``z = 0`` at t = 1)."""
    x = _initial_state(x_T, n, dim, 1.0, rng)
    betas = schedule.betas
    recorder = _Recorder(schedule.T, record, n_trajectories, x)
    for step, t in enumerate(range(schedule.T, 0, -1), start=1):
        beta = betas[t - 1]
        x = x + beta * (0.5 * x + _evaluate(score, x, t))
        if t > 1:
            x += np.sqrt(beta) * rng.standard_normal(x.shape)
        recorder.observe(step, x)
    return recorder.result(x)


def probability_flow_sample(
    score: ScoreFn,
    schedule: Schedule,
    *,
    rng: np.random.Generator,
    x_T: np.ndarray | None = None,
    n: int | None = None,
    dim: int | None = None,
    record: Iterable[int] = (),
    n_trajectories: int = 0,
) -> SamplerResult:
    """Euler for the probability-flow ODE of the VP SDE (Song et al. 2021, eq. 13):
    ``x_{t−1} = x_t + (β_t/2)(x_t + s)``.  Deterministic given ``x_T``; ``rng`` draws ``x_T``."""
    x = _initial_state(x_T, n, dim, 1.0, rng)
    betas = schedule.betas
    recorder = _Recorder(schedule.T, record, n_trajectories, x)
    for step, t in enumerate(range(schedule.T, 0, -1), start=1):
        x = x + 0.5 * betas[t - 1] * (x + _evaluate(score, x, t))
        recorder.observe(step, x)
    return recorder.result(x)


def geometric_sigmas(sigma_1: float, sigma_L: float, L: int) -> np.ndarray:
    """Noise levels ``σ_1 > … > σ_L`` in geometric progression (Song & Ermon 2019, §4.2)."""
    if not (0 < sigma_L < sigma_1 and np.isfinite(sigma_1)):
        raise ValueError(f"need 0 < sigma_L < sigma_1 < inf, got {sigma_1!r}, {sigma_L!r}")
    if L < 2:
        raise ValueError(f"L must be at least 2, got {L}")
    return np.geomspace(sigma_1, sigma_L, L)


def annealed_langevin_sample(
    score: NoiseLevelScoreFn,
    sigmas: np.ndarray,
    *,
    rng: np.random.Generator,
    n_steps_each: int = 100,
    step_size: float = 2e-5,
    x_init: np.ndarray | None = None,
    n: int | None = None,
    dim: int | None = None,
    record: Iterable[int] = (),
    n_trajectories: int = 0,
) -> SamplerResult:
    """Annealed Langevin dynamics, Song & Ermon (2019) Alg. 1, with ``score(x, σ)``.

    ``step_size`` is ε, so level i takes steps ``α_i = ε σ_i²/σ_L²``.  The chain targets the
    perturbed law at ``σ_L`` (for a mixture, ``noised_ve(σ_L)``), not the clean data.
    ``x_init ~ N(0, σ_1² I)`` unless given; ``L · n_steps_each`` steps.
    """
    sigmas = np.asarray(sigmas, dtype=np.float64)
    if sigmas.ndim != 1 or sigmas.size == 0:
        raise ValueError("sigmas must be a non-empty 1-D array")
    if not (np.all(np.isfinite(sigmas)) and np.all(sigmas > 0) and np.all(np.diff(sigmas) < 0)):
        raise ValueError("sigmas must be positive, finite and strictly decreasing")
    if n_steps_each < 1:
        raise ValueError(f"n_steps_each must be at least 1, got {n_steps_each}")
    if not (np.isfinite(step_size) and step_size > 0):
        raise ValueError(f"step_size must be positive, got {step_size!r}")
    x = _initial_state(x_init, n, dim, sigmas[0], rng)
    recorder = _Recorder(sigmas.size * n_steps_each, record, n_trajectories, x)
    step = 0
    for sigma in sigmas:
        alpha = step_size * (sigma / sigmas[-1]) ** 2
        for _ in range(n_steps_each):
            x = x + 0.5 * alpha * _evaluate(score, x, float(sigma)) + np.sqrt(alpha) * rng.standard_normal(x.shape)
            step += 1
            recorder.observe(step, x)
    return recorder.result(x)
