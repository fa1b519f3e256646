"""A small multilayer perceptron with hand-written backpropagation, and Adam.

The network is a stack of dense layers ``a_l = h_{l-1} W_l + b_l`` with a hidden
activation ``h_l = φ(a_l)`` (``tanh`` or leaky-ReLU) and a linear output
``out = a_L``.  Backpropagation is the chain rule applied layer by layer
(Rumelhart, Hinton & Williams 1986): given the upstream gradient
``g = ∂ℓ/∂out`` of a scalar ``ℓ``, it returns ``∂ℓ/∂W_l``, ``∂ℓ/∂b_l`` and the
input gradient ``∂ℓ/∂x = g · ∂out/∂x``.  The input gradient is what a GAN needs
to push the generator's loss through the discriminator.

As in micrograd, each operation sits next to its local derivative
(``_ACTIVATIONS``), so a reader checks them together.

``Adam`` is Algorithm 1 of Kingma & Ba, "Adam: A Method for Stochastic
Optimization", ICLR 2015.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

LEAK = 0.2
"""Slope of leaky-ReLU for negative inputs (Maas et al. 2013 use 0.01; GANs commonly use 0.2)."""


def _tanh(a: np.ndarray) -> np.ndarray:
    return np.tanh(a)


def _tanh_derivative(a: np.ndarray, h: np.ndarray) -> np.ndarray:
    # d tanh(a)/da = 1 - tanh(a)^2, reusing the forward value h = tanh(a).
    return 1.0 - h**2


def _leaky_relu(a: np.ndarray) -> np.ndarray:
    return np.where(a > 0, a, LEAK * a)


def _leaky_relu_derivative(a: np.ndarray, h: np.ndarray) -> np.ndarray:
    # Piecewise slope; at the kink a = 0 we take the left slope (a subgradient).
    return np.where(a > 0, 1.0, LEAK)


_ACTIVATIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray],
                              Callable[[np.ndarray, np.ndarray], np.ndarray]]] = {
    "tanh": (_tanh, _tanh_derivative),
    "leaky_relu": (_leaky_relu, _leaky_relu_derivative),
}

# Variance gain of the activation for initialisation: LeCun et al. (1998) scale 1/fan_in
# keeps tanh pre-activations at unit variance; He et al. (2015, eq. 10) correct it by
# 2/(1 + leak^2) for (leaky) rectifiers, which zero out (or shrink) half their input.
_INIT_GAIN = {"tanh": 1.0, "leaky_relu": 2.0 / (1.0 + LEAK**2)}


@dataclass(eq=False)
class MLP:
    """Dense network ``x ↦ out``; ``params = [W_1, b_1, …, W_L, b_L]`` with ``W_l`` of shape (n_{l-1}, n_l).

    ``x`` has shape (n_samples, sizes[0]) and ``out`` (n_samples, sizes[-1]).
    """

    params: list[np.ndarray]
    activation: str = "tanh"

    def __post_init__(self) -> None:
        if self.activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, got {self.activation!r}")
        if len(self.params) == 0 or len(self.params) % 2:
            raise ValueError("params must alternate weights and biases: [W_1, b_1, ..., W_L, b_L]")

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer widths ``(n_0, n_1, …, n_L)``."""
        return (self.params[0].shape[0],) + tuple(W.shape[1] for W in self.params[::2])

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
        """Return ``out`` and the cache ``[(h_{l-1}, a_l, h_l)]`` that ``backward`` needs."""
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.sizes[0]:
            raise ValueError(f"x must have shape (n_samples, {self.sizes[0]}), got {x.shape}")
        phi, _ = _ACTIVATIONS[self.activation]
        n_layers = len(self.params) // 2
        cache = []
        h = x
        for l in range(n_layers):
            W, b = self.params[2 * l], self.params[2 * l + 1]
            a = h @ W + b
            # The output layer is linear so that D returns a logit and G an unconstrained sample.
            h_next = phi(a) if l < n_layers - 1 else a
            cache.append((h, a, h_next))
            h = h_next
        return h, cache

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)[0]

    def backward(self, cache: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
                 grad_out: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
        """Backpropagate ``grad_out = ∂ℓ/∂out``; return ``([∂ℓ/∂W_1, ∂ℓ/∂b_1, …], ∂ℓ/∂x)``.

        Per layer, with ``g = ∂ℓ/∂h_l``:  ``∂ℓ/∂a_l = g ⊙ φ'(a_l)`` (identity on the output
        layer), ``∂ℓ/∂W_l = h_{l-1}ᵀ ∂ℓ/∂a_l``, ``∂ℓ/∂b_l = Σ_n ∂ℓ/∂a_l``,
        ``∂ℓ/∂h_{l-1} = ∂ℓ/∂a_l W_lᵀ``.
        """
        _, dphi = _ACTIVATIONS[self.activation]
        g = np.asarray(grad_out, dtype=np.float64)
        if g.shape != cache[-1][2].shape:
            raise ValueError(f"grad_out must have the output's shape {cache[-1][2].shape}, got {g.shape}")
        n_layers = len(cache)
        grads: list[np.ndarray] = [np.empty(0)] * (2 * n_layers)
        for l in reversed(range(n_layers)):
            h_prev, a, h = cache[l]
            g_a = g * dphi(a, h) if l < n_layers - 1 else g
            grads[2 * l] = h_prev.T @ g_a
            grads[2 * l + 1] = g_a.sum(axis=0)
            g = g_a @ self.params[2 * l].T
        return grads, g


def init_mlp(sizes: tuple[int, ...] | list[int], rng: np.random.Generator,
             activation: str = "tanh") -> MLP:
    """Random MLP with widths ``sizes = (n_0, …, n_L)``.

    ``W_l ~ N(0, gain / n_{l-1})`` (LeCun 1998 for tanh; He et al. 2015 for leaky-ReLU),
    ``b_l = 0``.
    """
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}")
    if len(sizes) < 2 or any(int(n) != n or n < 1 for n in sizes):
        raise ValueError(f"sizes must list at least two positive integer widths, got {sizes}")
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params.append(rng.normal(0.0, np.sqrt(_INIT_GAIN[activation] / n_in), size=(n_in, n_out)))
        params.append(np.zeros(n_out))
    return MLP(params, activation)


@dataclass(eq=False)
class Adam:
    """Adam (Kingma & Ba 2015, Algorithm 1), updating ``params`` in place.

    ``m_t = β₁ m_{t-1} + (1-β₁) g_t``, ``v_t = β₂ v_{t-1} + (1-β₂) g_t²``,
    ``m̂_t = m_t / (1-β₁ᵗ)``, ``v̂_t = v_t / (1-β₂ᵗ)``, ``θ_t = θ_{t-1} - α m̂_t / (√v̂_t + ε)``.
    """

    params: list[np.ndarray]
    lr: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    t: int = 0
    m: list[np.ndarray] = field(init=False)
    v: list[np.ndarray] = field(init=False)

    def __post_init__(self) -> None:
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr}")
        if not (0 <= self.beta1 < 1 and 0 <= self.beta2 < 1):
            raise ValueError(f"beta1 and beta2 must lie in [0, 1), got {self.beta1}, {self.beta2}")
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]

    def step(self, grads: list[np.ndarray]) -> None:
        """One descent step along ``grads`` (same shapes as ``params``)."""
        if len(grads) != len(self.params):
            raise ValueError(f"expected {len(self.params)} gradients, got {len(grads)}")
        self.t += 1
        # Bias corrections undo the zero initialisation of m and v (Kingma & Ba 2015, §3).
        c1 = 1.0 - self.beta1**self.t
        c2 = 1.0 - self.beta2**self.t
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * g**2
            p -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)
