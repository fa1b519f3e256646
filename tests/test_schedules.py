"""numeric.schedules: validation, the two published schedules, and the identities between the
precomputed constants, checked over Hypothesis-drawn schedules (T up to 1000, β in [1e-5, 0.999]).

The identities are the *defining properties* of the constants, not their formulas restated:
the posterior coefficients and variance are pinned down by the first two moments of
``(x_{t-1}, x_t)`` given ``x_0`` under the forward chain (tower rule, total variance, covariance).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genverify.numeric.schedules import (
    Schedule,
    as_schedule,
    check_t,
    cosine_schedule,
    extract,
    linear_schedule,
)
from tests.strategies import betas_arrays, schedules

# Relative tolerance of the identities: β̄ is exp of a running sum of log1p(-β), and one step of
# that sum carries a rounding error ≤ ε·|log β̄_t| ≤ 2.2e-16·745 ≈ 1.7e-13 before exp underflows.
RTOL = 1e-11
# Below ~1e-300, β̄_t is subnormal and keeps only a few significant bits, and its square root
# (~1e-150) inherits that loss; identities are not asked to hold to RTOL down there.
ATOL = 1e-150

SCHEDULE_ARRAYS = (
    "betas", "alphas", "alpha_bars", "alpha_bars_prev", "one_minus_alpha_bars", "sqrt_alpha_bars",
    "sqrt_one_minus_alpha_bars", "posterior_variance", "posterior_mean_coef1",
    "posterior_mean_coef2", "snr",
)


def identity_violations(s) -> list[str]:
    """Each identity that the constants of ``s`` break, with the worst t; empty when all hold."""
    b, ab, ab_prev = s.betas, s.alpha_bars, s.alpha_bars_prev
    identities = {
        "α_t = 1 - β_t": (s.alphas, 1.0 - b),
        "β̄_t = (1-β_t) β̄_{t-1}, β̄_0 = 1": (ab, (1.0 - b) * np.concatenate(([1.0], ab[:-1]))),
        "alpha_bars_prev[t-1] = β̄_{t-1}": (ab_prev, np.concatenate(([1.0], ab[:-1]))),
        "β̄_t + (1-β̄_t) = 1": (ab + s.one_minus_alpha_bars, np.ones_like(ab)),
        "sqrt_alpha_bars² = β̄_t": (s.sqrt_alpha_bars**2, ab),
        "sqrt_one_minus_alpha_bars² = 1-β̄_t": (s.sqrt_one_minus_alpha_bars**2, s.one_minus_alpha_bars),
        # E[x_{t-1}|x_0] = coef1 x_0 + coef2 E[x_t|x_0]  (tower rule, coefficient of x_0)
        "coef1 + coef2 √β̄_t = √β̄_{t-1}": (
            s.posterior_mean_coef1 + s.posterior_mean_coef2 * s.sqrt_alpha_bars, np.sqrt(ab_prev)
        ),
        # Var[x_{t-1}|x_0] = σ̃_t² + coef2² Var[x_t|x_0]  (law of total variance)
        "σ̃_t² + coef2² (1-β̄_t) = 1-β̄_{t-1}": (
            s.posterior_variance + s.posterior_mean_coef2**2 * s.one_minus_alpha_bars, 1.0 - ab_prev
        ),
        # coef2 is the regression slope Cov(x_{t-1}, x_t | x_0) / Var(x_t | x_0)
        "coef2 (1-β̄_t) = √(1-β_t) (1-β̄_{t-1})": (
            s.posterior_mean_coef2 * s.one_minus_alpha_bars, np.sqrt(1.0 - b) * (1.0 - ab_prev)
        ),
        "SNR(t) (1-β̄_t) = β̄_t": (s.snr * s.one_minus_alpha_bars, ab),
    }
    violations = []
    for name, (lhs, rhs) in identities.items():
        bad = ~np.isclose(lhs, rhs, rtol=RTOL, atol=ATOL)
        if bad.any():
            t = int(np.flatnonzero(bad)[0]) + 1
            violations.append(f"{name} fails at t={t}: {lhs[t - 1]!r} != {rhs[t - 1]!r}")
    return violations


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "betas, message",
    [
        ([0.1, 0.2, 0.3, 1.2], r"betas\[3\] = 1.2 is outside \(0, 1\)"),
        ([0.1, 0.0], r"betas\[1\] = 0.0 is outside \(0, 1\)"),
        ([0.1, 1.0], r"betas\[1\] = 1.0 is outside \(0, 1\)"),
        ([-0.1], r"betas\[0\] = -0.1 is outside \(0, 1\)"),
        ([0.1, np.nan], r"betas\[1\] = nan is not finite"),
        ([np.inf], r"betas\[0\] = inf is not finite"),
        ([], "betas must be non-empty"),
        ([[0.1, 0.2]], r"betas must be 1-D, got shape \(1, 2\)"),
        (0.1, r"betas must be 1-D, got shape \(\)"),
        (["0.1"], "betas must be an array of real numbers"),
    ],
)
def test_invalid_betas_raise_naming_the_problem(betas, message):
    with pytest.raises(ValueError, match=message):
        Schedule(betas)


@pytest.mark.parametrize(
    "t, message",
    [
        (0, r"t = 0 is outside 1\.\.5"),
        (6, r"t = 6 is outside 1\.\.5"),
        (np.array([1, 2, 7]), r"t = 7 is outside 1\.\.5"),
        (2.0, "t must be an integer time step"),
        (True, "t must be an integer time step"),
    ],
)
def test_invalid_times_raise(t, message):
    with pytest.raises(ValueError, match=message):
        check_t(t, 5)


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: linear_schedule(0), "T must be a positive integer"),
        (lambda: linear_schedule(10.0), "T must be a positive integer"),
        (lambda: linear_schedule(10, 0.1, 1.5), r"is outside \(0, 1\)"),
        (lambda: cosine_schedule(10, s=-0.1), "s must be a finite number >= 0"),
        (lambda: cosine_schedule(10, max_beta=1.0), r"max_beta = 1.0 is outside \(0, 1\)"),
    ],
)
def test_invalid_constructor_arguments_raise(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_extract_refuses_times_that_do_not_lead_the_data_shape():
    with pytest.raises(ValueError, match="not a leading part"):
        extract(np.arange(5.0), check_t(np.array([1, 2, 3]), 5), (2, 3))


# --- the published schedules -----------------------------------------------------------------


def test_linear_schedule_is_ho_et_al_by_default():
    s = linear_schedule(1000)
    assert s.T == 1000 and s.betas.shape == (1000,)
    assert s.betas[0] == 1e-4 and s.betas[-1] == pytest.approx(0.02, rel=1e-15)
    assert np.all(np.diff(s.betas) > 0)
    assert np.all(np.diff(s.alpha_bars) < 0)
    assert linear_schedule(1, 0.3, 0.3).betas.tolist() == [0.3]


@pytest.mark.parametrize("T", [1, 2, 10, 1000])
def test_cosine_schedule_follows_nichol_dhariwal_eq_17(T):
    s_offset = 0.008
    s = cosine_schedule(T)
    assert s.betas.shape == (T,)
    assert np.all((s.betas > 0) & (s.betas <= 0.999))
    assert np.all(np.diff(s.betas) >= 0) and np.all(np.diff(s.alpha_bars) < 0)
    f = np.array(
        [math.cos((t / T + s_offset) / (1 + s_offset) * math.pi / 2) ** 2 for t in range(T + 1)]
    )
    # β̄_t = f(t)/f(0) holds up to the first clipped step (only β_T is clipped for these T).
    unclipped = np.flatnonzero(s.betas < 0.999)
    np.testing.assert_allclose(s.alpha_bars[unclipped], (f[1:] / f[0])[unclipped], rtol=1e-12)


def test_arrays_are_float64_read_only_and_indexed_by_t_minus_1():
    s = Schedule.from_betas([0.5, 0.5])
    for name in SCHEDULE_ARRAYS:
        a = getattr(s, name)
        assert a.dtype == np.float64 and a.shape == (2,) and not a.flags.writeable, name
    assert s.alpha_bars.tolist() == pytest.approx([0.5, 0.25], rel=1e-15)
    assert s.alpha_bars_prev[0] == 1.0
    # t = 1: q(x_0 | x_1, x_0) is the point mass at x_0.
    assert (s.posterior_variance[0], s.posterior_mean_coef1[0], s.posterior_mean_coef2[0]) == (0.0, 1.0, 0.0)
    assert as_schedule(s) is s and np.array_equal(as_schedule([0.5, 0.5]).betas, s.betas)


def test_one_minus_alpha_bar_keeps_relative_precision_for_tiny_betas():
    # 1 - (1 - 1e-12) in float64 is off by ~1e-4 relative; the log-space route is not.
    s = Schedule([1e-12, 1e-12])
    np.testing.assert_allclose(s.one_minus_alpha_bars, [1e-12, 2e-12 - 1e-24], rtol=1e-14)
    np.testing.assert_allclose(s.posterior_variance[1], 0.5e-12, rtol=1e-12)


# --- identities over drawn schedules ---------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(s=schedules())
def test_constants_satisfy_their_defining_identities(s):
    assert identity_violations(s) == []
    # β̄_T against an independent product (float64 product: relative error ≤ T·ε).
    np.testing.assert_allclose(s.alpha_bars[-1], np.prod(1.0 - s.betas), rtol=1e-9, atol=ATOL)


@settings(max_examples=100, deadline=None)
@given(betas=betas_arrays(), data=st.data())
def test_time_lookup_matches_the_math_at_1_T_and_between(betas, data):
    s = Schedule(betas)
    T = s.T
    for t in (1, T, data.draw(st.integers(1, T), label="t")):
        beta_bar = math.prod(1.0 - b for b in betas[:t])
        beta_bar_prev = math.prod(1.0 - b for b in betas[: t - 1])
        assert np.isclose(extract(s.alpha_bars, check_t(t, T), ()), beta_bar, rtol=1e-9, atol=ATOL)
        assert np.isclose(s.alpha_bars_prev[t - 1], beta_bar_prev, rtol=1e-9, atol=ATOL)
        assert s.betas[t - 1] == betas[t - 1]


def _tampered(s: Schedule, **arrays) -> SimpleNamespace:
    fields = {name: getattr(s, name) for name in SCHEDULE_ARRAYS}
    return SimpleNamespace(**{**fields, **arrays})


@pytest.mark.parametrize(
    "mistake, identity",
    [
        # √β̄_t where √β̄_{t-1} belongs in the x_0 coefficient
        (lambda s: {"posterior_mean_coef1": s.sqrt_alpha_bars * s.betas / s.one_minus_alpha_bars},
         "coef1 + coef2"),
        # DDPM's other reverse variance, σ_t² = β_t, taken for the posterior variance
        (lambda s: {"posterior_variance": s.betas}, "σ̃_t² + coef2²"),
        # the x_t coefficient of one reversed forward step, √(1-β_t), without the (1-β̄) ratio
        (lambda s: {"posterior_mean_coef2": np.sqrt(s.alphas)}, "coef2 (1-β̄_t)"),
        # β̄ off by one step
        (lambda s: {"alpha_bars_prev": s.alpha_bars}, "alpha_bars_prev"),
        (lambda s: {"snr": s.alpha_bars / s.one_minus_alpha_bars**2}, "SNR(t)"),
    ],
)
def test_identity_check_rejects_wrong_constants(mistake, identity):
    s = linear_schedule(50, 1e-3, 0.2)
    assert identity_violations(s) == []
    violations = identity_violations(_tampered(s, **mistake(s)))
    assert any(v.startswith(identity) for v in violations), violations
