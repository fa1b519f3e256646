"""Evaluate an answer and the reference at random points of the target's domain.

A *point* fixes everything an answer may mention: a concrete random schedule ``β_1..β_T`` and a
time ``t`` (so ``β̄``, ``∏`` and ``σ_q(t)²`` get values that satisfy every schedule identity),
values of ``x_t``, ``x_0``, ``x``, ``x_known``, ``s_θ(x)``, a binary mask value, positive
density values, and two random discrete distributions on which ``∫``, ``E``, ``KL`` and ``JSD``
are finite sums.  ``evaluate`` walks the expression tree with mpmath at ``DIGITS`` significant
digits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mpmath
import numpy as np
import sympy as sp

from genverify.derivations.notation import beta, beta_bar
from genverify.grading.functionals import DENSITIES, Expectation, IntegralDx, JSDivergence, KLDivergence, \
    expand_functionals
from genverify.grading.targets import FUNCTIONALS, INPAINTING, M, Target, s_theta, t, x, x_0, x_known, x_t

#: Working precision.  High enough that an offset a student might add to game a numeric
#: comparison (``+ 10^{-20}``, ``+ β_t^{100}`` with β_t ≥ 0.13) shows up as a disagreement.
DIGITS = 120
#: Relative disagreement that makes two values different: 20 digits above round-off at DIGITS,
#: which leaves room for cancellation between large terms of a correct answer.
RTOL = mpmath.mpf("1e-100")


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
            r, g = _normalised(rng.dirichlet(np.ones(k))), _normalised(rng.dirichlet(np.ones(k)))
            atoms = tuple({DENSITIES[0]: ri, DENSITIES[1]: gi} for ri, gi in zip(r, g))
        points.append(Point(betas, step, values, atoms))
    return points


def _normalised(weights) -> list[sp.Float]:
    """Probabilities summing to 1 at ``DIGITS`` digits: a float sum off by 1e-16 would make
    ``∫ (p_r + p_g) log 2 dx`` differ from ``log 4`` by more than ``RTOL``."""
    with mpmath.workdps(DIGITS):
        exact = [mpmath.mpf(float(w)) for w in weights]
        total = mpmath.fsum(exact)
        return [sp.Float(w / total, DIGITS) for w in exact]


class EvaluationError(ValueError):
    """The expression has no finite value at the point (a pole, a log of a negative, ...)."""


#: Largest |x| whose exp(x) is computed: beyond it a value has more than ~10^30000 in magnitude,
#: far from any answer's, and mpmath would need more digits than memory allows
#: (``e^{e^{e^{e^{10}}}}`` raised OverflowError before).
_MAX_EXP_ARGUMENT = 70000
#: Longest ∏/Σ evaluated term by term (schedules have T ≤ 40).
_MAX_TERMS = 10000


def _integer(value, what: str) -> int:
    if isinstance(value, mpmath.mpc) or not mpmath.isint(value):
        raise EvaluationError(f"{what} is not an integer")
    return int(value)


class _Walker:
    """Evaluates a parsed answer node by node with mpmath at ``DIGITS`` digits.

    Same values as ``sp.N(expr.xreplace(point))`` (principal branches: a negative base under a
    square root gives a complex intermediate, judged at the end), without SymPy rebuilding the
    expression at every substitution: about twice as fast on the grading corpus.
    """

    def __init__(self, point: Point):
        self.point = point
        self.env, self.betas, self.cumulative, self.atoms = _prepared(point)

    def value(self, e, env):
        kind = type(e)
        handler = _HANDLERS.get(kind)
        if handler is None:
            for base, h in _BASE_HANDLERS:
                if isinstance(e, base):
                    handler = h
                    break
            else:
                raise EvaluationError(f"cannot evaluate {kind.__name__}")
        return handler(self, e, env)

    def symbol(self, e, env):
        if e in env:
            return env[e]
        raise EvaluationError(f"no value for {sp.sstr(e)}")

    def schedule(self, e, env):
        T = len(self.point.betas)
        k = _integer(self.value(e.args[0], env), sp.sstr(e))
        if isinstance(e, beta):
            if not 1 <= k <= T:
                raise EvaluationError(f"{sp.sstr(e)} is outside the schedule (T = {T})")
            return self.betas[k - 1]
        if not 0 <= k <= T:
            raise EvaluationError(f"{sp.sstr(e)} is outside the schedule (T = {T})")
        return self.cumulative[k]

    def add(self, e, env):
        return sum((self.value(a, env) for a in e.args), mpmath.mpf(0))

    def mul(self, e, env):
        out = mpmath.mpf(1)
        for a in e.args:
            out *= self.value(a, env)
        return out

    def pow(self, e, env):
        base = self.value(e.args[0], env)
        exponent = e.args[1]
        if exponent.is_Integer:
            if base == 0 and exponent < 0:
                raise EvaluationError("division by zero")
            return base ** int(exponent)
        if exponent == sp.S.Half:
            return mpmath.sqrt(base)
        power = self.value(exponent, env)
        if base == 0:
            if mpmath.re(power) <= 0:
                raise EvaluationError("zero to a non-positive power")
            return mpmath.mpf(0)
        _bounded(power * mpmath.log(base))
        return mpmath.power(base, power)

    def exp(self, e, env):
        argument = self.value(e.args[0], env)
        _bounded(argument)
        return mpmath.exp(argument)

    def log(self, e, env):
        argument = self.value(e.args[0], env)
        if argument == 0:
            raise EvaluationError("log of zero")
        return mpmath.log(argument)

    def number(self, e, env):
        return mpmath.mpf(e.p) / e.q if e.is_Rational else mpmath.mpf(e._mpf_)

    def constant(self, e, env):
        if e is sp.pi:
            return +mpmath.pi
        if e is sp.E:
            return +mpmath.e
        raise EvaluationError("not a finite number")

    def big(self, e, env):
        body, (i, lower, upper) = e.args[0], e.args[1]
        a = _integer(self.value(lower, env), "a bound of ∏/Σ")
        b = _integer(self.value(upper, env), "a bound of ∏/Σ")
        product = isinstance(e, sp.Product)
        # Karr's convention, as SymPy's doit: an upper bound below lower - 1 inverts the range.
        inverted = b < a - 1
        if inverted:
            a, b = b + 1, a - 1
        if b - a + 1 > _MAX_TERMS:
            raise EvaluationError(f"more than {_MAX_TERMS} terms")
        terms = [self.value(body, {**env, i: mpmath.mpf(j)}) for j in range(a, b + 1)]
        if product:
            out = mpmath.mpf(1)
            for term in terms:
                out *= term
            return 1 / out if inverted else out
        total = sum(terms, mpmath.mpf(0))
        return -total if inverted else total

    def functional(self, e, env):
        """∫, E, KL, JSD as finite sums over the point's atoms (``functionals.expand_functionals``)."""
        if not self.atoms:
            raise EvaluationError("a functional needs the discrete distributions")
        total = mpmath.mpf(0)
        for atom in self.atoms:
            local = {**env, **atom}
            args = [self.value(a, local) for a in e.args]
            if isinstance(e, IntegralDx):
                total += args[0]
            elif isinstance(e, Expectation):
                total += args[0] * args[1]
            elif isinstance(e, KLDivergence):
                total += args[0] * mpmath.log(args[0] / args[1])
            else:
                p, q = args
                m = (p + q) / 2
                total += (p * mpmath.log(p / m) + q * mpmath.log(q / m)) / 2
        return total


#: Per point (by id, holding the point so the id stays its own): the symbol values, β_k and β̄_k
#: as mpf, and the atoms' density values; points are reused across every answer of a target.
_PREPARED: dict[int, tuple] = {}


def _prepared(point: Point) -> tuple:
    entry = _PREPARED.get(id(point))
    if entry is None or entry[0] is not point:
        env = {t: mpmath.mpf(point.t), **{k: mpmath.mpf(v) for k, v in point.values.items()}}
        betas = [mpmath.mpf(b) for b in point.betas]
        cumulative = [mpmath.mpf(1)]
        for b in betas:
            cumulative.append(cumulative[-1] * (1 - b))
        atoms = [{k: mpmath.mpf(v._mpf_) for k, v in atom.items()} for atom in point.atoms]
        if len(_PREPARED) > 4096:
            _PREPARED.clear()
        entry = _PREPARED[id(point)] = (point, env, betas, cumulative, atoms)
    return entry[1:]


def _bounded(argument) -> None:
    if mpmath.re(argument) > _MAX_EXP_ARGUMENT:
        raise EvaluationError(f"the value exceeds e^{_MAX_EXP_ARGUMENT}")


_HANDLERS = {sp.Add: _Walker.add, sp.Mul: _Walker.mul, sp.Pow: _Walker.pow, sp.exp: _Walker.exp,
             sp.log: _Walker.log, beta: _Walker.schedule, beta_bar: _Walker.schedule,
             sp.Product: _Walker.big, sp.Sum: _Walker.big}
_BASE_HANDLERS = ((sp.Symbol, _Walker.symbol), (sp.Dummy, _Walker.symbol), (sp.Rational, _Walker.number),
                  (sp.Float, _Walker.number), (sp.NumberSymbol, _Walker.constant),
                  (sp.Number, _Walker.constant),
                  ((IntegralDx, Expectation, KLDivergence, JSDivergence), _Walker.functional))


def evaluate(expr: sp.Expr, point: Point) -> mpmath.mpf:
    """``expr`` at ``point``, at ``DIGITS`` digits; ``EvaluationError`` where it is undefined."""
    with mpmath.workdps(DIGITS):
        walker = _Walker(point)
        try:
            value = walker.value(expr, walker.env)
        except (ZeroDivisionError, OverflowError) as exc:
            raise EvaluationError(f"not a finite number ({exc})") from None
        if isinstance(value, mpmath.mpc):
            if abs(value.imag) > RTOL * (1 + abs(value.real)):
                raise EvaluationError("not a finite real number")
            value = value.real
        if not mpmath.isfinite(value):
            raise EvaluationError("not a finite number")
        return +value


def evaluate_sympy(expr: sp.Expr, point: Point) -> mpmath.mpf:
    """The same value through SymPy (substitute, ``doit``, ``N``): the slow path the walker
    replaced, kept as its oracle in the tests and the benchmark."""
    e = expr.xreplace({t: sp.Integer(point.t)}).doit()
    e = expand_functionals(e, list(point.atoms))
    cumulative = [sp.Integer(1)]
    for b in point.betas:
        cumulative.append(cumulative[-1] * (1 - sp.Rational(b)))
    schedule = {a: sp.Float(point.betas[int(a.args[0]) - 1] if isinstance(a, beta) else cumulative[int(a.args[0])],
                            DIGITS) for a in e.atoms(beta, beta_bar)}
    e = e.xreplace(schedule).xreplace({k: sp.Float(v, DIGITS) for k, v in point.values.items()})
    value = sp.N(e, DIGITS)
    if not value.is_number or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise EvaluationError("not a finite number")
    with mpmath.workdps(DIGITS):
        return mpmath.mpf(sp.Float(sp.re(value), DIGITS)._mpf_)


def agree(a: mpmath.mpf, b: mpmath.mpf) -> bool:
    return abs(a - b) <= RTOL * (1 + abs(a) + abs(b))
