"""Functionals a student may write about the densities ``p_r`` and ``p_g``.

``∫ f dx``, ``E_{x∼p}[f]``, ``KL(p‖q)`` and ``JSD(p‖q)`` stay unevaluated SymPy functions of
*pointwise* expressions in the density symbols ``p_r(x)``, ``p_g(x)``.  The grader gives them
exact values on random discrete distributions (``evaluate_on_atoms``), where every integral is a
finite sum, so ``-log 4 + 2 JSD(p_r‖p_g)`` and ``∫ p_r log D* + p_g log(1-D*) dx`` can be
compared without a CAS proof of the integral identity.
"""

from __future__ import annotations

import sympy as sp

#: The density symbols, named as in ``derivations.gan_*`` so answers and proofs share them.
P_R = sp.Symbol("p_r(x)", positive=True)
P_G = sp.Symbol("p_g(x)", positive=True)
DENSITIES = (P_R, P_G)


class IntegralDx(sp.Function):
    """``∫ f(x) dx`` of a pointwise expression ``f`` in the densities."""

    nargs = 1

    def _sympystr(self, printer):
        return f"∫ {printer._print(self.args[0])} dx"

    def _latex(self, printer, exp=None):
        body = rf"\int {printer._print(self.args[0])} \, dx"
        return body if exp is None else rf"\left({body}\right)^{{{exp}}}"


class Expectation(sp.Function):
    """``E_{x∼p}[f(x)] = ∫ p(x) f(x) dx``; ``args = (p, f)``."""

    nargs = 2

    def _sympystr(self, printer):
        p, f = (printer._print(a) for a in self.args)
        return f"E_{{x∼{p}}}[{f}]"

    def _latex(self, printer, exp=None):
        p, f = (printer._print(a) for a in self.args)
        body = rf"\mathbb{{E}}_{{x \sim {p}}}\left[{f}\right]"
        return body if exp is None else rf"\left({body}\right)^{{{exp}}}"


class KLDivergence(sp.Function):
    """``KL(p‖q) = ∫ p log(p/q) dx``; ``args = (p, q)`` pointwise densities."""

    nargs = 2

    def _sympystr(self, printer):
        p, q = (printer._print(a) for a in self.args)
        return f"KL({p}‖{q})"

    def _latex(self, printer, exp=None):
        p, q = (printer._print(a) for a in self.args)
        body = rf"\mathrm{{KL}}\left({p} \,\middle\|\, {q}\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"


class JSDivergence(sp.Function):
    """``JSD(p‖q) = ½ KL(p‖m) + ½ KL(q‖m)``, ``m = (p+q)/2``; ``args = (p, q)``."""

    nargs = 2

    def _sympystr(self, printer):
        p, q = (printer._print(a) for a in self.args)
        return f"JSD({p}‖{q})"

    def _latex(self, printer, exp=None):
        p, q = (printer._print(a) for a in self.args)
        body = rf"\mathrm{{JSD}}\left({p} \,\middle\|\, {q}\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"


def _integral(f: sp.Expr, atoms: list[dict]) -> sp.Expr:
    return sp.Add(*(f.xreplace(atom) for atom in atoms))


def expand_functionals(expr: sp.Expr, atoms: list[dict]) -> sp.Expr:
    """``expr`` with every functional replaced by its finite sum over ``atoms``.

    ``atoms`` lists, for each atom of the discrete space, the values of the density symbols
    there (``{P_R: r_i, P_G: g_i}``).  Inner functionals are expanded first.
    """
    def expand(e):
        if not isinstance(e, sp.Basic) or e.is_Atom:
            return e
        args = [expand(a) for a in e.args]
        if isinstance(e, IntegralDx):
            return _integral(args[0], atoms)
        if isinstance(e, Expectation):
            return _integral(args[0] * args[1], atoms)
        if isinstance(e, KLDivergence):
            p, q = args
            return _integral(p * sp.log(p / q), atoms)
        if isinstance(e, JSDivergence):
            p, q = args
            m = (p + q) / 2
            return (_integral(p * sp.log(p / m), atoms) + _integral(q * sp.log(q / m), atoms)) / 2
        return e.func(*args) if args else e

    return expand(expr)
