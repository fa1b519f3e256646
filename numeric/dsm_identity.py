"""Denoising score matching's target, and the Monte Carlo check that ``J_DSM - J_ESM`` is one constant.

Vincent (2011), eqs. 4–7: for ``x_t = √ᾱ x_0 + √(1-ᾱ) ε`` the DSM target is the kernel's score

    ∇_{x_t} log q(x_t | x_0) = -(x_t - √ᾱ x_0)/(1 - ᾱ) = -ε/√(1 - ᾱ),

and ``J_DSM(s) = E ½‖s(x_t) - ∇ log q(x_t | x_0)‖²`` differs from
``J_ESM(s) = E ½‖s(x_t) - ∇ log q(x_t)‖²`` by a constant ``C`` that does not depend on ``s``
(``derivations/score_matching_dsm.py``).  For Gaussian-mixture data ``∇ log q(x_t)`` is exact
(``GaussianMixture.noised``), so both losses can be estimated on the same draws for several
models ``s`` and their differences compared.
"""

from __future__ import annotations

import numpy as np

from .estimates import Outcome
from .gmm import GaussianMixture


def dsm_target(x_t, x_0, alpha_bar: float) -> np.ndarray:
    """``∇_{x_t} log q(x_t | x_0) = -(x_t - √ᾱ x_0)/(1 - ᾱ)`` for ``q(x_t | x_0) = N(√ᾱ x_0, (1-ᾱ) I)``."""
    alpha_bar = float(alpha_bar)
    if not 0.0 < alpha_bar < 1.0:
        raise ValueError(f"alpha_bar must lie in (0, 1), got {alpha_bar!r}")
    x_t = np.asarray(x_t, dtype=np.float64)
    return -(x_t - np.sqrt(alpha_bar) * np.asarray(x_0, dtype=np.float64)) / (1.0 - alpha_bar)


#: Three unequal, overlapping components in 2-D: the score of the noised law is far from linear.
DATA = GaussianMixture(np.array([0.5, 0.3, 0.2]), np.array([[-1.5, 0.0], [1.0, 1.0], [0.5, -1.5]]),
                       np.array([0.2, 0.1, 0.3]))
ALPHA_BARS = (0.3, 0.8)
MODEL_NAMES = ("s = -x", "s = (tanh x_1, sin x_2)", "s = (-x_2, x_1)")

SIMULATES = ("pairs (x_0, x_t = √ᾱ x_0 + √(1-ᾱ) ε) per ᾱ, x_0 from a 3-component 2-D Gaussian mixture; on the "
             "same draws J_DSM(s) - J_ESM(s) for each model s, minus its value for s = 0 (expected 0: one constant)")
LABELS = tuple(f"ᾱ = {ab:g}, {name}" for ab in ALPHA_BARS for name in MODEL_NAMES)


def _models(x: np.ndarray) -> list[np.ndarray]:
    """Score models ``s_j(x)``, j = 0..3: zero, the N(0, I) score, a bounded field and a rotation.
    The rotation ``(-x_2, x_1)`` is divergence-free, so its ``E[s·∇log q]`` tests the cross term's
    direction rather than its size."""
    return [np.zeros_like(x), -x, np.stack([np.tanh(x[:, 0]), np.sin(x[:, 1])], axis=1),
            np.stack([-x[:, 1], x[:, 0]], axis=1)]


def dsm_minus_esm(impl, rng: np.random.Generator, n: int):
    """``[J_DSM(s_j) - J_ESM(s_j)] - [J_DSM(s_0) - J_ESM(s_0)]`` for the models of :func:`_models`
    (j = 1..3) at each ``ᾱ`` in :data:`ALPHA_BARS`, against 0: Vincent's constant is the same for
    every model.  ``n`` pairs ``(x_0, x_t)`` per level, both losses on the same draws, DSM's target
    from ``impl.dsm_target`` and ESM's from the exact noised score."""
    columns = []
    for alpha_bar in ALPHA_BARS:
        x_0 = DATA.sample(n, rng)
        x_t = np.sqrt(alpha_bar) * x_0 + np.sqrt(1.0 - alpha_bar) * rng.standard_normal(x_0.shape)
        target = np.asarray(impl.dsm_target(x_t, x_0, alpha_bar), dtype=np.float64)
        score = DATA.noised(alpha_bar).score(x_t)
        gaps = [0.5 * ((s - target) ** 2).sum(axis=1) - 0.5 * ((s - score) ** 2).sum(axis=1) for s in _models(x_t)]
        columns += [gap - gaps[0] for gap in gaps[1:]]
    samples = np.stack(columns)
    estimate = samples.mean(axis=1)
    return Outcome(estimate, samples.std(axis=1, ddof=1) / np.sqrt(n), np.zeros_like(estimate), n)
