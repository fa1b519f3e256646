"""Denoising score matching with a small NumPy MLP, scored against the exact score of a noised mixture.

Denoising score matching (Vincent 2011, eq. 7; Song & Ermon 2019, eq. 2): for
``x_t = √ᾱ x_0 + σ ε`` with ``σ² = 1 − ᾱ`` (Ho et al. 2020, eq. 4), the minimiser over ``s`` of
``E ‖s(x_t) − ∇_{x_t} log q(x_t | x_0)‖² = E ‖s(x_t) + ε/σ‖²`` is the score ``∇ log p_ᾱ(x_t)`` of
the noised marginal.  Writing ``s = −ε̂/σ`` turns the σ²-weighted loss into the ε-prediction
loss of Ho et al. (2020, eq. 14),

    L(θ) = E_{ᾱ, x_0, ε} ‖ε̂_θ(x_t, log σ) − ε‖²,

one network for all noise levels, conditioned on ``log σ`` as an extra input (Song & Ermon 2019,
§4.2, condition on σ).  The MLP is :mod:`numeric.mlp` (hand-written backprop, Adam).

For a Gaussian mixture ``p_ᾱ`` is a mixture too (:meth:`numeric.gmm.GaussianMixture.noised`),
so the learned score can be compared with the exact one: :func:`relative_score_error` is
``√(E_{p_ᾱ} ‖s_θ − ∇ log p_ᾱ‖² / E_{p_ᾱ} ‖∇ log p_ᾱ‖²)``, the relative L2 error weighted by the
noised density.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .gmm import GaussianMixture
from .mlp import MLP, Adam, init_mlp


def _noise_std(alpha_bar) -> np.ndarray:
    alpha_bar = np.asarray(alpha_bar, dtype=np.float64)
    if not np.all((alpha_bar > 0) & (alpha_bar < 1)):
        raise ValueError("alpha_bar must lie in (0, 1): at 1 there is no noise and no score to match")
    return np.sqrt(1.0 - alpha_bar)


@dataclass(eq=False)
class NoiseConditionalScore:
    """``ε̂_θ(x, log σ)`` as an MLP on ``[x, log σ]``; score ``s_θ(x, ᾱ) = −ε̂_θ / σ``, ``σ = √(1−ᾱ)``."""

    net: MLP

    def _inputs(self, x, alpha_bar) -> tuple[np.ndarray, np.ndarray]:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] + 1 != self.net.sizes[0]:
            raise ValueError(f"x must have shape (n, {self.net.sizes[0] - 1}), got {x.shape}")
        sigma = np.broadcast_to(_noise_std(alpha_bar), (x.shape[0],))
        return np.column_stack([x, np.log(sigma)]), sigma

    def eps(self, x, alpha_bar) -> np.ndarray:
        """``ε̂_θ(x)`` at noise level ``ᾱ`` (a scalar or one per row)."""
        return self.net(self._inputs(x, alpha_bar)[0])

    def score(self, x, alpha_bar) -> np.ndarray:
        """``s_θ(x, ᾱ) = −ε̂_θ(x) / √(1−ᾱ)`` (Ho et al. 2020, §3.2; Song et al. 2021, App. B)."""
        features, sigma = self._inputs(x, alpha_bar)
        return -self.net(features) / sigma[:, None]


def dsm_loss(model: NoiseConditionalScore, x_0, alpha_bar, eps) -> np.ndarray:
    """Per-sample ``‖ε̂_θ(√ᾱ x_0 + √(1−ᾱ) ε) − ε‖²``, shape (n,); ``alpha_bar`` scalar or (n,).

    The randomness is an argument (``eps``), so two models can be compared on common draws.
    """
    x_0 = np.asarray(x_0, dtype=np.float64)
    eps = np.asarray(eps, dtype=np.float64)
    if eps.shape != x_0.shape:
        raise ValueError(f"eps has shape {eps.shape}, expected x_0's shape {x_0.shape}")
    alpha_bar = np.broadcast_to(np.asarray(alpha_bar, dtype=np.float64), (x_0.shape[0],))
    x_t = np.sqrt(alpha_bar)[:, None] * x_0 + _noise_std(alpha_bar)[:, None] * eps
    return ((model.eps(x_t, alpha_bar) - eps) ** 2).sum(axis=1)


@dataclass(eq=False)
class DSMTraining:
    model: NoiseConditionalScore
    losses: np.ndarray
    """The minibatch loss before each Adam step, shape (n_iterations,)."""


def train_dsm(
    mixture: GaussianMixture,
    alpha_bars,
    *,
    rng: np.random.Generator,
    hidden: tuple[int, ...] = (64, 64),
    n_iterations: int = 2000,
    batch_size: int = 256,
    lr: float = 2e-3,
    activation: str = "tanh",
    model: NoiseConditionalScore | None = None,
) -> DSMTraining:
    """Minimise the ε-prediction loss by Adam on fresh minibatches.

    Each step draws ``x_0 ~ mixture``, ``ᾱ`` uniformly from ``alpha_bars`` (e.g. a schedule's
    ``alpha_bars``, as Ho et al. 2020, Alg. 1, draw ``t`` uniformly) and ``ε ~ N(0, I)``; the
    gradient of the batch mean of :func:`dsm_loss` with respect to ``ε̂`` is ``2 (ε̂ − ε)/B``,
    which :meth:`numeric.mlp.MLP.backward` carries to the weights.  A new network of widths
    ``(D + 1, *hidden, D)`` is drawn from ``rng`` unless ``model`` is given, in which case that
    model is trained in place (``hidden`` and ``activation`` are then unused).
    """
    levels = np.asarray(alpha_bars, dtype=np.float64)
    if levels.ndim != 1 or levels.size == 0:
        raise ValueError("alpha_bars must be a non-empty 1-D array of noise levels")
    _noise_std(levels)
    for name, value in (("n_iterations", n_iterations), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if model is None:
        model = NoiseConditionalScore(init_mlp((mixture.dim + 1, *hidden, mixture.dim), rng, activation))
    elif model.net.sizes[0] != mixture.dim + 1 or model.net.sizes[-1] != mixture.dim:
        raise ValueError(f"model has widths {model.net.sizes}; a {mixture.dim}-D mixture needs "
                         f"{mixture.dim + 1} inputs and {mixture.dim} outputs")
    optimiser = Adam(model.net.params, lr=lr)
    losses = np.empty(n_iterations)
    for i in range(n_iterations):
        x_0 = mixture.sample(batch_size, rng)
        alpha_bar = levels[rng.integers(levels.size, size=batch_size)]
        eps = rng.standard_normal(x_0.shape)
        x_t = np.sqrt(alpha_bar)[:, None] * x_0 + np.sqrt(1.0 - alpha_bar)[:, None] * eps
        eps_hat, cache = model.net.forward(model._inputs(x_t, alpha_bar)[0])
        residual = eps_hat - eps
        losses[i] = (residual**2).sum(axis=1).mean()
        grads, _ = model.net.backward(cache, 2.0 * residual / batch_size)
        optimiser.step(grads)
    return DSMTraining(model, losses)


def relative_score_error(
    score: Callable[[np.ndarray], np.ndarray],
    mixture: GaussianMixture,
    alpha_bar: float,
    *,
    n: int,
    rng: np.random.Generator,
) -> float:
    """``√(Σ_i ‖s(x_i) − ∇ log p_ᾱ(x_i)‖² / Σ_i ‖∇ log p_ᾱ(x_i)‖²)`` with ``x_i ~ p_ᾱ``, ``n`` draws.

    ``p_ᾱ = mixture.noised(ᾱ)``, the law of ``√ᾱ x_0 + √(1−ᾱ) ε``; the ratio of sample means is a
    consistent estimate of the density-weighted relative L2 error (0 for the exact score, 2 for
    its negative).
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    _noise_std(alpha_bar)
    noised = mixture.noised(float(alpha_bar))
    x = noised.sample(n, rng)
    exact = noised.score(x)
    estimate = np.asarray(score(x), dtype=np.float64)
    if estimate.shape != exact.shape:
        raise ValueError(f"score returned shape {estimate.shape}, expected {exact.shape}")
    return float(np.sqrt(((estimate - exact) ** 2).sum() / (exact**2).sum()))
