"""DDIM keeps the forward marginals: the Monte Carlo cross-check of ``diffusion.ddim_marginals``.

Song, Meng & Ermon (2021), Lemma 1: with ``q_σ(x_{t'} | x_t, x_0) = N(√β̄_{t'} x_0 +
√(1-β̄_{t'}-σ_t²)·(x_t - √β̄_t x_0)/√(1-β̄_t), σ_t² I)``, if ``x_t ~ N(√β̄_t x_0, (1-β̄_t) I)`` then
``x_{t'} ~ N(√β̄_{t'} x_0, (1-β̄_{t'}) I)`` for every admissible ``σ_t`` (every η in [0, 1]) and any
earlier kept step ``t'``.  A DDIM sampler driven by the *conditional* score
``∇ log q(x_t | x_0) = -(x_t - √β̄_t x_0)/(1-β̄_t)`` has ``x̂_0 = x_0`` exactly and ``ε̂`` the true
noise, so each of its updates is a draw of ``q_σ``: started from ``x_T ~ q(x_T | x_0)``, every state
it visits must have the forward marginal of its step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .estimates import Outcome, mean_estimate
from .schedules import Schedule

if TYPE_CHECKING:
    from .crosschecks import Implementation

SCHEDULE = Schedule.from_betas(np.linspace(0.05, 0.3, 10))
DDIM_X0 = 1.5
#: ``(η, timesteps)``: deterministic over every step, η = ½ over a skipping subsequence (DDIM's
#: accelerated sampler), and η = 1 over every step (DDPM's posterior variance).
DDIM_CASES = ((0.0, None), (0.5, (1, 3, 4, 6, 8, 10)), (1.0, None))


DDIM_SIMULATES = (
    f"DDIM from x_T ~ q(x_T | x_0), x_0 = {DDIM_X0:g}, driven by the score of q(x_t | x_0), so x̂_0 = x_0: every "
    "state x_s it visits should have mean √β̄_s x_0 and variance 1 − β̄_s")


def _kept_steps(timesteps) -> np.ndarray:
    return np.arange(1, SCHEDULE.T + 1) if timesteps is None else np.asarray(timesteps)


def _compared_updates(timesteps) -> tuple[int, ...]:
    """After which updates the state is compared: the first, a middle one and the one landing on
    the first kept step (three per case keep the table short; errors show at the first update and
    accumulate to the last)."""
    last = len(_kept_steps(timesteps)) - 1
    return (1, (last + 1) // 2, last)


DDIM_LABELS = tuple(
    f"η = {eta:g}, s = {_kept_steps(timesteps)[-1 - k]}: {m}" for eta, timesteps in DDIM_CASES
    for k in _compared_updates(timesteps) for m in ("E[x_s]", "E[(x_s − √β̄_s x_0)²]"))


def _conditional_score(x: np.ndarray, t: int) -> np.ndarray:
    alpha_bar = SCHEDULE.alpha_bars[t - 1]
    return -(x - np.sqrt(alpha_bar) * DDIM_X0) / (1.0 - alpha_bar)


def ddim_oracle_marginals(impl: Implementation, rng: np.random.Generator, n: int) -> Outcome:
    """``E x_s`` and ``E (x_s - √β̄_s x_0)²`` of the states that ``ddim_sample`` (driven by the
    conditional score of :data:`DDIM_X0`, from ``x_T ~ q(x_T | x_0)``) visits, against
    ``√β̄_s x_0`` and ``1-β̄_s``, for each case of :data:`DDIM_CASES`.  The last update (to β̄_0 = 1,
    where the state is ``x̂_0`` exactly and the SE is 0) is not compared; the others are compared
    after the updates of :func:`_compared_updates`."""
    estimates, ses, expected = [], [], []
    for eta, timesteps in DDIM_CASES:
        steps = _kept_steps(timesteps)
        alpha_bar_T = SCHEDULE.alpha_bars[steps[-1] - 1]
        x_T = np.sqrt(alpha_bar_T) * DDIM_X0 + np.sqrt(1.0 - alpha_bar_T) * rng.standard_normal((n, 1))
        # After k updates from steps[-1] the sampler is at steps[-1 - k].
        record = _compared_updates(timesteps)
        result = impl.ddim_sample(_conditional_score, SCHEDULE, rng=rng, eta=eta, timesteps=timesteps,
                                  x_T=x_T, record=record)
        for k in record:
            alpha_bar = SCHEDULE.alpha_bars[steps[-1 - k] - 1]
            x = np.asarray(result.recorded[k])[:, 0]
            centre = np.sqrt(alpha_bar) * DDIM_X0
            estimate = mean_estimate(np.stack([x, (x - centre) ** 2]), axis=1)
            estimates += list(estimate.value)
            ses += list(estimate.se)
            expected += [centre, 1.0 - alpha_bar]
    return Outcome(np.array(estimates), np.array(ses), np.array(expected), n)
