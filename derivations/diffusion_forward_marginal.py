"""The forward process has the closed-form marginal ``q(x_t | x_0) = N(√β̄_t x_0, (1-β̄_t) I)``.

Ho et al. (2020), *Denoising Diffusion Probabilistic Models*, eq. (4); homework 2.3.  From
``x_t = √(1-β_t) x_{t-1} + √β_t ε_t`` with independent ``ε_t ~ N(0, I)``, every ``x_t`` given
``x_0`` is Gaussian; its mean obeys ``m_t = √(1-β_t) m_{t-1}``, ``m_0 = x_0``, and its variance
(per coordinate) ``v_t = (1-β_t) v_{t-1} + β_t``, ``v_0 = 0``.  Induction on t solves both.
"""

from __future__ import annotations

import sympy as sp

from .engine import All, Derivation, Domain, Equal, Induction, Step
from .notation import beta, beta_bar, beta_bar_recursion

t = sp.Symbol("t", integer=True, positive=True)
k = sp.Symbol("k", integer=True, nonnegative=True)
x_0 = sp.Symbol("x_0", real=True)
m, v = sp.Symbol("m"), sp.Symbol("v")

#: Number of steps of the explicitly unrolled second check.
UNROLLED = 6
#: Constant-β check solved by ``rsolve``: a step count and the constant β.
n = sp.Symbol("n", integer=True, nonnegative=True)
b = sp.Symbol("β", positive=True)

MEAN = sp.Lambda(k, sp.sqrt(beta_bar(k)) * x_0)
VARIANCE = sp.Lambda(k, 1 - beta_bar(k))
MEAN_STEP = sp.Lambda((m, k), sp.sqrt(1 - beta(k)) * m)
VARIANCE_STEP = sp.Lambda((v, k), (1 - beta(k)) * v + beta(k))

DOMAIN = Domain(
    intervals={
        beta(t): (0, 1),
        beta_bar(t - 1): (0, 1),
        **{beta(i): (0, 1) for i in range(1, UNROLLED + 1)},
        b: (0, 1),
        x_0: (-sp.oo, sp.oo),
    },
    integers={n: (0, 40)},
    definitions={beta_bar(t): beta_bar_recursion(t)},
    hypotheses=("0 < β_i < 1 for every step i", "β̄_t = ∏_{i=1}^t (1-β_i), β̄_0 = 1",
                "ε_1, ε_2, ... independent N(0, I)"),
)


def _unrolled(recurrence: sp.Lambda, initial: sp.Expr, steps: int) -> sp.Expr:
    value = initial
    for i in range(1, steps + 1):
        value = recurrence(value, i)
    return value


def _product(steps: int) -> sp.Expr:
    return sp.Mul(*(1 - beta(i) for i in range(1, steps + 1)))


def _homework_sum(steps: int) -> sp.Expr:
    """The homework's variance: ``Σ_i β_i ∏_{j>i} (1-β_j)``, the sum of the noise variances."""
    return sp.Add(*(beta(i) * sp.Mul(*(1 - beta(j) for j in range(i + 1, steps + 1)))
                    for i in range(1, steps + 1)))


def derivation(mean=MEAN, variance=VARIANCE) -> Derivation:
    """The derivation; the arguments let a test substitute a wrong closed form."""
    T = UNROLLED
    constant_beta = sp.Function("v")
    solved = sp.rsolve(constant_beta(n) - (1 - b) * constant_beta(n - 1) - b, constant_beta(n),
                       {constant_beta(0): 0})
    steps = (
        Step(Induction(mean, MEAN_STEP, x_0, t),
             "mean: E x_t = √(1-β_t) E x_{t-1} since E ε_t = 0; induction on t"),
        Step(Induction(variance, VARIANCE_STEP, 0, t),
             "variance: independent terms add, Var x_t = (1-β_t) Var x_{t-1} + β_t; induction on t"),
        Step(Equal(_unrolled(MEAN_STEP, x_0, T), mean(T).subs(beta_bar(T), _product(T))),
             f"second check: the mean recursion unrolled over {T} symbolic steps"),
        Step(Equal(_unrolled(VARIANCE_STEP, 0, T), variance(T).subs(beta_bar(T), _product(T))),
             f"second check: the variance recursion unrolled over {T} symbolic steps"),
        Step(Equal(_homework_sum(T), variance(T).subs(beta_bar(T), _product(T))),
             "the homework's sum of noise variances Σ β_i ∏_{j>i}(1-β_j) telescopes to 1 - β̄_t"),
        Step(Equal(solved, variance(n).subs(beta_bar(n), (1 - b) ** n)),
             "for a constant β, rsolve solves v_n = (1-β) v_{n-1} + β, v_0 = 0"),
    )
    return Derivation(
        claim=All((("mean", Induction(mean, MEAN_STEP, x_0, t)),
                   ("variance", Induction(variance, VARIANCE_STEP, 0, t)))),
        statement="q(x_t | x_0) = N(√β̄_t x_0, (1-β̄_t) I)",
        display_claim=r"q(x_t \mid x_0) = \mathcal{N}\left(x_t;\ \sqrt{\bar\beta_t}\, x_0,\ (1 - \bar\beta_t) I\right), \quad \bar\beta_t = \prod_{i=1}^{t} (1 - \beta_i)",
        domain=DOMAIN,
        steps=steps,
    )


def mutants() -> dict[str, Derivation]:
    """Wrong closed forms the engine must refute."""
    return {
        "missing square root on β̄_t in the mean": derivation(mean=sp.Lambda(k, beta_bar(k) * x_0)),
        "variance β̄_t instead of 1-β̄_t": derivation(variance=sp.Lambda(k, beta_bar(k))),
        "squared β̄_t in the variance": derivation(variance=sp.Lambda(k, 1 - beta_bar(k) ** 2)),
        "mean √(1-β̄_t) x_0 (α for ᾱ confusion)": derivation(mean=sp.Lambda(k, sp.sqrt(1 - beta_bar(k)) * x_0)),
    }
