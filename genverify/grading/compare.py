"""Decide whether the child's reply for one case matches the reference.

The reply is untrusted: the child runs the submission, which can forge anything it sends.  Every
field is checked for type, size and finiteness before NumPy sees it, so a forged reply can only
forge the submission's own outputs, which are then compared like any others.
"""

from __future__ import annotations

import math

import numpy as np

from .cases import readable
from .contract import CodeTarget

#: Values agree when ``|actual - expected| <= atol + rtol |expected|``: rtol allows a different
#: but stable formula (β̄ as a cumulative product over 1000 steps loses ~1e-13 relative); atol
#: only absorbs underflow to subnormals when β̄_t is below 1e-300.  A float32 computation
#: (relative error ≥ 6e-8 per operation, ~1e-5 after 1000 steps) passes only where its error
#: stays below rtol; where it does not, :mod:`.diagnose` names it.
RTOL = 1e-6
ATOL = 1e-12
#: No correct output is larger (the inputs have at most 4³ elements, schedules 1000).
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


def values(target: CodeTarget, result) -> list[np.ndarray] | None:
    """The submission's outputs for one case, or ``None`` if it raised or sent something malformed."""
    if not isinstance(result, dict) or "error" in result:
        return None
    got = result.get("value")
    if not isinstance(got, list) or len(got) != len(target.outputs):
        return None
    try:
        return [from_wire(v) for v in got]
    except Malformed:
        return None


def as_outputs(target: CodeTarget, expected) -> list[np.ndarray]:
    """A reference's (or a mistake's) return value as one float64 array per output name."""
    parts = expected if len(target.outputs) > 1 else (expected,)
    return [np.asarray(part, dtype=np.float64) for part in parts]


def agree(target: CodeTarget, want: list[np.ndarray], got: list[np.ndarray], *,
          rtol: float = RTOL, atol: float = ATOL) -> bool:
    """Whether every output agrees in shape (up to :func:`_shape_ok`) and value."""
    return all(_shape_ok(name, w, g, want[0]) and bool(np.all(np.isfinite(g)))
               and bool(np.allclose(g, w, rtol=rtol, atol=atol))
               for name, w, g in zip(target.outputs, want, got))


def compare(target: CodeTarget, expected, result) -> str | None:
    """``None`` if the child's ``result`` matches ``expected`` (the reference), else what is wrong."""
    if not isinstance(result, dict):
        return _MALFORMED
    if "error" in result:
        return f"calling {target.function} raised {str(result['error'])[:300]}"
    got_raw = result.get("value")
    if not isinstance(got_raw, list) or len(got_raw) != len(target.outputs):
        return _MALFORMED
    try:
        got = [from_wire(v) for v in got_raw]
    except Malformed as problem:
        return str(problem)
    want = as_outputs(target, expected)
    single = len(target.outputs) == 1
    for name, w, g in zip(target.outputs, want, got):
        label = "the result" if single else f"the {name}"
        if not np.all(np.isfinite(g)):
            return f"{label} is not finite"
        if not _shape_ok(name, w, g, want[0]):
            return f"{label} has shape {g.shape}, expected {w.shape}"
        if not np.allclose(g, w, rtol=RTOL, atol=ATOL):
            return f"{label} differs from the reference (rtol {RTOL:g})"
    return None


def _shape_ok(name: str, want: np.ndarray, got: np.ndarray, first: np.ndarray) -> bool:
    # A per-coordinate variance broadcast to the data's shape is the same answer.
    return got.shape == want.shape or (
        "variance" in name and got.shape == first.shape and _broadcasts_to(want.shape, got.shape))


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
