"""The probability-flow ODE and the reverse SDE share the forward SDE's marginals.

Song et al. (2021), *Score-Based Generative Modeling through Stochastic Differential Equations*,
eqs. 5, 6 and 13, Appendix D.1; Anderson (1982) for the reverse SDE.  The VP SDE
``dx = f dt + g dw`` with ``f(x, t) = -½β(t) x`` and ``g(t)² = β(t)`` moves the density of ``x_t``
by the Fokker–Planck equation

    ∂_t p = -∂_x(f p) + ½ g² ∂²_x p.

Since ``p ∂_x log p = ∂_x p``, the same right-hand side is

    -∂_x((f - ½g² ∂_x log p) p)                  (a continuity equation: the PF-ODE dx/dt = f - ½g² ∇log p_t),
    -∂_x((f - g² ∂_x log p) p) - ½g² ∂²_x p      (Fokker–Planck of dx = (f - g² ∇log p_t) dt + g dw̄ run
                                                  backwards in time: the diffusion term changes sign),

so both processes, started from ``p_T``, pass through every forward marginal ``p_t``.  For
Gaussian data ``N(m_0, v_0)`` every marginal is ``p_t = N(m_t, v_t)`` with the moment equations
``m_t' = -½β m_t`` and ``v_t' = β(1 - v_t)`` (Itô: ``d E x = E f dt``, ``d Var x = (2 Cov(x, f) + g²) dt``),
so ``p_t`` is explicit and its score is ``-(x - m_t)/v_t``.

Scope (what the engine checks): one coordinate; Gaussian data, ``p_t = N(m_t, v_t)`` with the
moment equations above (``m_t``, ``v_t > 0`` and ``β(t) > 0`` symbolic functions of t): that
``p_t`` solves the forward Fokker–Planck equation, the Gaussian score, and that the PF-ODE's
continuity equation and the reverse SDE's Fokker–Planck equation have the same right-hand side
at every ``(x, t)``.  The moment equations (Itô) and that a solution of these equations with the
same initial law is the process's marginal (uniqueness) are argued, not checked.
"""

from __future__ import annotations

import sympy as sp

from .engine import All, Derivation, Domain, Equal, Step, chain

class Normal(sp.Function):
    """``N(x; m, v) = exp(-(x - m)²/(2v))/√(2πv)``, printed as such; ``doit`` (which the engine
    applies before every check) writes the density out."""

    nargs = 3

    def doit(self, deep=True, **hints):
        x_, m_, v_ = (a.doit(deep=deep, **hints) if deep else a for a in self.args)
        return sp.exp(-(x_ - m_) ** 2 / (2 * v_)) / sp.sqrt(2 * sp.pi * v_)

    def _sympystr(self, printer):
        x_, m_, v_ = (printer._print(a) for a in self.args)
        return f"N({x_}; {m_}, {v_})"

    def _latex(self, printer, exp=None):
        x_, m_, v_ = (printer._print(a) for a in self.args)
        body = rf"\mathcal{{N}}\left({x_};\, {m_}, {v_}\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"


x = sp.Symbol("x", real=True)
t = sp.Symbol("t", real=True)
beta_t = sp.Function("β")(t)
m = sp.Function("m")(t)
v = sp.Function("v")(t)

#: ``p_t(x) = N(x; m_t, v_t)``.
P = Normal(x, m, v)
DRIFT = -beta_t * x / 2
G2 = beta_t
#: The VP SDE's moment equations for Gaussian data: ``m' = -½β m``, ``v' = β(1 - v)``.
MEAN_RATE, VARIANCE_RATE = -beta_t * m / 2, beta_t * (1 - v)
SCORE = -(x - m) / v


def domain(variance_rate: sp.Expr = VARIANCE_RATE) -> Domain:
    return Domain(
        intervals={x: (-sp.oo, sp.oo), t: (0, sp.oo), beta_t: (0, sp.oo), m: (-sp.oo, sp.oo), v: (0, sp.oo)},
        definitions={sp.Derivative(m, t): MEAN_RATE, sp.Derivative(v, t): variance_rate},
        hypotheses=("VP SDE dx = -½β(t) x dt + √β(t) dw, β(t) > 0",
                    "Gaussian data: p_t = N(m_t, v_t), v_t > 0, with m_t' = -½β m_t and v_t' = β(1 - v_t)",
                    "one coordinate"),
    )


def _fokker_planck(drift: sp.Expr, diffusion: sp.Expr) -> sp.Expr:
    """``-∂_x(drift·p) + diffusion·∂²_x p``, derivatives unevaluated (the engine evaluates them)."""
    return -sp.Derivative(drift * P, x) + diffusion * sp.Derivative(P, (x, 2))


def derivation(variance_rate: sp.Expr = VARIANCE_RATE, score: sp.Expr = SCORE, flow_weight: sp.Expr = sp.Rational(1, 2),
               reverse_weight: sp.Expr = sp.Integer(1)) -> Derivation:
    """The derivation; the arguments let a test substitute a wrong moment equation, score or drift weight."""
    forward = _fokker_planck(DRIFT, G2 / 2)
    flow = _fokker_planck(DRIFT - flow_weight * G2 * score, 0)
    reverse = _fokker_planck(DRIFT - reverse_weight * G2 * score, -G2 / 2)
    z2 = (x - m) ** 2
    rate = P * (MEAN_RATE * (x - m) / v + variance_rate * (z2 - v) / (2 * v**2))
    steps = (
        *chain(
            sp.Derivative(P, t),
            (rate, "differentiating N(x; m_t, v_t) in t and inserting the moment equations m' = -½βm, v' = β(1-v)"),
            (forward, "differentiating -∂_x(f p) + ½g²∂²_x p in x, with f = -½βx and g² = β, gives the same: "
                      "the Gaussian path p_t solves the forward Fokker–Planck equation"),
        ),
        Step(Equal(sp.Derivative(sp.log(P), x), score), "the score of N(m_t, v_t) is -(x - m_t)/v_t"),
        *chain(
            flow,
            (-sp.Derivative(DRIFT * P, x) + G2 / 2 * sp.Derivative(P * score, x),
             "the PF-ODE's drift is f - ½g²∇log p: split its flux in two"),
            (forward, "p ∇log p = ∇p turns the score's flux into ½g² ∂²_x p: the PF-ODE transports p_t"),
        ),
        Step(Equal(reverse, forward),
             "the reverse SDE has drift f - g²∇log p, and its diffusion term changes sign in backward time: g²∂²p - ½g²∂²p = ½g²∂²p"),
    )
    return Derivation(
        claim=All((
            ("p_t solves the Fokker–Planck equation", Equal(sp.Derivative(P, t), forward)),
            ("the PF-ODE's continuity equation has the same right-hand side", Equal(flow, forward)),
            ("so does the reverse SDE's Fokker–Planck equation", Equal(reverse, forward)),
        )),
        statement="for Gaussian data under the VP SDE (f = -½βx, g² = β), p_t = N(m_t, v_t) satisfies "
                  "∂_t p = -∂_x(f p) + ½g²∂²_x p, and this equals -∂_x((f - ½g²∂_x log p) p) (PF-ODE) and "
                  "-∂_x((f - g²∂_x log p) p) - ½g²∂²_x p (reverse SDE in backward time) at every (x, t)",
        domain=domain(variance_rate),
        steps=steps,
        display_claim=r"\partial_t p_t = -\partial_x(f p_t) + \tfrac12 g^2 \partial_x^2 p_t "
                      r"= -\partial_x\bigl((f - \tfrac12 g^2 \nabla \log p_t) p_t\bigr) "
                      r"= -\partial_x\bigl((f - g^2 \nabla \log p_t) p_t\bigr) - \tfrac12 g^2 \partial_x^2 p_t",
    )


def mutants() -> dict[str, Derivation]:
    """Wrong moment equations, scores and drifts the engine must refute."""
    return {
        "variance equation v' = -βv (the injected noise forgotten)": derivation(variance_rate=-beta_t * v),
        "score +(x - m_t)/v_t: sign flipped": derivation(score=-SCORE),
        "PF-ODE drift f - g²∇log p (the reverse SDE's drift without its noise)": derivation(flow_weight=sp.Integer(1)),
        "reverse SDE drift f - ½g²∇log p (the PF-ODE's drift with noise added)": derivation(
            reverse_weight=sp.Rational(1, 2)),
    }
