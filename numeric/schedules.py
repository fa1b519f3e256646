"""Noise schedules and the constants every diffusion formula reads from them.

A schedule is ``β_1..β_T`` with each ``β_t ∈ (0, 1)``; from it come ``α_t = 1-β_t`` and
``β̄_t = ∏_{i≤t} (1-β_i)`` (DDPM's ``ᾱ_t``, Ho et al. 2020 eq. 4), with ``β̄_0 = 1``.
Arrays are indexed by ``t-1``: ``betas[t-1] = β_t``, ``alpha_bars[t-1] = β̄_t``.  Public
functions take ``t ∈ {1..T}`` exactly as in the math and check it with :func:`check_t`.

Constructors: :func:`linear_schedule` (Ho et al. 2020, §4) and :func:`cosine_schedule`
(Nichol & Dhariwal 2021, eq. 17).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Schedule:
    """The constants of a diffusion with variances ``betas`` (float64, read-only, index ``t-1``).

    ``posterior_*`` describe ``q(x_{t-1} | x_t, x_0) = N(coef1 x_0 + coef2 x_t, σ̃_t² I)``
    (Ho et al. 2020, eqs. 6–7); at ``t = 1`` it is the point mass at ``x_0`` (coef1 = 1,
    coef2 = 0, σ̃_1² = 0) because ``β̄_0 = 1``.

    >>> s = Schedule.from_betas([0.5, 0.5])
    >>> s.alpha_bars.tolist(), s.posterior_variance.tolist()
    ([0.5, 0.25], [0.0, 0.3333333333333333])
    """

    betas: np.ndarray
    alphas: np.ndarray = field(init=False)
    """``α_t = 1-β_t``."""
    alpha_bars: np.ndarray = field(init=False)
    """``β̄_t = ∏_{i≤t} (1-β_i)`` (DDPM ``ᾱ_t``)."""
    alpha_bars_prev: np.ndarray = field(init=False)
    """``β̄_{t-1}``, with ``β̄_0 = 1``."""
    one_minus_alpha_bars: np.ndarray = field(init=False)
    """``1-β̄_t``, the variance of ``q(x_t | x_0)``."""
    sqrt_alpha_bars: np.ndarray = field(init=False)
    """``√β̄_t``, the coefficient of ``x_0`` in the mean of ``q(x_t | x_0)``."""
    sqrt_one_minus_alpha_bars: np.ndarray = field(init=False)
    """``√(1-β̄_t)``."""
    posterior_variance: np.ndarray = field(init=False)
    """``σ̃_t² = β_t (1-β̄_{t-1}) / (1-β̄_t)``."""
    posterior_mean_coef1: np.ndarray = field(init=False)
    """Coefficient of ``x_0``: ``√β̄_{t-1} β_t / (1-β̄_t)``."""
    posterior_mean_coef2: np.ndarray = field(init=False)
    """Coefficient of ``x_t``: ``√(1-β_t) (1-β̄_{t-1}) / (1-β̄_t)``."""
    snr: np.ndarray = field(init=False)
    """``SNR(t) = β̄_t / (1-β̄_t)``."""

    def __post_init__(self) -> None:
        betas = _check_betas(self.betas)
        # β̄_t and 1-β̄_t both come from log β̄_t = Σ log1p(-β_i): when β̄_t ≈ 1 (small t, tiny
        # β) the subtraction 1 - cumprod(1-β) cancels catastrophically, whereas -expm1 keeps
        # full relative precision, and exp/expm1 of one number keep the pair consistent.
        log_alpha_bars = np.cumsum(np.log1p(-betas))
        alpha_bars = np.exp(log_alpha_bars)
        one_minus_alpha_bars = -np.expm1(log_alpha_bars)
        alpha_bars_prev = np.concatenate(([1.0], alpha_bars[:-1]))
        one_minus_alpha_bars_prev = np.concatenate(([0.0], one_minus_alpha_bars[:-1]))
        values = {
            "betas": betas,
            "alphas": 1.0 - betas,
            "alpha_bars": alpha_bars,
            "alpha_bars_prev": alpha_bars_prev,
            "one_minus_alpha_bars": one_minus_alpha_bars,
            "sqrt_alpha_bars": np.sqrt(alpha_bars),
            "sqrt_one_minus_alpha_bars": np.sqrt(one_minus_alpha_bars),
            "posterior_variance": betas * one_minus_alpha_bars_prev / one_minus_alpha_bars,
            "posterior_mean_coef1": np.sqrt(alpha_bars_prev) * betas / one_minus_alpha_bars,
            "posterior_mean_coef2": (
                np.sqrt(1.0 - betas) * one_minus_alpha_bars_prev / one_minus_alpha_bars
            ),
            "snr": alpha_bars / one_minus_alpha_bars,
        }
        for name, value in values.items():
            object.__setattr__(self, name, _frozen(value))

    @classmethod
    def from_betas(cls, betas) -> Schedule:
        """The schedule with ``betas[t-1] = β_t`` (any 1-D array-like of floats in (0, 1))."""
        return cls(betas)

    @property
    def T(self) -> int:
        """The number of diffusion steps."""
        return self.betas.shape[0]

    def __repr__(self) -> str:
        return f"Schedule(T={self.T}, beta_1={float(self.betas[0])!r}, beta_T={float(self.betas[-1])!r})"


def _check_betas(betas) -> np.ndarray:
    raw = np.asarray(betas)
    if raw.dtype.kind not in "iuf":
        raise ValueError(f"betas must be an array of real numbers, got dtype {raw.dtype}")
    b = np.array(raw, dtype=np.float64)
    if b.ndim != 1:
        raise ValueError(f"betas must be 1-D, got shape {b.shape}")
    if b.size == 0:
        raise ValueError("betas must be non-empty")
    bad = np.flatnonzero(~np.isfinite(b))
    if bad.size:
        raise ValueError(f"betas[{bad[0]}] = {b[bad[0]]} is not finite")
    bad = np.flatnonzero((b <= 0.0) | (b >= 1.0))
    if bad.size:
        raise ValueError(f"betas[{bad[0]}] = {b[bad[0]]} is outside (0, 1)")
    return b


def as_schedule(betas_or_schedule) -> Schedule:
    """``betas_or_schedule`` itself if it is a :class:`Schedule`, else the schedule of those betas."""
    if isinstance(betas_or_schedule, Schedule):
        return betas_or_schedule
    return Schedule(betas_or_schedule)


def _check_count(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_t(t, T: int) -> np.ndarray:
    """``t`` as an int64 array (0-d for a scalar) after checking every entry is an integer in 1..T.

    Floats are refused even when integral (``2.0``): a float time step usually means the caller
    confused a continuous time in [0, 1] with a step index.
    """
    arr = np.asarray(t)
    if arr.dtype.kind not in "iu":
        raise ValueError(f"t must be an integer time step in 1..{T}, got {t!r}")
    arr = arr.astype(np.int64)
    bad = np.flatnonzero((arr < 1) | (arr > T))
    if bad.size:
        raise ValueError(f"t = {arr.ravel()[bad[0]]} is outside 1..{T}")
    return arr


def extract(values: np.ndarray, t: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``values[t-1]`` with trailing unit axes, so it broadcasts over data of ``shape``.

    ``t`` comes from :func:`check_t` and is a scalar, or has a leading part of ``shape`` as its
    shape: one time per particle (improved-diffusion's ``_extract_into_tensor``).
    """
    if t.shape != tuple(shape[: t.ndim]):
        raise ValueError(f"t has shape {t.shape}, not a leading part of the data shape {tuple(shape)}")
    return np.reshape(values[t - 1], t.shape + (1,) * (len(shape) - t.ndim))


def linear_schedule(T: int, beta_1: float = 1e-4, beta_T: float = 0.02) -> Schedule:
    """``β_t`` evenly spaced from ``beta_1`` to ``beta_T`` (Ho et al. 2020, §4: 1e-4 to 0.02, T = 1000).

    The endpoints are used as given for every T (no rescaling by 1000/T).

    >>> linear_schedule(3, 0.1, 0.3).betas.tolist()
    [0.1, 0.2, 0.3]
    """
    T = _check_count("T", T)
    return Schedule(np.linspace(beta_1, beta_T, T))


def cosine_schedule(T: int, s: float = 0.008, max_beta: float = 0.999) -> Schedule:
    """The cosine schedule of Nichol & Dhariwal (2021), eq. 17 and the clipping after it.

    ``β̄_t = f(t)/f(0)`` with ``f(t) = cos²(((t/T + s)/(1 + s)) π/2)``, so
    ``β_t = min(1 - β̄_t/β̄_{t-1}, max_beta)``; the clip keeps ``β_T`` below 1, where
    ``f(T) = 0`` would otherwise make the last step destroy the signal entirely.
    """
    T = _check_count("T", T)
    if not (math.isfinite(s) and s >= 0.0):
        raise ValueError(f"s must be a finite number >= 0, got {s!r}")
    if not (0.0 < max_beta < 1.0):
        raise ValueError(f"max_beta = {max_beta!r} is outside (0, 1)")
    f = np.cos((np.arange(T + 1) / T + s) / (1.0 + s) * (np.pi / 2)) ** 2
    return Schedule(np.minimum(1.0 - f[1:] / f[:-1], max_beta))
