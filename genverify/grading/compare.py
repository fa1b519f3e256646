"""Decide whether the child's reply for one case matches the reference.

The reply is untrusted: the child runs the submission, which can forge anything it sends.  Every
field is checked for type, size and finiteness before NumPy sees it, so a forged reply can only
forge the submission's own outputs, which are then compared like any others.
"""

from __future__ import annotations

import math

import numpy as np

from .cases import CodeTarget, readable

#: Values agree when ``|actual - expected| <= atol + rtol |expected|``: rtol allows a different
#: but stable formula (β̄ as a cumulative product over 1000 steps loses ~1e-13 relative); atol
#: only absorbs underflow to subnormals when β̄_t is below 1e-300.
RTOL = 1e-6
ATOL = 1e-12
#: No correct output is larger (the inputs have at most 4³ elements).
MAX_ELEMENTS = 4096

_MALFORMED = "the submission's process sent a malformed value"


class Malformed(ValueError):
    """A reply that is not an array as the protocol defines it."""


def from_wire(value) -> np.ndarray:
    """``{"shape": [...], "data": [...]}`` as a float64 array, or :class:`Malformed`.

    The grader parses integers as floats, so no field can overflow; shapes must be small
    non-negative integers whose product is the length of a flat list of numbers.
    """
    if not isinstance(value, dict):
        raise Malformed(_MALFORMED)
    shape, data = value.get("shape"), value.get("data")
    if not (isinstance(shape, list) and len(shape) <= 8 and isinstance(data, list)
            and len(data) <= MAX_ELEMENTS
            and all(isinstance(n, float) and n.is_integer() and 0 <= n <= MAX_ELEMENTS
                    for n in shape)
            and all(isinstance(x, float) for x in data)):
        raise Malformed(_MALFORMED)
    dims = tuple(int(n) for n in shape)
    if math.prod(dims) != len(data):
        raise Malformed(_MALFORMED)
    return np.asarray(data, dtype=np.float64).reshape(dims)


def compare(target: CodeTarget, expected, result) -> str | None:
    """``None`` if the child's ``result`` matches ``expected`` (the reference), else what is wrong."""
    if not isinstance(result, dict):
        return _MALFORMED
    if "error" in result:
        return f"calling {target.function} raised {str(result['error'])[:300]}"
    expected = expected if target.outputs > 1 else (expected,)
    names = ("mean", "variance") if target.outputs == 2 else ("the result",)
    values = result.get("value")
    if not isinstance(values, list) or len(values) != len(expected):
        return _MALFORMED
    try:
        actual = [from_wire(v) for v in values]
    except Malformed as problem:
        return str(problem)
    for name, want, got in zip(names, expected, actual):
        want = np.asarray(want, dtype=np.float64)
        if not np.all(np.isfinite(got)):
            return f"{name} is not finite"
        # A per-coordinate variance broadcast to the data's shape is the same answer.
        broadcast_variance = name == "variance" and got.shape == np.shape(expected[0]) \
            and _broadcasts_to(want.shape, got.shape)
        if got.shape != want.shape and not broadcast_variance:
            return f"{name} has shape {got.shape}, expected {want.shape}"
        if not np.allclose(got, want, rtol=RTOL, atol=ATOL):
            return f"{name} differs from the reference (rtol {RTOL:g})"
    return None


def _broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def actual(result) -> object:
    """The child's answer for the report: its error, its values, or a note that it was garbled."""
    if isinstance(result, dict) and "error" in result:
        return str(result["error"])[:300]
    try:
        return [readable(from_wire(v)) for v in result["value"]]
    except (Malformed, KeyError, TypeError):
        return "a malformed reply"
