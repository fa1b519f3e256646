"""The sampling code contracts: ``q_sample``, one DDPM step, one DDIM step with η.

- ``q_sample``: ``x_t = √β̄_t x_0 + √(1-β̄_t) ε`` (Ho et al. 2020, eq. 4; homework 2.3), the
  reference :func:`genverify.numeric.diffusion.q_sample`.
- One DDPM step: ``x_{t-1} = (x_t - β_t/√(1-β̄_t) ε̂)/√α_t + σ_t z`` with ``σ_t² = σ̃_t² =
  β_t(1-β̄_{t-1})/(1-β̄_t)`` (Ho et al. 2020, Alg. 2 and §3.2; improved-diffusion's
  ``fixed_small``), the reference :func:`genverify.numeric.samplers.ddpm_step`.
- One DDIM step from ``t`` to ``t' < t``: ``x_{t'} = √β̄_{t'} x̂_0 + √(1-β̄_{t'}-σ_t²) ε̂ + σ_t z``,
  ``x̂_0 = (x_t - √(1-β̄_t) ε̂)/√β̄_t``, ``σ_t = η √((1-β̄_{t'})/(1-β̄_t)) √(1-β̄_t/β̄_{t'})``
  (Song, Meng & Ermon 2021, eqs. 12 and 16), the reference
  :func:`genverify.numeric.samplers.ddim_step`.

Every random draw is an argument (``noise`` is ``ε`` or ``z``), so the outputs are deterministic.
Each mistake is the formula a student writes when they make it.
"""

from __future__ import annotations

import numpy as np

from genverify.numeric import diffusion, samplers
from genverify.numeric.schedules import Schedule, cosine_schedule, linear_schedule

from ..cases import BROADCAST, READABLE, ROUND, arrays, readable_betas, schedule_regimes, short_betas
from ..contract import Case, CodeTarget, Mistake, Regime

_ONE_MINUS = ("β̄_t = ᾱ_t = ∏(1-β_i) (diffusers' alphas_cumprod[t-1]) is the signal's share and "
              "1 - β̄_t the noise's; the two were exchanged.")


def _at(case: Case, t: int) -> tuple[float, float, float]:
    """``(β_t, β̄_t, 1-β̄_t)`` of the case's schedule, with ``β̄_0 = 1``."""
    if t == 0:
        return 0.0, 1.0, 0.0
    s = Schedule(case["betas"])
    return s.betas[t - 1], s.alpha_bars[t - 1], s.one_minus_alpha_bars[t - 1]


# ---------------------------------------------------------------- q_sample (homework 2.3)


def _q_sample_case(rng: np.random.Generator, betas: np.ndarray, t: int, kind: str) -> Case:
    x_0, noise = arrays(rng, kind, 2)
    return {"x_0": x_0, "t": t, "noise": noise, "betas": betas}


def _q_sample(case: Case) -> np.ndarray:
    x_0, noise = np.broadcast_arrays(case["x_0"], case["noise"])
    return diffusion.q_sample(x_0, case["t"], case["betas"], None, noise=noise)


def _q_mix(case: Case, signal: float, noise_scale: float) -> np.ndarray:
    return signal * case["x_0"] + noise_scale * case["noise"]


Q_SAMPLE = CodeTarget(
    name="diffusion.q_sample",
    result_id="diffusion.forward_marginal",
    function="q_sample",
    arguments=("x_0", "t", "noise", "betas"),
    outputs=("x_t",),
    signature="q_sample(x_0, t, noise, betas) -> x_t; a draw of q(x_t | x_0) with ε = noise; "
              "t: int in 1..T; betas: 1-D float64 array, betas[t-1] = β_t; x_0 and noise float64 "
              "arrays that broadcast together",
    reference=_q_sample,
    regimes=schedule_regimes(_q_sample_case),
    mistakes=(
        Mistake("variance for standard deviation",
                "ε is scaled by the standard deviation √(1-β̄_t) of q(x_t | x_0), not by its "
                "variance 1 - β̄_t.",
                lambda c: _q_mix(c, np.sqrt(_at(c, c["t"])[1]), _at(c, c["t"])[2])),
        Mistake("β̄_{t-1} for β̄_t",
                "β̄_t = ∏_{i=1}^{t} (1-β_i) includes step t; the product stopped at i = t-1 "
                "(betas[:t-1], or alphas_cumprod[t-2]).",
                lambda c: _q_mix(c, np.sqrt(_at(c, c["t"] - 1)[1]), np.sqrt(_at(c, c["t"] - 1)[2]))),
        Mistake("missing square root on β̄_t",
                "The mean scales x_0 by √β̄_t (each step multiplies it by √(1-β_i)), not β̄_t.",
                lambda c: _q_mix(c, _at(c, c["t"])[1], np.sqrt(_at(c, c["t"])[2]))),
        Mistake("β̄ read as 1 - β̄", _ONE_MINUS,
                lambda c: _q_mix(c, np.sqrt(_at(c, c["t"])[2]), np.sqrt(_at(c, c["t"])[1]))),
        Mistake("one forward step for the marginal",
                "√(1-β_t) x + √β_t ε is one step q(x_t | x_{t-1}); after t steps from x_0 the "
                "scales are √β̄_t and √(1-β̄_t).",
                lambda c: _q_mix(c, np.sqrt(1 - _at(c, c["t"])[0]), np.sqrt(_at(c, c["t"])[0]))),
    ),
    example='''import numpy as np


def q_sample(x_0, t, noise, betas):
    alpha_bar = np.prod(1.0 - np.asarray(betas, dtype=np.float64)[:t])
    return np.sqrt(alpha_bar) * np.asarray(x_0) + np.sqrt(1.0 - alpha_bar) * np.asarray(noise)
''',
)


# ---------------------------------------------------------------- one DDPM step


def _ddpm_case(rng: np.random.Generator, betas: np.ndarray, t: int, kind: str) -> Case:
    x_t, eps, noise = arrays(rng, kind, 3)
    return {"x_t": x_t, "t": t, "eps": eps, "noise": noise, "betas": betas}


def _ddpm(case: Case, *, variance: str = "posterior") -> np.ndarray:
    return samplers.ddpm_step(case["x_t"], case["t"], case["eps"], case["betas"], case["noise"],
                              variance=variance)


def _ddpm_with(case: Case, *, eps_coef: float | None = None, inverse_sqrt_alpha: bool = True,
               noise_scale: float | None = None) -> np.ndarray:
    """``(x_t - c ε̂)/√α_t + s z`` with the given ``c`` and ``s`` (default: the correct ones)."""
    beta, alpha_bar, one_minus = _at(case, case["t"])
    posterior_variance = Schedule(case["betas"]).posterior_variance[case["t"] - 1]
    with np.errstate(all="ignore"):
        c = beta / np.sqrt(one_minus) if eps_coef is None else eps_coef
        s = np.sqrt(posterior_variance) if noise_scale is None else noise_scale
        mean = case["x_t"] - c * case["eps"]
        return (mean / np.sqrt(1 - beta) if inverse_sqrt_alpha else mean) + s * case["noise"]


def _ddpm_one_minus(case: Case) -> np.ndarray:
    beta, alpha_bar, _ = _at(case, case["t"])
    alpha_bar_prev = _at(case, case["t"] - 1)[1]
    with np.errstate(all="ignore"):
        return _ddpm_with(case, eps_coef=beta / np.sqrt(alpha_bar),
                          noise_scale=np.sqrt(beta * alpha_bar_prev / alpha_bar))


DDPM_STEP = CodeTarget(
    name="diffusion.ddpm_step",
    result_id="diffusion.posterior",
    function="ddpm_step",
    arguments=("x_t", "t", "eps", "noise", "betas"),
    outputs=("x_prev",),
    signature="ddpm_step(x_t, t, eps, noise, betas) -> x_prev; one ancestral DDPM step from x_t "
              "to x_{t-1} (Ho et al. 2020, Alg. 2) given the predicted noise eps and z = noise, "
              "with σ_t² = σ̃_t² = β_t(1-β̄_{t-1})/(1-β̄_t) (fixed_small, 0 at t = 1); t: int in "
              "1..T; betas[t-1] = β_t; x_t, eps and noise float64 arrays that broadcast together",
    reference=_ddpm,
    regimes=schedule_regimes(_ddpm_case),
    mistakes=(
        Mistake("σ² = β_t (fixed_large) for σ̃_t² (fixed_small)",
                "σ_t² = β_t is improved-diffusion's fixed_large; the contract asks for the "
                "posterior variance σ̃_t² = β_t(1-β̄_{t-1})/(1-β̄_t) (fixed_small).",
                lambda c: _ddpm(c, variance="beta")),
        Mistake("missing 1/√α_t",
                "The mean is (x_t - β_t/√(1-β̄_t) ε̂)/√α_t: dividing by √α_t = √(1-β_t) undoes the "
                "forward step's shrinking of x_{t-1}.",
                lambda c: _ddpm_with(c, inverse_sqrt_alpha=False)),
        Mistake("ε̂ coefficient β_t/(1-β̄_t)",
                "The ε̂ coefficient is β_t/√(1-β̄_t): ε̂ has unit variance, the noise in x_t has "
                "standard deviation √(1-β̄_t).",
                lambda c: _ddpm_with(c, eps_coef=_at(c, c["t"])[0] / _at(c, c["t"])[2])),
        Mistake("σ̃_t² for σ̃_t",
                "z is scaled by the standard deviation σ̃_t, not by the variance σ̃_t².",
                lambda c: _ddpm_with(
                    c, noise_scale=Schedule(c["betas"]).posterior_variance[c["t"] - 1])),
        Mistake("β̄ read as 1 - β̄", _ONE_MINUS, _ddpm_one_minus),
    ),
    example='''import numpy as np


def ddpm_step(x_t, t, eps, noise, betas):
    betas = np.asarray(betas, dtype=np.float64)
    alpha_bar = np.cumprod(1.0 - betas)
    alpha_bar_prev = 1.0 if t == 1 else alpha_bar[t - 2]
    beta_t = betas[t - 1]
    sigma = np.sqrt(beta_t * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar[t - 1]))
    mean = (np.asarray(x_t) - beta_t / np.sqrt(1.0 - alpha_bar[t - 1]) * np.asarray(eps)) / np.sqrt(1.0 - beta_t)
    return mean + sigma * np.asarray(noise)
''',
)


# ---------------------------------------------------------------- one DDIM step


def _ddim_case(rng: np.random.Generator, kind: str, betas: np.ndarray, pair: tuple[int, int],
               eta: float) -> Case:
    x_t, eps, noise = arrays(rng, kind, 3)
    t, t_prev = pair
    return {"x_t": x_t, "t": t, "t_prev": t_prev, "eps": eps, "noise": noise, "eta": eta,
            "betas": betas}


def _any_pair(rng: np.random.Generator, T: int) -> tuple[int, int]:
    t = int(rng.integers(1, T + 1))
    return t, int(rng.integers(0, t))


def _strided_pair(rng: np.random.Generator, T: int) -> tuple[int, int]:
    """Consecutive kept steps ``t`` and ``t - stride`` of a DDIM schedule that keeps every
    stride-th step, ``t = stride, 2·stride, …, T`` (diffusers' "trailing" spacing in 1-based t)."""
    stride = int(rng.choice([10, 20, 50, 100]))
    t = stride * int(rng.integers(1, T // stride + 1))
    return t, t - stride


def _eta(rng: np.random.Generator) -> float:
    """η = 0 (DDIM), 1 (DDPM's σ̃_t) or in between, each a third of the time."""
    return float(rng.choice([0.0, 1.0, rng.uniform(0.05, 0.95)]))


def _small_alpha_bar(rng: np.random.Generator) -> tuple[np.ndarray, tuple[int, int]]:
    """β_t ∈ [0.5, 0.9] and t late enough that β̄_t < 1e-30, early enough that β̄_t > 1e-250
    (x̂_0 divides by √β̄_t, so an underflowed β̄_t has no DDIM step)."""
    betas = rng.uniform(0.5, 0.9, size=400)
    log10_alpha_bars = np.cumsum(np.log10(1 - betas))
    late = np.flatnonzero((log10_alpha_bars < -30) & (log10_alpha_bars > -250)) + 1
    t = int(rng.choice(late))
    return betas, (t, int(rng.integers(max(0, t - 30), t)))


def _ddim_regime(name: str, count: int, draw_schedule, draw_pair, kind: str = "random",
                 hint: str = "") -> Regime:
    def draw(rng: np.random.Generator) -> Case:
        betas = draw_schedule(rng)
        eta = float(rng.choice([0.0, 0.5, 1.0])) if kind == ROUND else _eta(rng)
        return _ddim_case(rng, kind, betas, draw_pair(rng, len(betas)), eta)
    return Regime(name, count, draw, hint)


def _ddim_small_regime(count: int) -> Regime:
    def draw(rng: np.random.Generator) -> Case:
        betas, pair = _small_alpha_bar(rng)
        return _ddim_case(rng, "random", betas, pair, _eta(rng))
    return Regime("small β̄ (1e-250 < β̄_t < 1e-30)", count, draw,
                  "Only tiny β̄_t fails: keep float64 (float32 flushes β̄_t below 1e-38 to 0) and "
                  "divide by √β̄_t, not by a power of it that underflows.")


def _ddim(case: Case) -> np.ndarray:
    return samplers.ddim_step(case["x_t"], case["t"], case["t_prev"], case["eps"], case["betas"],
                              case["eta"], case["noise"])


def _ddim_with(case: Case, *, t_prev: int | None = None, sigma_ratio: bool = True,
               eta_power: int = 2, sigma_in_direction: bool = True) -> np.ndarray:
    """Eq. 12 with eq. 16's σ_t, each part switchable to a mistaken form."""
    _, a, one_minus_a = _at(case, case["t"])
    _, a_prev, one_minus_a_prev = _at(case, case["t_prev"] if t_prev is None else t_prev)
    sigma2 = case["eta"] ** eta_power * one_minus_a_prev / one_minus_a
    if sigma_ratio:
        sigma2 *= 1 - a / a_prev
    x0_hat = (case["x_t"] - np.sqrt(one_minus_a) * case["eps"]) / np.sqrt(a)
    direction = np.sqrt(max(one_minus_a_prev - (sigma2 if sigma_in_direction else 0.0), 0.0))
    return np.sqrt(a_prev) * x0_hat + direction * case["eps"] + np.sqrt(sigma2) * case["noise"]


DDIM_STEP = CodeTarget(
    name="diffusion.ddim_step",
    result_id="diffusion.ddim_marginals",
    function="ddim_step",
    arguments=("x_t", "t", "t_prev", "eps", "noise", "eta", "betas"),
    outputs=("x_prev",),
    signature="ddim_step(x_t, t, t_prev, eps, noise, eta, betas) -> x_prev; one DDIM step from "
              "x_t to x_{t_prev} (Song, Meng & Ermon 2021, eq. 12, σ_t(η) of eq. 16) given the "
              "predicted noise eps and z = noise; t: int in 1..T, t_prev: int in 0..t-1 "
              "(β̄_0 = 1); eta: float in [0, 1]; betas[t-1] = β_t; x_t, eps and noise float64 "
              "arrays that broadcast together",
    reference=_ddim,
    regimes=(
        _ddim_regime(READABLE, 6, readable_betas, lambda rng, T: (T, T - 1), ROUND),
        _ddim_regime("T = 1", 4, lambda rng: rng.uniform(1e-4, 0.999, size=1),
                     lambda rng, T: (1, 0), hint="Only the step from t = 1 to t_prev = 0 fails: "
                     "there β̄_0 = 1 (the empty product) and the step returns x̂_0."),
        _ddim_regime("short schedules (T ≤ 10)", 10, short_betas, _any_pair),
        _ddim_regime("T = 1000 linear, strided", 8, lambda rng: linear_schedule(1000).betas,
                     _strided_pair),
        _ddim_regime("T = 1000 cosine, strided", 8, lambda rng: cosine_schedule(1000).betas,
                     _strided_pair),
        _ddim_small_regime(6),
        _ddim_regime("broadcast shapes", 8, short_betas, _any_pair, BROADCAST,
                     "Only broadcast shapes fail: x_t, eps and noise may have different shapes "
                     "that broadcast together (such as (3, 1) and (1, 4))."),
    ),
    mistakes=(
        Mistake("σ_t without √(1-β̄_t/β̄_{t'})",
                "Eq. 16's σ_t = η √((1-β̄_{t'})/(1-β̄_t)) √(1-β̄_t/β̄_{t'}) has two factors; the "
                "second (the variance of one DDPM step from t to t') was dropped.",
                lambda c: _ddim_with(c, sigma_ratio=False)),
        Mistake("η for η²",
                "σ_t² = η² (1-β̄_{t'})/(1-β̄_t) (1-β̄_t/β̄_{t'}): η scales the standard deviation, "
                "so the variance carries η², not η.",
                lambda c: _ddim_with(c, eta_power=1)),
        Mistake("direction term without σ_t²",
                "The coefficient of ε̂ is √(1-β̄_{t'}-σ_t²): the noise σ_t z takes its share of "
                "the variance 1-β̄_{t'} away from the direction term.",
                lambda c: _ddim_with(c, sigma_in_direction=False)),
        Mistake("t-1 for t_prev",
                "With strided steps the previous kept step is t_prev, not t-1: β̄_{t'} is read at "
                "t_prev.",
                lambda c: _ddim_with(c, t_prev=c["t"] - 1)),
    ),
    example='''import numpy as np


def ddim_step(x_t, t, t_prev, eps, noise, eta, betas):
    alpha_bar = np.cumprod(1.0 - np.asarray(betas, dtype=np.float64))
    a = alpha_bar[t - 1]
    a_prev = 1.0 if t_prev == 0 else alpha_bar[t_prev - 1]
    x_t, eps, noise = np.asarray(x_t), np.asarray(eps), np.asarray(noise)
    x0_hat = (x_t - np.sqrt(1.0 - a) * eps) / np.sqrt(a)
    sigma2 = eta**2 * (1.0 - a_prev) / (1.0 - a) * (1.0 - a / a_prev)
    direction = np.sqrt(max(1.0 - a_prev - sigma2, 0.0))
    return np.sqrt(a_prev) * x0_hat + direction * eps + np.sqrt(sigma2) * noise
''',
)

TARGETS = (Q_SAMPLE, DDPM_STEP, DDIM_STEP)
