"""Dirac-GAN: the equilibrium's Jacobian has eigenvalues ``±i f'(0)``, and ``-γ/2 ± √(γ²/4 - f'(0)²)``
with the R1 penalty.

Mescheder, Geiger & Nowozin (2018), *Which Training Methods for GANs do actually Converge?*,
§2 (Lemma 2.2) and §4.1 (Theorem 4.1); the reference is ``numeric/dirac_gan.py``.  Data ``δ_0``,
generator ``δ_θ``, discriminator ``D_ψ(x) = ψx``, objective ``L(θ, ψ) = f(ψθ) + f(0)``; G
descends and D ascends ``L``, and R1, ``(γ/2)‖∇_x D_ψ‖² = (γ/2)ψ²``, adds ``-γψ`` to D's ascent
direction:

    v(θ, ψ) = (-∂L/∂θ, ∂L/∂ψ - γψ) = (-ψ f'(ψθ), θ f'(ψθ) - γψ),
    J(0, 0) = [[0, -f'(0)], [f'(0), -γ]],   det(λI - J) = λ² + γλ + f'(0)²,
    λ± = -γ/2 ± √(γ²/4 - f'(0)²):   ±i f'(0) at γ = 0;  λ+ + λ- = -γ < 0, λ+ λ- = f'(0)² > 0 for γ > 0.

For ``γ > 0`` a negative sum and a positive product of the two roots of a real quadratic give
both a negative real part (a conjugate pair has real part ``-γ/2``; two real roots share the
sign of their sum).  Without R1, ``θ v_θ + ψ v_ψ = 0``: the field is a rotation, and
simultaneous gradient steps ``u + h v`` grow ``‖u‖²`` by ``h²‖v‖²`` each.

Scope (what the engine checks): the field and the Jacobian for a symbolic ``f`` (its values
``f'(ψθ)``, ``f''(ψθ)`` as free quantities); the characteristic polynomial and its roots as a
polynomial identity in ``λ`` (real ``λ``, so for every complex ``λ`` too); the γ = 0 roots, the
sum and product for ``γ > 0``, ``f'(0) > 0``; the standard GAN's ``f'(t) = 1/(1 + e^t)``.  That
a negative sum and positive product give negative real parts is argued, not checked.
"""

from __future__ import annotations

import sympy as sp

from .engine import All, Derivation, Domain, Equal, Less, Relation, Step

theta, psi = sp.symbols("θ ψ", real=True)
gamma = sp.Symbol("γ", positive=True)
lam = sp.Symbol("λ", real=True)
u = sp.Symbol("u", real=True)


class f_second(sp.Function):
    """``f''``, the discriminator objective's second derivative (a free quantity at each point)."""

    nargs = 1

    def _sympystr(self, printer):
        return f"f''({printer._print(self.args[0])})"

    def _latex(self, printer, exp=None):
        body = rf"f''\left({printer._print(self.args[0])}\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"


class f_prime(sp.Function):
    """``f'``, with ``d f'(w)/dw = f''(w)``, so derivatives of ``v`` stay readable atoms."""

    nargs = 1

    def fdiff(self, argindex=1):
        return f_second(self.args[0])

    def _sympystr(self, printer):
        return f"f'({printer._print(self.args[0])})"

    def _latex(self, printer, exp=None):
        body = rf"f'\left({printer._print(self.args[0])}\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"


class f(sp.Function):
    """The Dirac-GAN's ``f`` (``-log(1 + e^{-t})`` for the standard GAN), symbolic."""

    nargs = 1

    def fdiff(self, argindex=1):
        return f_prime(self.args[0])


A = f_prime(0)
LOSS = f(psi * theta) + f(0)
#: The standard GAN's ``f(t) = log σ(t) = -log(1 + e^{-t})`` (as ``numeric.dirac_gan.f``).
F_STANDARD = -sp.log(1 + sp.exp(-u))


def field(r1_sign: int = -1) -> sp.Matrix:
    """``v = (-∂L/∂θ, ∂L/∂ψ - γψ)`` with unevaluated derivatives (``r1_sign=+1``: the penalty ascended)."""
    return sp.Matrix([-sp.Derivative(LOSS, theta), sp.Derivative(LOSS, psi) + r1_sign * gamma * psi])


def eigenvalues(half: sp.Expr = sp.Rational(1, 2), radicand: sp.Expr | None = None) -> tuple[sp.Expr, sp.Expr]:
    """``λ± = -γ/2 ± √(γ²/4 - f'(0)²)``; the arguments let a test write a wrong root."""
    radicand = gamma**2 / 4 - A**2 if radicand is None else radicand
    return -half * gamma + sp.sqrt(radicand), -half * gamma - sp.sqrt(radicand)


JACOBIAN = sp.Matrix([[0, -A], [A, -gamma]])

DOMAIN = Domain(
    intervals={theta: (-sp.oo, sp.oo), psi: (-sp.oo, sp.oo), gamma: (0, sp.oo), lam: (-sp.oo, sp.oo),
               u: (-sp.oo, sp.oo), A: (0, sp.oo), f_prime(psi * theta): (-sp.oo, sp.oo),
               f_second(psi * theta): (-sp.oo, sp.oo)},
    hypotheses=("p_r = δ_0, p_θ = δ_θ, D_ψ(x) = ψx, L(θ, ψ) = f(ψθ) + f(0)",
                "f'(0) > 0 (½ for the standard GAN, 1 for WGAN's f(t) = t)",
                "R1 weight γ > 0; γ = 0 is the unregularised game"),
)


def derivation(r1_sign: int = -1, jacobian: sp.Matrix = JACOBIAN, roots: tuple[sp.Expr, sp.Expr] | None = None,
               unregularised: sp.Expr = sp.I * A) -> Derivation:
    """The derivation; the arguments let a test substitute a wrong field, Jacobian or root."""
    plus, minus = eigenvalues() if roots is None else roots
    v = field(r1_sign)
    at_equilibrium = v.doit().jacobian([theta, psi]).subs({theta: 0, psi: 0})
    characteristic = sp.Determinant(sp.ImmutableMatrix(lam * sp.eye(2) - jacobian))
    general = sp.Matrix([[-psi**2 * f_second(psi * theta), -f_prime(psi * theta) - psi * theta * f_second(psi * theta)],
                         [f_prime(psi * theta) + psi * theta * f_second(psi * theta),
                          theta**2 * f_second(psi * theta) - gamma]])
    # Subs of plain expressions only: SymPy compares Subs(Derivative(e, θ), (θ, ψ), (0, 0)) and
    # Subs(Derivative(e, ψ), (θ, ψ), (0, 0)) as equal, which would let one entry's verdict stand for another's.
    at_origin = general.applyfunc(lambda e: sp.Subs(e, (theta, psi), (0, 0)))
    parts: tuple[tuple[str, Relation], ...] = (
        ("Jacobian at (0, 0)", Equal(at_equilibrium, jacobian)),
        ("characteristic polynomial", Equal(characteristic, (lam - plus) * (lam - minus))),
        ("γ = 0: ±i f'(0)", Equal(plus.subs(gamma, 0), unregularised)),
        ("γ > 0: sum of the eigenvalues negative", Less(plus + minus, 0)),
        ("product of the eigenvalues", Equal(plus * minus, A**2)),
    )
    steps = (
        Step(Equal(v, sp.Matrix([-psi * f_prime(psi * theta), theta * f_prime(psi * theta) - gamma * psi])),
             "G descends and D ascends L = f(ψθ) + f(0) (chain rule); R1's gradient γψ is subtracted from D's step"),
        Step(Equal(sp.Matrix(2, 2, lambda i, j: sp.Derivative(v.doit()[i], (theta, psi)[j])), general),
             "differentiating v in (θ, ψ) by the product and chain rules leaves a factor θ or ψ on every f'' term"),
        Step(Equal(at_origin, jacobian), "at the equilibrium (0, 0) those terms vanish: only f'(0) and γ remain"),
        Step(Equal(characteristic, lam**2 + gamma * lam + A**2),
             "expanding the 2×2 determinant: det(λI - J) = λ(λ + γ) + f'(0)²"),
        Step(Equal(lam**2 + gamma * lam + A**2, (lam - plus) * (lam - minus)),
             "by the quadratic formula the roots are λ± = -γ/2 ± √(γ²/4 - f'(0)²)"),
        Step(Equal(plus.subs(gamma, 0), unregularised),
             "without R1 the radicand is -f'(0)²: λ± = ±i f'(0), purely imaginary (no damping)"),
        Step(Equal(theta * v[0] + psi * v[1].subs(gamma, 0), 0),
             "without R1, v ⊥ (θ, ψ): each gradient step u + hv grows ‖u‖² by h²‖v‖², spiralling out"),
        Step(Less(sp.Add(plus, minus, evaluate=False), 0), "with R1 (γ > 0) the roots sum to -γ < 0"),
        Step(Equal(plus * minus, A**2),
             "their product is f'(0)² > 0, so (with the negative sum) both real parts are negative: the equilibrium attracts"),
        Step(Equal(sp.Derivative(F_STANDARD, u), 1 / (1 + sp.exp(u))),
             "for the standard GAN, f(t) = -log(1 + exp(-t)) has f'(t) = 1/(1 + exp(t)), so f'(0) = ½ and λ± = ±i/2"),
    )
    return Derivation(
        claim=All(parts),
        statement="Dirac-GAN, L(θ, ψ) = f(ψθ) + f(0) with R1 weight γ: the Jacobian of (-∂_θL, ∂_ψL - γψ) at (0, 0) "
                  "is [[0, -f'(0)], [f'(0), -γ]], with eigenvalues -γ/2 ± √(γ²/4 - f'(0)²); at γ = 0 these are "
                  "±i f'(0), and for γ > 0 their sum is -γ < 0 and their product f'(0)² > 0",
        domain=DOMAIN,
        steps=steps,
        display_claim=r"J(0, 0) = \begin{pmatrix} 0 & -f'(0) \\ f'(0) & -\gamma \end{pmatrix}, \qquad "
                      r"\lambda_\pm = -\frac{\gamma}{2} \pm \sqrt{\frac{\gamma^2}{4} - f'(0)^2} "
                      r"\;\;(= \pm i f'(0) \text{ at } \gamma = 0)",
    )


def mutants() -> dict[str, Derivation]:
    """Wrong fields, Jacobians and eigenvalues the engine must refute."""
    return {
        "-γ ± √(γ²/4 - f'(0)²): the ½ of -γ/2 dropped": derivation(roots=eigenvalues(half=sp.Integer(1))),
        "√(γ² - f'(0)²) under the root: γ² not divided by 4": derivation(
            roots=eigenvalues(radicand=gamma**2 - A**2)),
        "eigenvalues ±i at γ = 0 whatever f'(0) is": derivation(unregularised=sp.I),
        "R1 penalty ascended (+γψ): the Jacobian's -γ becomes +γ": derivation(r1_sign=1),
        "Jacobian with f'(0) and -f'(0) swapped": derivation(jacobian=sp.Matrix([[0, A], [-A, -gamma]])),
    }
