"""The exact score of a noised isotropic Gaussian mixture, written for throughput, and DDPM on it.

Same quantity as ``GaussianMixture.noised(ᾱ).score(x)``: for the noised components
``m_k = √ᾱ μ_k``, ``v_k = ᾱ s_k² + 1 − ᾱ`` (Ho et al. 2020, eq. 4, per component),

    ∇ log q(x) = Σ_k r_k(x) (m_k − x)/v_k,   r = softmax(ℓ),
    ℓ_k(x) = log w_k − (D/2) log v_k − ‖x − m_k‖²/(2 v_k).

Two rearrangements turn it into two small matrix products per chunk of particles and no
(N, K, D) temporary:

1. ``ℓ_k(x) = x·m_k/v_k − ‖x‖²/(2 v_k) + c_k`` with ``c_k = log w_k − (D/2) log v_k − ‖m_k‖²/(2 v_k)``
   is linear in the features ``(x, ‖x‖², 1)``, so ``ℓ = W f``.  A per-particle shift of ℓ
   cancels in the softmax; shifting by ``‖x‖²/(2 max_j v_j)`` leaves the ``‖x‖²`` coefficient
   ``1/(2 max_j v_j) − 1/(2 v_k)``, zero (and its feature dropped) when all ``v_k`` are equal.
2. With ``e_k = exp(ℓ_k − max_j ℓ_j)``:
   ``score = (Σ_k e_k m_k/v_k − x Σ_k e_k/v_k) / Σ_k e_k``; the three sums are ``V e``.

Buffers are allocated once and particles are processed in chunks whose (K, chunk) logits fit
in a core's L2 cache.  ``ddpm_sample_fast`` runs Ho et al. (2020) Alg. 2 with this score, fusing
the update into the chunk loop; with ``n_threads = 1`` it consumes ``rng`` exactly as
``numeric.samplers.ddpm_sample`` does and returns the same samples up to rounding.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

from .gmm import GaussianMixture
from .samplers import ddpm_sigma2

if TYPE_CHECKING:
    from .schedules import Schedule

_CHUNK_LOGIT_ENTRIES = 32768
"""Logit entries (K × chunk) per chunk: 256 KiB of float64, inside a core's L2 cache."""

_LOGIT_FLOOR = -500.0
"""Floor for ``ℓ_k − max_j ℓ_j`` before exp.  glibc's exp leaves its fast path for |x| > 512 and
slows down further when the result is subnormal or underflows (measured: about 1.2× and 4×);
a term below exp(−500) ≈ 7e−218 changes Σ_k e_k ≥ 1 by nothing representable."""


def default_chunk(n_components: int) -> int:
    """Particles per chunk so that the (K, chunk) logits fill ``_CHUNK_LOGIT_ENTRIES``."""
    return max(64, _CHUNK_LOGIT_ENTRIES // n_components)


class _Workspace:
    """One thread's coefficients and buffers for scores of up to ``chunk`` particles."""

    def __init__(self, mixture: GaussianMixture, chunk: int):
        K, D = mixture.n_components, mixture.dim
        self._mixture = mixture
        self._with_norm = not np.all(mixture.variances == mixture.variances[0])
        n_features = D + 2 if self._with_norm else D + 1
        self._features = np.ones((n_features, chunk))  # rows: x (D), [‖x‖²], 1
        self._logits = np.empty((K, chunk))
        self._max = np.empty(chunk)
        self._sums = np.empty((D + 2, chunk))  # rows: Σ e m/v (D), Σ e/v, Σ e
        self._W = np.empty((K, n_features))
        self._V = np.empty((D + 2, K))
        self._V[D + 1] = 1.0

    def set_alpha_bar(self, alpha_bar: float) -> None:
        mixture, D = self._mixture, self._mixture.dim
        m = np.sqrt(alpha_bar) * mixture.means
        v = alpha_bar * mixture.variances + (1.0 - alpha_bar)
        self._W[:, :D] = m / v[:, None]
        if self._with_norm:
            self._W[:, D] = 0.5 / v.max() - 0.5 / v
        self._W[:, -1] = np.log(mixture.weights) - 0.5 * D * np.log(v) - (m**2).sum(axis=1) / (2.0 * v)
        self._V[:D] = self._W[:, :D].T
        self._V[D] = 1.0 / v

    def score_transposed(self, x: np.ndarray) -> np.ndarray:
        """Score of the rows of ``x`` (c, D), returned as a (D, c) view of an internal buffer."""
        c, D = x.shape
        f = self._features[:, :c]
        f[:D] = x.T
        if self._with_norm:
            np.einsum("dc,dc->c", f[:D], f[:D], out=f[D])
        logits = self._logits[:, :c]
        np.matmul(self._W, f, out=logits)
        peak = self._max[:c]
        np.max(logits, axis=0, out=peak)
        logits -= peak
        np.maximum(logits, _LOGIT_FLOOR, out=logits)
        np.exp(logits, out=logits)
        sums = self._sums[:, :c]
        np.matmul(self._V, logits, out=sums)
        out = f[:D]  # x is still needed for one product; its rows then hold the result
        out *= sums[D]
        np.subtract(sums[:D], out, out=out)
        out /= sums[D + 1]
        return out


def _check_mixture(mixture: object) -> GaussianMixture:
    if not isinstance(mixture, GaussianMixture):
        raise ValueError(f"mixture must be a GaussianMixture, got {type(mixture).__name__}")
    return mixture


def _check_chunk(chunk: int | None, mixture: GaussianMixture) -> int:
    if chunk is None:
        return default_chunk(mixture.n_components)
    if chunk < 1:
        raise ValueError(f"chunk must be positive, got {chunk}")
    return int(chunk)


class MixtureScore:
    """``x ↦ ∇ log q(x)`` for ``q = mixture.noised(ᾱ)``, chunked, in preallocated buffers.

    Not thread-safe: one instance owns one set of buffers.
    """

    def __init__(self, mixture: GaussianMixture, *, chunk: int | None = None):
        self._mixture = _check_mixture(mixture)
        self._chunk = _check_chunk(chunk, self._mixture)
        self._workspace = _Workspace(self._mixture, self._chunk)

    def __call__(self, x: np.ndarray, alpha_bar: float = 1.0, *, out: np.ndarray | None = None) -> np.ndarray:
        """Score at the (n, D) points ``x``; writes into ``out`` (n, D) when given."""
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self._mixture.dim:
            raise ValueError(f"x must have shape (n, {self._mixture.dim}), got {x.shape}")
        if not 0.0 <= alpha_bar <= 1.0:
            raise ValueError(f"alpha_bar must lie in [0, 1], got {alpha_bar!r}")
        if out is None:
            out = np.empty_like(x)
        elif out.shape != x.shape or out.dtype != np.float64:
            raise ValueError(f"out must be a float64 array of shape {x.shape}")
        self._workspace.set_alpha_bar(alpha_bar)
        for start in range(0, x.shape[0], self._chunk):
            stop = start + self._chunk
            out[start:stop] = self._workspace.score_transposed(x[start:stop]).T
        return out


def _ddpm_block(
    x: np.ndarray,
    mixture: GaussianMixture,
    schedule: Schedule,
    sigma: np.ndarray,
    rng: np.random.Generator,
    chunk: int,
) -> None:
    """Alg. 2 on the rows of ``x`` in place: ``x ← x/√α_t + (β_t/√α_t) s + σ_t z``."""
    workspace = _Workspace(mixture, chunk)
    noise = np.empty((chunk, x.shape[1]))
    for t in range(schedule.T, 0, -1):
        workspace.set_alpha_bar(schedule.alpha_bars[t - 1])
        inv_sqrt_alpha = 1.0 / np.sqrt(schedule.alphas[t - 1])
        drift = schedule.betas[t - 1] * inv_sqrt_alpha
        for start in range(0, x.shape[0], chunk):
            x_chunk = x[start : start + chunk]
            step = workspace.score_transposed(x_chunk)
            step *= drift
            x_chunk *= inv_sqrt_alpha
            x_chunk += step.T
            if t > 1:
                # Filling chunk after chunk draws the same stream as one (n, D) draw per step.
                z = noise[: x_chunk.shape[0]]
                rng.standard_normal(out=z)
                z *= sigma[t - 1]
                x_chunk += z


def ddpm_sample_fast(
    mixture: GaussianMixture,
    schedule: Schedule,
    *,
    rng: np.random.Generator,
    x_T: np.ndarray | None = None,
    n: int | None = None,
    variance: str | np.ndarray = "beta",
    chunk: int | None = None,
    n_threads: int = 1,
) -> np.ndarray:
    """DDPM ancestral sampling (Ho et al. 2020, Alg. 2) with the exact score of ``mixture``.

    Returns the (n, D) samples.  ``x_T ~ N(0, I)`` from ``rng`` unless given.  With
    ``n_threads > 1`` the particles are split into contiguous blocks, each run by a thread with
    its own buffers and its own stream from ``rng.spawn`` (NumPy releases the GIL inside its
    kernels); results are then reproducible for a given ``n_threads``.
    """
    mixture = _check_mixture(mixture)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    chunk = _check_chunk(chunk, mixture)
    if n_threads < 1:
        raise ValueError(f"n_threads must be positive, got {n_threads}")
    sigma = np.sqrt(ddpm_sigma2(schedule, variance))
    if x_T is not None:
        if n is not None:
            raise ValueError("give either x_T or n, not both")
        x = np.array(x_T, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != mixture.dim or x.shape[0] == 0:
            raise ValueError(f"x_T must have shape (n, {mixture.dim}), got {x.shape}")
        if not np.all(np.isfinite(x)):
            raise ValueError("x_T contains non-finite values")
    elif n is None or n < 1:
        raise ValueError("give x_T or a positive n")
    else:
        x = rng.standard_normal((n, mixture.dim))
    if n_threads == 1:
        _ddpm_block(x, mixture, schedule, sigma, rng, chunk)
        return x
    blocks = np.array_split(np.arange(x.shape[0]), n_threads)
    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        futures = [
            pool.submit(_ddpm_block, x[b[0] : b[-1] + 1], mixture, schedule, sigma, child, chunk)
            for b, child in zip(blocks, rng.spawn(n_threads))
            if b.size
        ]
        for future in futures:
            future.result()
    return x
