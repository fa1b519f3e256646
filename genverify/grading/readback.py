"""How the grader read an answer, rendered back to the student (LaTeX and plain text).

Moodle STACK shows "your answer was interpreted as"; PrairieLearn shows the parsed expression.
Every grade carries ``{"latex": ..., "text": ...}`` so a student can see, for example, that
``\\sigma_q^2(1-\\bar\\alpha_t)`` was read as a product and not as σ_q² evaluated at 1-ᾱ_t.
"""

from __future__ import annotations

import sympy as sp

from genverify.grading.functionals import DENSITIES

_LATEX_NAMES = {"x_known": r"x_{\mathrm{known}}", "s_θ(x)": r"s_\theta(x)", "x̂_θ(x_t)": r"\hat{x}_\theta(x_t)",
                DENSITIES[0].name: "p_r(x)", DENSITIES[1].name: "p_g(x)", "D": "D^*(x)"}


def read_as(expr: sp.Expr) -> dict[str, str]:
    """``expr`` as LaTeX and as plain text, with the course's names for its symbols."""
    names = {s: _LATEX_NAMES.get(s.name, s.name) for s in expr.free_symbols}
    return {"latex": sp.latex(expr, symbol_names=names), "text": sp.sstr(expr)}
