"""The proof engine's relations on small cases, including the ones it must not prove."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from genverify.derivations.engine import (
    PROVED, REFUTED, UNDECIDED, All, ArgMax, Derivation, Domain, DomainError, Equal, Induction, Less, LimitIs,
    Step, UniqueRoot, chain, check,
)

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", positive=True)
p = sp.Symbol("p", positive=True)
m = sp.Symbol("m", real=True)
REALS = Domain(intervals={x: (-sp.oo, sp.oo), y: (0, sp.oo), p: (0, 1)})


def rng():
    return np.random.default_rng(0)


def test_equal_proves_an_identity_and_refutes_a_wrong_one():
    assert Equal((x + 1) ** 2, x**2 + 2 * x + 1).check(REALS, rng()).status == PROVED
    wrong = Equal((x + 1) ** 2, x**2 + 1).check(REALS, rng())
    assert wrong.status == REFUTED
    assert set(wrong.counterexample) == {"x", "lhs", "rhs"}
    assert float(wrong.counterexample["lhs"]) != pytest.approx(float(wrong.counterexample["rhs"]))


def test_square_root_of_a_square_needs_the_sign():
    # √(x²) = x is false on the reals but true for positive y: the domain decides.
    assert Equal(sp.sqrt(x**2), x).check(REALS, rng()).status == REFUTED
    assert Equal(sp.sqrt(y**2), y).check(REALS, rng()).status == PROVED


def test_interval_reparametrisation_proves_what_plain_positivity_cannot():
    # log((1-p)·y) = log(1-p) + log y needs 1 - p > 0, known only through p ∈ (0, 1).
    assert Equal(sp.log((1 - p) * y), sp.log(1 - p) + sp.log(y)).check(REALS, rng()).status == PROVED


def test_numeric_agreement_is_not_a_proof():
    # e^{π√163} is within 1e-12 of an integer (relative 3e-30): no point can refute it at 40
    # digits' tolerance, and SymPy cannot prove it because it is false; the verdict must be
    # undecided, never proved.
    near = Equal(sp.exp(sp.pi * sp.sqrt(163)), sp.Integer(640320) ** 3 + 744)
    assert near.check(REALS, rng()).status == UNDECIDED


def test_less_proves_and_refutes_inequalities():
    assert Less(0, 1 / (p * (1 - p))).check(REALS, rng()).status == PROVED
    assert Less(p, p**2).check(REALS, rng()).status == REFUTED
    assert Less(0, (x - 1) ** 2, strict=False).check(REALS, rng()).status == PROVED
    assert Less(0, (x - 1) ** 2, strict=True).check(REALS, rng()).status != PROVED


def test_dependent_intervals_are_respected():
    eps = sp.Symbol("ε", positive=True)
    d = sp.Symbol("d", positive=True)
    domain = Domain(intervals={eps: (0, 1), d: (0, eps)})
    assert Less(d, eps).check(domain, rng()).status == PROVED
    assert Less(eps, d).check(domain, rng()).status == REFUTED


def test_limit_and_unique_root():
    sigma = 1 / (1 + sp.exp(-x))
    domain = Domain(intervals={y: (0, sp.oo)})
    assert LimitIs(y * sigma, x, -sp.oo, 0).check(domain, rng()).status == PROVED
    assert LimitIs(y * sigma, x, -sp.oo, y).check(domain, rng()).status == REFUTED
    a = sp.Symbol("a", positive=True)
    d = sp.Symbol("D", positive=True)
    dom = Domain(intervals={a: (0, sp.oo), d: (0, 1)})
    assert UniqueRoot(a / d - 1 / (1 - d), d, a / (a + 1)).check(dom, rng()).status == PROVED
    assert UniqueRoot(a / d - 1 / (1 - d), d, 1 / (a + 1)).check(dom, rng()).status == REFUTED
    # A quadratic with two roots: naming one of them does not prove uniqueness.
    quad = Domain(intervals={x: (-sp.oo, sp.oo)})
    assert UniqueRoot(x**2 - 1, x, 1).check(quad, rng()).status == UNDECIDED


def test_argmax_checks_curvature_and_location():
    domain = Domain(intervals={x: (0, 1)})
    f = sp.log(x) + sp.log(1 - x)
    assert ArgMax(f, x, sp.Rational(1, 2), (0, 1)).check(domain, rng()).status == PROVED
    assert ArgMax(-f, x, sp.Rational(1, 2), (0, 1)).check(domain, rng()).status == REFUTED  # a minimum
    assert ArgMax(f, x, sp.Rational(1, 3), (0, 1)).check(domain, rng()).status == REFUTED


def test_binary_quantities_are_proved_by_case_split():
    mask = sp.Symbol("M", real=True)
    domain = Domain(intervals={x: (-sp.oo, sp.oo)}, binary=(mask,))
    assert Equal(mask**2 * x, mask * x).check(domain, rng()).status == PROVED
    assert Equal(mask**2 * x, 2 * mask * x).check(domain, rng()).status == REFUTED


def test_matrices_are_compared_entrywise_and_by_shape():
    v = sp.Matrix([x, y])
    assert Equal(2 * v, v + v).check(REALS, rng()).status == PROVED
    assert Equal(v, sp.Matrix([x, 2 * y])).check(REALS, rng()).status == REFUTED
    assert Equal(v, sp.Matrix([x, y, 0])).check(REALS, rng()).status == REFUTED


def test_induction_checks_base_case_and_step():
    k, n = sp.symbols("k n", integer=True, positive=True)
    domain = Domain(intervals={p: (0, 1)}, integers={n: (1, 30)})
    rec = sp.Lambda((m, k), (1 - p) * m + p)
    good = Induction(sp.Lambda(k, 1 - (1 - p) ** k), rec, 0, n)
    assert good.check(domain, rng()).status == PROVED
    off_by_one = Induction(sp.Lambda(k, 1 - (1 - p) ** (k + 1)), rec, 0, n)
    assert off_by_one.check(domain, rng()).status == REFUTED


def test_undeclared_quantities_are_an_error_not_a_verdict():
    z = sp.Symbol("z")
    with pytest.raises(ValueError, match="not declared"):
        Equal(z, z + 0 * x).check(REALS, rng())


def test_a_derivation_is_proved_only_when_every_step_and_the_claim_are():
    steps = chain((x + 1) ** 2, (x**2 + 2 * x + 1, "expand"), (x * (x + 2) + 1, "factor x"))
    good = Derivation(Equal((x + 1) ** 2, x * (x + 2) + 1), "square", REALS, steps)
    assert check(good, rng()).status == PROVED
    bad_step = Derivation(good.claim, "square", REALS, (Step(Equal(x + 1, x), "wrong"), *steps))
    report = check(bad_step, rng())
    assert report.status == REFUTED and report.first_failure == 0
    bad_claim = Derivation(Equal((x + 1) ** 2, x**2), "square", REALS, steps)
    report = check(bad_claim, rng())
    assert report.status == REFUTED and report.first_failure == len(steps)
    undecided = Derivation(good.claim, "square", REALS,
                           (Step(Equal(sp.exp(sp.pi * sp.sqrt(163)), sp.Integer(640320) ** 3 + 744), "?"),))
    assert check(undecided, rng()).status == UNDECIDED


def test_all_names_the_failing_part():
    verdict = All((("first", Equal(x, x)), ("second", Equal(x, 2 * x)))).check(REALS, rng())
    assert verdict.status == REFUTED and verdict.method.startswith("second")


def test_limit_direction_comes_from_the_domain():
    u = sp.Symbol("u", positive=True)
    unit = Domain(intervals={u: (0, 1)})
    at_upper_end = LimitIs(1 / (1 - u), u, 1, sp.oo).check(unit, rng())
    assert at_upper_end.status == PROVED and "from the left" in at_upper_end.method
    assert LimitIs(1 / (1 - u), u, 1, -sp.oo).check(unit, rng()).status == REFUTED  # the outside limit
    # Inside the interval both one-sided limits are taken; 1/x has none at 0.
    assert LimitIs(1 / x, x, 0, sp.oo).check(REALS, rng()).status == REFUTED
    assert LimitIs(u, u, 2, 2).check(unit, rng()).status == UNDECIDED  # outside the closure


def test_unique_root_needs_a_nonvanishing_quotient_for_every_parameter():
    a, b = sp.symbols("a b", positive=True)
    d = sp.Symbol("D", positive=True)
    dom = Domain(intervals={a: (0, sp.oo), b: (0, sp.oo), d: (0, 1)})
    degenerate = UniqueRoot((a - b) * (d - sp.Rational(1, 2)), d, sp.Rational(1, 2)).check(dom, rng())
    assert degenerate.status == UNDECIDED and "every admissible parameter" in degenerate.method
    assert UniqueRoot(d - 2, d, 2).check(dom, rng()).status == REFUTED  # the root is not in (0, 1)


def test_integer_ranges_from_zero_are_nonnegative():
    count = sp.Symbol("c", integer=True)
    assert Equal(sp.Abs(count), count).check(Domain(integers={count: (0, 9)}), rng()).status == PROVED


def test_induction_checks_the_first_step_where_beta_bar_is_one():
    from genverify.derivations.notation import beta, beta_bar, beta_bar_recursion

    t = sp.Symbol("t", integer=True, positive=True)
    k = sp.Symbol("k", integer=True)
    schedule = Domain(intervals={beta(t): (0, 1), beta_bar(t - 1): (0, 1)},
                      definitions={beta_bar(t): beta_bar_recursion(t)})
    step = sp.Lambda((m, k), (1 - beta(k)) * m + beta(k))
    proved = Induction(sp.Lambda(k, 1 - beta_bar(k)), step, 0, t).check(schedule, rng())
    assert proved.status == PROVED
    # A recurrence that is 0/0 at t = 1 only (β̄_0 = 1): the generic step alone would pass.
    singular = sp.Lambda((m, k), step(m, k) * (beta_bar(k - 1) - beta_bar(k - 1) ** 2)
                         / (beta_bar(k - 1) * (1 - beta_bar(k - 1))))
    verdict = Induction(sp.Lambda(k, 1 - beta_bar(k)), singular, 0, t).check(schedule, rng())
    assert verdict.status != PROVED and "step at t = 1" in verdict.method


def test_inconsistent_domains_raise():
    z = sp.Symbol("z", positive=True)
    with pytest.raises(DomainError, match="created with"):
        Equal(sp.sqrt(z**2), z).check(Domain(intervals={z: (-1, 1)}), rng())
    with pytest.raises(DomainError, match="fails at"):
        Less(x, 0).check(Domain(intervals={x: (0, 1)}, definitions={x: -1}), rng())


def test_reused_verdicts_need_the_same_sympy_objects_and_domain():
    from genverify.derivations.relations import reusing_verdicts

    x_any = sp.Symbol("x")  # prints as ``x`` like the real ``x``, but is another symbol
    with reusing_verdicts():
        assert Less(0, y).check(REALS, rng()).status == PROVED
        # Same printed form, other assumptions: checked afresh, so refuted.
        y_real = sp.Symbol("y", real=True)
        assert Less(0, y_real).check(Domain(intervals={y_real: (-sp.oo, sp.oo)}), rng()).status == REFUTED
        assert Equal(sp.sqrt(x**2), x).check(REALS, rng()).status == REFUTED
        assert Equal(sp.sqrt(x_any**2), x_any).check(Domain(intervals={x_any: (-sp.oo, sp.oo)}), rng()).status \
            == REFUTED
        # The same relation on another domain is checked on that domain.
        assert Less(p, 1).check(REALS, rng()).status == PROVED
        assert Less(p, 1).check(Domain(intervals={p: (0, 2)}), rng()).status == REFUTED


def test_a_claim_restating_a_wrong_step_is_refuted_too():
    wrong = Equal((x + 1) ** 2, x**2 + 1)
    report = check(Derivation(wrong, "wrong", REALS, (Step(wrong, "expand"),)), rng())
    assert report.steps[0].verdict.status == REFUTED and report.claim.status == REFUTED
