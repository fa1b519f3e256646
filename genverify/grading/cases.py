"""The code targets of ``grade-code``: each contract's inputs, drawn by Hypothesis, and its reference.

Inputs are plain data (schedules as parameters, arrays as NumPy arrays) so they can travel to the
sandboxed child as JSON; :func:`wire_case` encodes one case, :func:`readable` shows one to a person,
and :func:`draw_cases` draws a seeded list of them.  The references are :mod:`genverify.numeric`'s;
nothing here runs a submission.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import hypothesis.extra.numpy as hnp
import numpy as np
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from genverify.numeric import diffusion, gan
from genverify.numeric.schedules import cosine_schedule, linear_schedule


@dataclass(frozen=True)
class CodeTarget:
    """A Python function contract: how to draw its inputs and what the reference returns."""

    result_id: str
    function: str
    signature: str
    reference: Callable
    inputs: st.SearchStrategy
    outputs: int


# ---------------------------------------------------------------- input strategies

_finite = dict(allow_nan=False, allow_infinity=False)


@st.composite
def _schedules(draw) -> dict:
    """A schedule as plain data: short explicit lists first (they shrink best), then the rest."""
    kind = draw(st.sampled_from(["explicit", "linear", "cosine", "arbitrary"]))
    if kind == "explicit":
        betas = draw(st.lists(st.floats(1e-5, 0.999, **_finite), min_size=1, max_size=6))
        return {"kind": kind, "betas": betas}
    T = draw(st.integers(1, 1000))
    if kind == "linear":
        beta_1, beta_T = (draw(st.floats(1e-5, 0.999, **_finite)) for _ in range(2))
        return {"kind": kind, "T": T, "beta_1": beta_1, "beta_T": beta_T}
    if kind == "cosine":
        return {"kind": kind, "T": T}
    low = draw(st.floats(-5.0, math.log10(0.999), **_finite))
    high = draw(st.floats(low, math.log10(0.999), **_finite))
    return {"kind": kind, "T": T, "log10_low": low, "log10_high": high,
            "seed": draw(st.integers(0, 2**32 - 1))}


def betas_of(schedule: dict) -> np.ndarray:
    kind = schedule["kind"]
    if kind == "explicit":
        return np.asarray(schedule["betas"], dtype=np.float64)
    if kind == "linear":
        return linear_schedule(schedule["T"], schedule["beta_1"], schedule["beta_T"]).betas
    if kind == "cosine":
        return cosine_schedule(schedule["T"]).betas
    rng = np.random.default_rng(schedule["seed"])
    exponents = rng.uniform(schedule["log10_low"], schedule["log10_high"], schedule["T"])
    return np.minimum(10.0**exponents, 0.999)


def _arrays(shape, low=-10.0, high=10.0):
    return hnp.arrays(np.float64, shape, elements=st.floats(low, high, **_finite))


def _times(draw, T: int, first: int) -> int:
    return draw(st.one_of(st.just(first), st.just(T), st.integers(first, T)))


@st.composite
def _posterior_inputs(draw) -> dict:
    schedule = draw(_schedules())
    T = len(betas_of(schedule))
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4))
    x_t, x_0 = (draw(_arrays(s)) for s in shapes.input_shapes)
    return {"x_t": x_t, "x_0": x_0, "t": _times(draw, T, 1), "betas": schedule}


@st.composite
def _forward_inputs(draw) -> dict:
    schedule = draw(_schedules())
    T = len(betas_of(schedule))
    x_0 = draw(_arrays(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)))
    return {"x_0": x_0, "t": _times(draw, T, 1), "betas": schedule}


@st.composite
def _elbo_inputs(draw) -> dict:
    schedule = draw(_schedules().filter(lambda s: len(betas_of(s)) >= 2))
    return {"t": _times(draw, len(betas_of(schedule)), 2), "betas": schedule}


@st.composite
def _discriminator_inputs(draw) -> dict:
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4))
    density = st.one_of(st.just(0.0), st.floats(1e-6, 1e3, **_finite))
    p_r, p_g = (draw(hnp.arrays(np.float64, s, elements=density)) for s in shapes.input_shapes)
    # D* is undefined where both densities vanish; there every answer is right.
    both_zero = np.broadcast_to((p_r == 0), shapes.result_shape) & (p_g == 0)
    if both_zero.any():
        p_r = np.where(both_zero, 1.0, np.broadcast_to(p_r, shapes.result_shape))
    return {"p_r": p_r, "p_g": p_g}


@st.composite
def _conditional_score_inputs(draw) -> dict:
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    masks = hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0]))
    return {"x": draw(_arrays(shape)), "x_known": draw(_arrays(shape)), "mask": draw(masks),
            "prior": {"mean": draw(_arrays(shape)), "variance": draw(_arrays(shape, 0.1, 10.0))}}


def _prior_score(prior: dict) -> Callable[[np.ndarray], np.ndarray]:
    return lambda x: -(np.asarray(x, dtype=np.float64) - prior["mean"]) / prior["variance"]


CODE_TARGETS: dict[str, CodeTarget] = {
    "diffusion.posterior_mean_variance": CodeTarget(
        "diffusion.posterior", "posterior_mean_variance",
        "posterior_mean_variance(x_t, x_0, t, betas) -> (mean, variance); t: int in 1..T, "
        "betas: 1-D float array of β_1..β_T, x_t and x_0 broadcast together",
        lambda c: diffusion.posterior_mean_variance(c["x_t"], c["x_0"], c["t"], betas_of(c["betas"])),
        _posterior_inputs(), 2),
    "diffusion.forward_marginal": CodeTarget(
        "diffusion.forward_marginal", "forward_marginal",
        "forward_marginal(x_0, t, betas) -> (mean, variance); t: int in 1..T",
        lambda c: diffusion.forward_marginal(c["x_0"], c["t"], betas_of(c["betas"])),
        _forward_inputs(), 2),
    "diffusion.elbo_weight": CodeTarget(
        "diffusion.elbo", "elbo_weight",
        "elbo_weight(t, betas) -> float; t: int in 2..T (t = 1 is the reconstruction term)",
        lambda c: diffusion.elbo_weight(c["t"], betas_of(c["betas"])),
        _elbo_inputs(), 1),
    "gan.optimal_discriminator": CodeTarget(
        "gan.optimal_discriminator", "optimal_discriminator",
        "optimal_discriminator(p_r, p_g) -> ndarray; non-negative density values that broadcast "
        "together, never both 0 at a point",
        lambda c: gan.optimal_discriminator(c["p_r"], c["p_g"]),
        _discriminator_inputs(), 1),
    "diffusion.conditional_score": CodeTarget(
        "diffusion.conditional_score", "conditional_score",
        "conditional_score(x, x_known, mask, prior_score) -> ndarray; mask of 0/1, "
        "prior_score(x) a callable returning an array of x's shape; likelihood "
        "∝ exp(-‖(x - x_known) ⊙ M‖²)",
        lambda c: diffusion.conditional_score(c["x"], c["x_known"], c["mask"],
                                              _prior_score(c["prior"])),
        _conditional_score_inputs(), 1),
}

_ARGUMENTS = {
    "diffusion.posterior_mean_variance": ("x_t", "x_0", "t", "betas"),
    "diffusion.forward_marginal": ("x_0", "t", "betas"),
    "diffusion.elbo_weight": ("t", "betas"),
    "gan.optimal_discriminator": ("p_r", "p_g"),
    "diffusion.conditional_score": ("x", "x_known", "mask"),
}


# ---------------------------------------------------------------- plain data


def _to_wire(value):
    if isinstance(value, np.ndarray):
        return {"shape": list(value.shape), "data": value.ravel().tolist()}
    if isinstance(value, dict) and "kind" in value:
        return _to_wire(betas_of(value))
    if isinstance(value, dict):
        return {k: _to_wire(v) for k, v in value.items()}
    return value


def wire_case(target: str, case: dict) -> dict:
    wire = {"args": [_to_wire(case[name]) for name in _ARGUMENTS[target]]}
    if "prior" in case:
        wire["prior"] = _to_wire(case["prior"])
    return wire


def readable(value):
    """JSON-safe, short: arrays as nested lists, non-finite numbers as strings."""
    if isinstance(value, dict) and value.get("kind") and value["kind"] != "explicit":
        return {**value, "betas[:6]": readable(betas_of(value)[:6])}
    if isinstance(value, dict):
        return {k: readable(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [readable(v) for v in value]
    if isinstance(value, np.ndarray):
        return readable(value.tolist())
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else str(float(value))
    if isinstance(value, np.integer):
        return int(value)
    return value


def size(case: dict) -> float:
    """Order inputs smallest first, so the first failure reported is already small."""
    total = 0
    for value in case.values():
        if isinstance(value, np.ndarray):
            total += value.size
        elif isinstance(value, dict) and "kind" in value:
            total += len(betas_of(value))
        elif isinstance(value, dict):
            total += size(value)
    return total


def draw_cases(strategy: st.SearchStrategy, max_examples: int, rng_seed: int) -> list[dict]:
    """``max_examples`` inputs drawn by Hypothesis from ``rng_seed`` (its generate phase only)."""
    cases: list[dict] = []

    @seed(rng_seed)
    @settings(max_examples=max_examples, database=None, deadline=None,
              phases=(Phase.generate,), suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(case):
        cases.append(case)

    collect()
    return cases
