"""Evaluate an answer and the reference at random points of the target's domain.

A *point* fixes everything an answer may mention: a concrete random schedule ``β_1..β_T`` and a
time ``t`` (so ``β̄``, ``∏`` and ``σ_q(t)²`` get values that satisfy every schedule identity),
values of ``x_t``, ``x_0``, ``x``, ``x_known``, ``s_θ(x)``, a binary mask value, positive
density values, and two random discrete distributions on which ``∫``, ``E``, ``KL`` and ``JSD``
are finite sums.  Values are computed at ``DIGITS`` significant digits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mpmath
import numpy as np
import sympy as sp

from genverify.derivations.notation import beta, beta_bar
from genverify.grading.functionals import DENSITIES, expand_functionals
from genverify.grading.targets import FUNCTIONALS, INPAINTING, M, Target, s_theta, t, x, x_0, x_known, x_t

DIGITS = 30
#: Relative disagreement that makes two values different (far above round-off at DIGITS).
RTOL = mpmath.mpf("1e-12")


@dataclass(frozen=True)
class Point:
    """One random point: a schedule and time, symbol values and discrete distributions."""

    betas: tuple[float, ...]
    t: int
    values: dict = field(default_factory=dict)
    atoms: tuple[dict, ...] = ()

    def describe(self, used: set, schedule: bool) -> dict:
        """The point as JSON-ready data for a counterexample: the schedule at t (when
        ``schedule``) and the values of the ``used`` symbols."""
        out = {}
        if schedule:
            b = np.asarray(self.betas)
            out = {"t": self.t, "T": len(b), "β_t": b[self.t - 1],
                   "β̄_{t-1}": float(np.prod(1 - b[: self.t - 1])), "β̄_t": float(np.prod(1 - b[: self.t]))}
        # With discrete distributions the densities only appear inside functionals, as atoms.
        out.update({sp.sstr(k): float(v) for k, v in self.values.items()
                    if k in used and not (self.atoms and k in DENSITIES)})
        if self.atoms:
            out["p_r atoms"] = [float(a[DENSITIES[0]]) for a in self.atoms]
            out["p_g atoms"] = [float(a[DENSITIES[1]]) for a in self.atoms]
        return out


def draw_points(target: Target, rng: np.random.Generator, n: int) -> list[Point]:
    """``n`` points for ``target``; schedules have T in [3, 40] and β log-uniform in [1e-3, 0.5]."""
    points = []
    for _ in range(n):
        T = int(rng.integers(3, 41))
        betas = tuple(float(b) for b in np.exp(rng.uniform(np.log(1e-3), np.log(0.5), T)))
        step = int(rng.integers(2, T))  # 2..T-1: β_{t-1} and β_{t+1} exist too
        values = {x_t: rng.normal(0, 1.5), x_0: rng.normal(0, 1.5), x: rng.normal(0, 1.5),
                  x_known: rng.normal(0, 1.5), s_theta: rng.normal(0, 1.5),
                  M: float(rng.integers(0, 2)) if target.kind == INPAINTING else 1.0,
                  **{d: float(np.exp(rng.normal(0, 0.7))) for d in DENSITIES}}
        atoms = ()
        if target.kind == FUNCTIONALS:
            k = int(rng.integers(2, 6))
            r, g = rng.dirichlet(np.ones(k)), rng.dirichlet(np.ones(k))
            atoms = tuple({DENSITIES[0]: sp.Float(ri, DIGITS), DENSITIES[1]: sp.Float(gi, DIGITS)}
                          for ri, gi in zip(r, g))
        points.append(Point(betas, step, values, atoms))
    return points


class EvaluationError(ValueError):
    """The expression has no finite value at the point (a pole, a log of a negative, ...)."""


def evaluate(expr: sp.Expr, point: Point) -> mpmath.mpf:
    """``expr`` at ``point``, at ``DIGITS`` digits; ``EvaluationError`` where it is undefined."""
    e = expr.xreplace({t: sp.Integer(point.t)})
    e = e.doit()  # finite ∏ and Σ over the schedule, with t now a number
    e = expand_functionals(e, list(point.atoms))
    T = len(point.betas)
    cumulative = np.concatenate([[1.0], np.cumprod([1.0 - b for b in point.betas])])
    schedule = {}
    for atom in e.atoms(beta, beta_bar):
        k = atom.args[0]
        if not (k.is_Integer and 0 <= int(k) <= T and (int(k) >= 1 or isinstance(atom, beta_bar))):
            raise EvaluationError(f"{sp.sstr(atom)} is outside the schedule (T = {T})")
        value = point.betas[int(k) - 1] if isinstance(atom, beta) else cumulative[int(k)]
        schedule[atom] = sp.Float(value, DIGITS)
    e = e.xreplace(schedule).xreplace({k: sp.Float(v, DIGITS) for k, v in point.values.items()})
    if e.free_symbols:
        raise EvaluationError(f"no value for {sorted(map(sp.sstr, e.free_symbols))}")
    value = sp.N(e, DIGITS)
    if not value.is_number or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise EvaluationError("not a finite number")
    value = complex(value)
    if not np.isfinite(value.real) or abs(value.imag) > 1e-12 * (1 + abs(value.real)):
        raise EvaluationError("not a finite real number")
    return mpmath.mpf(value.real)


def agree(a: mpmath.mpf, b: mpmath.mpf) -> bool:
    return abs(a - b) <= RTOL * (1 + abs(a) + abs(b))
