"""Monte Carlo estimates with standard errors, and their z-scores against an expected value.

A check passes when ``|z| ≤ k`` with ``z = (estimate - expected) / SE``; by the central limit
theorem ``z`` is approximately standard normal when the expected value is right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

K = 5.0
"""Default pass threshold on ``|z|``: per-coordinate false-alarm rate 5.7·10⁻⁷ for a normal z."""


@dataclass(frozen=True, eq=False)
class Estimate:
    """An estimate ``value`` with standard error ``se`` (floats, or arrays of the same shape).

    >>> Estimate(1.5, 0.25).z(1.0)
    2.0
    """

    value: float | np.ndarray
    se: float | np.ndarray

    def __post_init__(self) -> None:
        se = np.asarray(self.se, dtype=np.float64)
        if not np.all(np.isfinite(se) & (se >= 0)):
            raise ValueError(f"se must be finite and non-negative, got {self.se!r}")

    def z(self, expected) -> float | np.ndarray:
        """``(value - expected) / se``; where ``se = 0`` it is 0 on an exact match, else ±inf."""
        diff = np.asarray(self.value, dtype=np.float64) - np.asarray(expected, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(diff == 0, 0.0, diff / np.asarray(self.se, dtype=np.float64))
        return float(z) if z.ndim == 0 else z


def mean_estimate(samples, axis: int = 0) -> Estimate:
    """The sample mean along ``axis`` with ``SE = std(ddof=1) / √n``.

    >>> e = mean_estimate([1.0, 2.0, 3.0])
    >>> float(e.value), round(float(e.se), 12)
    (2.0, 0.57735026919)
    """
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim == 0:
        raise ValueError("mean_estimate needs an array of samples, got a scalar")
    n = samples.shape[axis]
    if n < 2:
        raise ValueError(f"mean_estimate needs at least 2 samples along axis {axis}, got {n}")
    return Estimate(samples.mean(axis=axis), samples.std(axis=axis, ddof=1) / np.sqrt(n))


@dataclass(frozen=True, eq=False)
class Outcome:
    """A Monte Carlo ``estimate`` with standard error ``se`` of a quantity whose closed form is
    ``expected``, from ``n`` simulated draws (floats, or arrays of one shape)."""

    estimate: float | np.ndarray
    se: float | np.ndarray
    expected: float | np.ndarray
    n: int

    @property
    def z(self) -> float | np.ndarray:
        """``(estimate - expected) / se`` per coordinate (0 on an exact match with ``se = 0``)."""
        return Estimate(self.estimate, self.se).z(self.expected)

    @property
    def max_abs_z(self) -> float:
        """``max |z|`` over the coordinates; NaN (an implementation returning NaN) counts as ∞."""
        z = np.abs(np.asarray(self.z, dtype=np.float64))
        return float(np.max(np.where(np.isnan(z), np.inf, z)))

    def passed(self, k: float = K) -> bool:
        """Whether every coordinate has ``|z| ≤ k``."""
        return self.max_abs_z <= k
