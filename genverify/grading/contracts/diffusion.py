"""The diffusion code contracts: forward marginal, posterior, ELBO weight, inpainting score.

References are :mod:`genverify.numeric.diffusion`'s (checked against the derivations by
``tests/test_numeric_matches_derivations.py``).  Each mistake is the formula a student writes
when they make it, in terms of ``β_t``, ``β̄_t`` and ``β̄_{t-1}`` (Ho et al. 2020, eqs. 4, 6–8);
index shifts, constant and SNR ratios, the 1000/T schedule and float32 are recognised for
every target by :mod:`genverify.grading.diagnose`.
"""

from __future__ import annotations

import numpy as np

from genverify.numeric import diffusion
from genverify.numeric.schedules import Schedule

from ..cases import READABLE, ROUND, arrays, schedule_regimes
from ..contract import Case, CodeTarget, Mistake, Regime


def _at_t(case: Case) -> tuple[float, float, float]:
    """``(β_t, β̄_t, β̄_{t-1})`` of the case's schedule at its t."""
    s = Schedule(case["betas"])
    t = case["t"]
    return s.betas[t - 1], s.alpha_bars[t - 1], s.alpha_bars_prev[t - 1]


def _one_minus(beta: float, alpha_bar: float, alpha_bar_prev: float) -> tuple[float, float, float]:
    """The quantities with β̄ read as 1 - β̄ (and so 1 - β̄ as β̄)."""
    return beta, 1 - alpha_bar, 1 - alpha_bar_prev


def _posterior(case: Case, beta: float, alpha_bar: float, alpha_bar_prev: float, *,
               sqrt_prev: bool = True, swapped: bool = False):
    """``μ̃_t = √β̄_{t-1} β_t/(1-β̄_t) x_0 + √(1-β_t)(1-β̄_{t-1})/(1-β̄_t) x_t`` and
    ``σ̃_t² = β_t(1-β̄_{t-1})/(1-β̄_t)`` (Ho et al. 2020, eq. 7) from the given quantities."""
    x_t, x_0 = (case["x_0"], case["x_t"]) if swapped else (case["x_t"], case["x_0"])
    with np.errstate(all="ignore"):
        scale_prev = np.sqrt(alpha_bar_prev) if sqrt_prev else alpha_bar_prev
        mean = (scale_prev * beta / (1 - alpha_bar) * x_0
                + np.sqrt(1 - beta) * (1 - alpha_bar_prev) / (1 - alpha_bar) * x_t)
        return mean, beta * (1 - alpha_bar_prev) / (1 - alpha_bar)


def _posterior_case(rng: np.random.Generator, betas: np.ndarray, t: int, kind: str) -> Case:
    x_t, x_0 = arrays(rng, kind, 2)
    return {"x_t": x_t, "x_0": x_0, "t": t, "betas": betas}


def _forward_case(rng: np.random.Generator, betas: np.ndarray, t: int, kind: str) -> Case:
    (x_0,) = arrays(rng, kind, 1)
    return {"x_0": x_0, "t": t, "betas": betas}


def _elbo_case(rng: np.random.Generator, betas: np.ndarray, t: int, kind: str) -> Case:
    return {"t": t, "betas": betas}


def _reference_mean(case: Case) -> np.ndarray:
    return diffusion.posterior_mean_variance(case["x_t"], case["x_0"], case["t"], case["betas"])[0]


_VARIANCE_FROM_FORWARD = (
    "The variance is β_t, the forward step's (DDPM's σ_t² = β_t, improved-diffusion's "
    "fixed_large); q(x_{t-1} | x_t, x_0) has σ̃_t² = β_t(1-β̄_{t-1})/(1-β̄_t) (fixed_small).")
_ONE_MINUS = ("β̄_t = ᾱ_t = ∏(1-β_i) (diffusers' alphas_cumprod[t-1]) is the signal's share and "
              "1 - β̄_t the noise's; the two were exchanged.")

POSTERIOR = CodeTarget(
    name="diffusion.posterior_mean_variance",
    result_id="diffusion.posterior",
    function="posterior_mean_variance",
    arguments=("x_t", "x_0", "t", "betas"),
    outputs=("mean", "variance"),
    signature="posterior_mean_variance(x_t, x_0, t, betas) -> (mean, variance); t: int in 1..T, "
              "betas: 1-D float array of β_1..β_T, x_t and x_0 broadcast together",
    reference=lambda c: diffusion.posterior_mean_variance(c["x_t"], c["x_0"], c["t"], c["betas"]),
    regimes=schedule_regimes(_posterior_case),
    mistakes=(
        Mistake("σ² = β_t (fixed_large) for σ̃_t² (fixed_small)", _VARIANCE_FROM_FORWARD,
                lambda c: (_reference_mean(c), _at_t(c)[0])),
        Mistake("β̄ read as 1 - β̄", _ONE_MINUS,
                lambda c: _posterior(c, *_one_minus(*_at_t(c)))),
        Mistake("missing square root on β̄_{t-1}",
                "The coefficient of x_0 is √β̄_{t-1} β_t/(1-β̄_t): β̄_{t-1} needs its square root "
                "(it is the mean scale of q(x_{t-1} | x_0)).",
                lambda c: _posterior(c, *_at_t(c), sqrt_prev=False)),
        Mistake("coefficients of x_t and x_0 swapped",
                "x_0 takes √β̄_{t-1} β_t/(1-β̄_t) and x_t takes √(1-β_t)(1-β̄_{t-1})/(1-β̄_t); "
                "they were swapped.",
                lambda c: _posterior(c, *_at_t(c), swapped=True)),
    ),
    example='''import numpy as np


def posterior_mean_variance(x_t, x_0, t, betas):
    betas = np.asarray(betas, dtype=np.float64)
    alpha_bar = np.cumprod(1.0 - betas)
    alpha_bar_prev = 1.0 if t == 1 else alpha_bar[t - 2]
    beta_t = betas[t - 1]
    coef_x0 = np.sqrt(alpha_bar_prev) * beta_t / (1.0 - alpha_bar[t - 1])
    coef_xt = np.sqrt(1.0 - beta_t) * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar[t - 1])
    variance = beta_t * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar[t - 1])
    return coef_x0 * np.asarray(x_0) + coef_xt * np.asarray(x_t), variance
''',
)


def _forward(case: Case, mean_scale, variance):
    return mean_scale * case["x_0"], variance


FORWARD = CodeTarget(
    name="diffusion.forward_marginal",
    result_id="diffusion.forward_marginal",
    function="forward_marginal",
    arguments=("x_0", "t", "betas"),
    outputs=("mean", "variance"),
    signature="forward_marginal(x_0, t, betas) -> (mean, variance); t: int in 1..T",
    reference=lambda c: diffusion.forward_marginal(c["x_0"], c["t"], c["betas"]),
    regimes=schedule_regimes(_forward_case),
    mistakes=(
        Mistake("β̄ read as 1 - β̄", _ONE_MINUS,
                lambda c: _forward(c, np.sqrt(1 - _at_t(c)[1]), _at_t(c)[1])),
        Mistake("standard deviation for variance",
                "√(1-β̄_t) is the standard deviation of q(x_t | x_0); the variance is 1 - β̄_t.",
                lambda c: _forward(c, np.sqrt(_at_t(c)[1]), np.sqrt(1 - _at_t(c)[1]))),
        Mistake("missing square root on β̄_t",
                "The mean scales x_0 by √β̄_t (each step multiplies it by √(1-β_i)), not β̄_t.",
                lambda c: _forward(c, _at_t(c)[1], 1 - _at_t(c)[1])),
        Mistake("α_t for ᾱ_t",
                "√(1-β_t) = √α_t and β_t describe one step; after t steps the mean scale is "
                "√ᾱ_t = √∏(1-β_i) and the variance 1 - ᾱ_t.",
                lambda c: _forward(c, np.sqrt(1 - _at_t(c)[0]), _at_t(c)[0])),
    ),
    example='''import numpy as np


def forward_marginal(x_0, t, betas):
    alpha_bar = np.cumprod(1.0 - np.asarray(betas, dtype=np.float64))[t - 1]
    return np.sqrt(alpha_bar) * np.asarray(x_0, dtype=np.float64), 1.0 - alpha_bar
''',
)


def _weight(beta: float, alpha_bar: float, alpha_bar_prev: float, *, beta_power: int = 2,
            variance: float | None = None) -> float:
    """``β̄_{t-1} β_t² / (2 σ² (1-β̄_t)²)`` with ``σ² = σ̃_t²`` unless given (Ho et al. 2020, eq. 8
    with μ̃_t's x_0 coefficient; Luo 2022, eq. 99)."""
    with np.errstate(all="ignore"):
        if variance is None:
            variance = beta * (1 - alpha_bar_prev) / (1 - alpha_bar)
        return alpha_bar_prev * beta**beta_power / (2 * variance * (1 - alpha_bar) ** 2)


ELBO_WEIGHT = CodeTarget(
    name="diffusion.elbo_weight",
    result_id="diffusion.elbo",
    function="elbo_weight",
    arguments=("t", "betas"),
    outputs=("weight",),
    signature="elbo_weight(t, betas) -> float; t: int in 2..T (t = 1 is the reconstruction term)",
    reference=lambda c: diffusion.elbo_weight(c["t"], c["betas"]),
    regimes=schedule_regimes(_elbo_case, first_t=2, broadcast=False),
    mistakes=(
        Mistake("β_t for β_t² (the homework's)",
                "The coefficient of x_0 in μ̃_t, √β̄_{t-1} β_t/(1-β̄_t), is squared in the KL: "
                "β_t², not β_t.",
                lambda c: _weight(*_at_t(c), beta_power=1)),
        Mistake("σ² = β_t (fixed_large) in the KL",
                "The denoising KL divides by the posterior variance σ̃_t² = β_t(1-β̄_{t-1})/(1-β̄_t) "
                "(fixed_small), not by β_t (fixed_large).",
                lambda c: _weight(*_at_t(c), variance=_at_t(c)[0])),
        Mistake("β̄ read as 1 - β̄", _ONE_MINUS, lambda c: _weight(*_one_minus(*_at_t(c)))),
    ),
    example='''import numpy as np


def elbo_weight(t, betas):
    betas = np.asarray(betas, dtype=np.float64)
    alpha_bar = np.cumprod(1.0 - betas)
    return 0.5 * alpha_bar[t - 2] * betas[t - 1] / ((1.0 - alpha_bar[t - 2]) * (1.0 - alpha_bar[t - 1]))
''',
)


# ---------------------------------------------------------------- inpainting (homework 2.5)


def _score_case(rng: np.random.Generator, kind: str, mask_kind: str = "random") -> Case:
    if kind == ROUND:
        shape: tuple[int, ...] = (int(rng.integers(2, 4)),)
        x, x_known, mean = (rng.integers(-3, 4, size=shape).astype(np.float64) for _ in range(3))
        variance = rng.choice([0.5, 1.0, 2.0], size=shape)
    else:
        shape = tuple(int(n) for n in rng.integers(1, 5, size=int(rng.integers(1, 4))))
        scale = 1e6 if kind == "large" else 3.0
        x, x_known, mean = (rng.normal(0.0, scale, size=shape) for _ in range(3))
        variance = rng.uniform(0.1, 10.0, size=shape)
    mask_shape = (1,) * (len(shape) - 1) + shape[-1:] if mask_kind == "broadcast" else shape
    mask = (rng.random(mask_shape) < 0.5).astype(np.float64)
    if mask_kind == "constant":
        mask[...] = float(rng.integers(0, 2))
    return {"x": x, "x_known": x_known, "mask": mask, "prior_mean": mean, "prior_variance": variance}


def _gaussian_score(case: Case):
    return lambda x: -(np.asarray(x, dtype=np.float64) - case["prior_mean"]) / case["prior_variance"]


def _score(case: Case, *, factor: float = 2.0, mask=None, prior: bool = True) -> np.ndarray:
    """``s(x) - 2 (x - x_known) ⊙ M`` (homework 2.5) with the given changes."""
    mask = case["mask"] if mask is None else mask
    likelihood = -factor * (case["x"] - case["x_known"]) * mask
    return (_gaussian_score(case)(case["x"]) if prior else 0.0) + likelihood


def _score_regime(name: str, count: int, kind: str, mask_kind: str = "random") -> Regime:
    return Regime(name, count, lambda rng: _score_case(rng, kind, mask_kind))


CONDITIONAL_SCORE = CodeTarget(
    name="diffusion.conditional_score",
    result_id="diffusion.conditional_score",
    function="conditional_score",
    arguments=("x", "x_known", "mask", "prior_score"),
    outputs=("score",),
    signature="conditional_score(x, x_known, mask, prior_score) -> ndarray; mask of 0/1, "
              "prior_score(x) a callable returning an array of x's shape; likelihood "
              "∝ exp(-‖(x - x_known) ⊙ M‖²)",
    reference=lambda c: diffusion.conditional_score(c["x"], c["x_known"], c["mask"], _gaussian_score(c)),
    regimes=(
        _score_regime(READABLE, 6, ROUND),
        _score_regime("random shapes", 22, "random"),
        _score_regime("mask all 0 or all 1", 10, "random", "constant"),
        _score_regime("mask broadcast over leading axes", 10, "random", "broadcast"),
        _score_regime("large values (|x| ≈ 1e6)", 10, "large"),
    ),
    mistakes=(
        Mistake("factor 2 of the likelihood's gradient missing",
                "∇_x of -‖(x - x_known) ⊙ M‖² is -2 (x - x_known) ⊙ M: the factor 2 is missing.",
                lambda c: _score(c, factor=1.0)),
        Mistake("sign of the likelihood term",
                "The likelihood pulls x towards x_known: its gradient is -2 (x - x_known) ⊙ M.",
                lambda c: _score(c, factor=-2.0)),
        Mistake("mask complement 1 - M",
                "M marks the known coordinates, where the likelihood acts; 1 - M was used.",
                lambda c: _score(c, mask=1.0 - c["mask"])),
        Mistake("prior score missing",
                "Bayes: ∇ log p(x | x_known) = ∇ log p(x_known | x) + s_θ(x); the prior's score "
                "prior_score(x) is missing.",
                lambda c: _score(c, prior=False)),
    ),
    example='''import numpy as np


def conditional_score(x, x_known, mask, prior_score):
    x = np.asarray(x, dtype=np.float64)
    return prior_score(x) - 2.0 * (x - np.asarray(x_known)) * np.asarray(mask)
''',
    gaussian_score_argument="prior_score",
)

TARGETS = (POSTERIOR, FORWARD, ELBO_WEIGHT, CONDITIONAL_SCORE)
