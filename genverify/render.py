"""Plain-text and LaTeX renderings of relations, derivations and reports.

Derivations hold SymPy objects; this module is the only place that turns them into text.
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

from genverify.derivations.engine import (PROVED, All, ArgMax, Derivation, Domain, Equal, Induction, Less, LimitIs,
                                          Relation, Report, UniqueRoot)


class PlainPrinter(StrPrinter):
    """SymPy's ``str`` with vectors as ``[a, b]ᵀ``, matrices as ``[[a, b], [c, d]]``, derivatives
    as ``∂f/∂x`` and substitutions as ``(f)|_{x = a}``."""

    def _print_MatrixBase(self, expr):
        if expr.cols == 1:
            return "[" + ", ".join(self._print(e) for e in expr) + "]ᵀ"
        rows = ("[" + ", ".join(self._print(e) for e in expr.row(i)) + "]" for i in range(expr.rows))
        return "[" + ", ".join(rows) + "]"

    def _print_Subs(self, expr):
        inner, old, new = expr.args
        at = ", ".join(f"{self._print(o)} = {self._print(n)}" for o, n in zip(old, new))
        return f"({self._print(inner)})|_{{{at}}}"

    _print_MutableDenseMatrix = _print_ImmutableDenseMatrix = _print_MatrixBase

    # "∂f/∂x" is itself a quotient: inside a product, quotient or power it needs parentheses, or
    # "-∂f/∂θ/(1 + e^u)" and "∂f/∂x**2" would read as something else.
    def parenthesize(self, item, level, strict=False):
        if isinstance(item, sp.Derivative) and level >= PRECEDENCE["Mul"]:
            return f"({self._print(item)})"
        return super().parenthesize(item, level, strict)

    def _print_Mul(self, expr):
        # StrPrinter brackets a negative product's factors at the precedence of a sum: print the
        # positive product (whose factors it brackets at a product's) after the sign.
        if expr.could_extract_minus_sign() and any(isinstance(getattr(a, "base", a), sp.Derivative) for a in expr.args):
            return "-" + self._print(-expr)
        return super()._print_Mul(expr)

    def _print_Derivative(self, expr):
        order = sum(n for _, n in expr.variable_count)
        power = {1: "", 2: "²", 3: "³"}
        top = "∂" + power.get(order, f"^{order}")
        variables = "".join(f"∂{self._print(v)}" + power.get(n, f"^{n}") for v, n in expr.variable_count)
        inner = self._print(expr.expr)
        if not (expr.expr.is_Atom or expr.expr.is_Function):
            inner = f"({inner})"
        return f"{top}{inner}/{variables}"


#: LaTeX for the symbols whose names are not LaTeX already.
LATEX_NAMES = {
    "p_r(x)": "p_r(x)", "p_g(x)": "p_g(x)", "θ": r"\theta", "ε": r"\varepsilon", "σ²": r"\sigma^2",
    "σ_q(t)²": r"\sigma_q(t)^2", "x̂_θ(x_t)": r"\hat{x}_\theta(x_t)", "‖∇_x D‖": r"\|\nabla_x D\|",
    "∂f/∂θ": r"\partial f/\partial\theta", "μ_1": r"\mu_1", "μ_2": r"\mu_2", "β": r"\beta",
    "x_{t-1}": "x_{t-1}", "x_known_1": r"x^{\mathrm{known}}_1", "x_known_2": r"x^{\mathrm{known}}_2",
    "x_known_3": r"x^{\mathrm{known}}_3", "σ_1²": r"\sigma_1^2", "x̂_θ(x_1)": r"\hat{x}_\theta(x_1)",
}


def _memoised(render):
    """``render`` remembering its output per expression: the docs print the same steps again for
    every broken variant of a derivation (rebuilt, equal SymPy objects).  Printing is a pure
    function of the expression; an unhashable one (a mutable matrix) is printed every time.  The
    memo is emptied past 4096 entries, so a long-lived process does not grow with it."""
    memo: dict = {}

    def cached(expr) -> str:
        try:
            return memo[expr]
        except KeyError:
            if len(memo) >= 4096:
                memo.clear()
            memo[expr] = text = render(expr)
            return text
        except TypeError:
            return render(expr)

    cached.__doc__ = render.__doc__
    return cached


@_memoised
def plain(expr) -> str:
    return PlainPrinter().doprint(expr)


def _is_variable(expr) -> bool:
    """Whether ``expr`` involves a random variable or a network output (``x_0``, ``x_t``,
    ``x̂_θ``): conventional notation writes those after their coefficients."""
    return any(s.name.startswith(("x", "x̂")) for s in expr.free_symbols)


def _primitive(add: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """``(c, p)`` with ``add = c·p`` and ``c`` the integer content of its terms (1 when none)."""
    content, rest = add.primitive()
    if content.is_Integer and content > 1:
        return content, rest
    return sp.S.One, add


class ConventionalLatexPrinter(LatexPrinter):
    """SymPy's LaTeX written the way a textbook writes it: positive terms first
    (``x_{t-1} - \\sqrt{\\bar\\beta_{t-1}} x_0``, not ``-x_0 \\sqrt{…} + x_{t-1}``), coefficients before
    the variables they multiply, and a common integer factor taken out of a sum
    (``2(1 - \\bar\\beta_{t-1})``, not ``2 - 2\\bar\\beta_{t-1}``).  Only the printing changes; the
    expression checked by the engine is the same object."""

    def _print_Add(self, expr, order=None):
        content, rest = _primitive(expr)
        if content != 1:
            return rf"{self._print(content)} \left({self._print_Add(rest, order)}\right)"
        terms = self._as_ordered_terms(expr, order=order)
        # Stable: SymPy's order within the positive and within the negative terms.
        terms = [t for t in terms if not t.could_extract_minus_sign()] + \
                [t for t in terms if t.could_extract_minus_sign()]
        tex = ""
        for i, term in enumerate(terms):
            if term.could_extract_minus_sign():
                tex += " - " if i else "- "
                term = -term
            elif i:
                tex += " + "
            term_tex = self._print(term)
            if self._needs_add_brackets(term):
                term_tex = rf"\left({term_tex}\right)"
            tex += term_tex
        return tex

    def _print_Mul(self, expr):
        if not isinstance(expr, sp.Mul) or not expr.is_commutative:
            return super()._print_Mul(expr)
        coeff, factors = expr.as_coeff_mul()
        sign = ""
        if coeff.is_negative:
            sign, coeff = "- ", -coeff
        numer, denom = [], []
        for factor in factors:
            base, exp = factor.as_base_exp()
            if exp.is_Rational and exp.is_negative:
                denom.append(base if exp == -1 else sp.Pow(base, -exp))
            else:
                numer.append(factor)
        numer_coeff, denom_coeff = sp.S(coeff.p) if coeff.is_Rational else coeff, \
            sp.S(coeff.q) if coeff.is_Rational else sp.S.One
        numer, pulled = self._pull_contents(numer)
        numer_coeff *= pulled
        denom, pulled = self._pull_contents(denom)
        denom_coeff *= pulled
        top = self._product(numer_coeff, numer)
        if not denom and denom_coeff == 1:
            return sign + top
        return sign + rf"\frac{{{top}}}{{{self._product(denom_coeff, denom)}}}"

    @staticmethod
    def _pull_contents(factors: list) -> tuple[list, sp.Expr]:
        """The factors with each sum's integer content moved into one numeric factor."""
        out, pulled = [], sp.S.One
        for factor in factors:
            base, exp = factor.as_base_exp()
            if base.is_Add and exp.is_Integer and exp > 0:
                content, rest = _primitive(base)
                pulled *= content**exp
                factor = rest if exp == 1 else sp.Pow(rest, exp, evaluate=False)
            out.append(factor)
        return out, pulled

    def _product(self, coeff: sp.Expr, factors: list) -> str:
        # Numbers, then parameters, then variables; sums in parentheses.
        ordered = sorted(factors, key=lambda f: (_is_variable(f), f.is_Add))
        parts = [] if coeff == 1 and ordered else [self._print(coeff)]
        alone = len(parts) + len(ordered) == 1
        for factor in ordered:
            tex = self._print(factor)
            if not alone and (factor.is_Add or (factor.is_Mul and factor.could_extract_minus_sign())):
                tex = rf"\left({tex}\right)"
            parts.append(tex)
        return " ".join(parts)


@_memoised
def latex(expr) -> str:
    names = {}
    for s in sp.sympify(expr).free_symbols:
        if s.name in LATEX_NAMES:
            names[s] = LATEX_NAMES[s.name]
        elif " " in s.name:
            # Descriptive names such as "log q(x_1|x_0) [T=3]" stay words, not run-together italics.
            names[s] = r"\text{" + s.name + "}"
    return ConventionalLatexPrinter({"symbol_names": names}).doprint(expr)


def relation(rel: Relation, fmt=plain) -> str:
    """One line stating ``rel``."""
    is_latex = fmt is latex
    if isinstance(rel, Equal):
        return f"{fmt(rel.lhs)} = {fmt(rel.rhs)}"
    if isinstance(rel, Less):
        op = ("<" if rel.strict else r"\le") if is_latex else ("<" if rel.strict else "≤")
        return f"{fmt(rel.lhs)} {op} {fmt(rel.rhs)}"
    if isinstance(rel, LimitIs):
        if is_latex:
            return rf"\lim_{{{fmt(rel.var)} \to {fmt(rel.point)}}} {fmt(rel.expr)} = {fmt(rel.value)}"
        return f"lim_{{{fmt(rel.var)} → {fmt(rel.point)}}} {fmt(rel.expr)} = {fmt(rel.value)}"
    if isinstance(rel, UniqueRoot):
        arrow = r"\iff" if is_latex else "⇔"
        return f"{fmt(rel.expr)} = 0 {arrow} {fmt(rel.var)} = {fmt(rel.value)}"
    if isinstance(rel, All):
        sep = r" \quad " if is_latex else "; "
        label = (lambda s: rf"\text{{{s}: }}") if is_latex else (lambda s: f"{s}: ")
        return sep.join(label(name) + relation(part, fmt) for name, part in rel.parts)
    raise TypeError(f"no rendering for {type(rel).__name__}")


def assumptions(domain: Domain, fmt=plain) -> list[str]:
    """The domain as lines a reader can check: intervals, binary atoms, definitions."""
    lines = []
    for atom, (lo, hi) in domain.intervals.items():
        lo, hi = sp.sympify(lo), sp.sympify(hi)
        if lo == -sp.oo and hi == sp.oo:
            lines.append(f"{fmt(atom)} real")
        elif hi == sp.oo:
            lines.append(f"{fmt(atom)} > {fmt(lo)}")
        else:
            lines.append(f"{fmt(lo)} < {fmt(atom)} < {fmt(hi)}")
    if domain.binary:
        lines.append(", ".join(fmt(a) for a in domain.binary) + " ∈ {0, 1}")
    for atom, (lo, hi) in domain.integers.items():
        lines.append(f"{fmt(atom)} integer, checked on {lo}..{hi}")
    for atom, value in domain.definitions.items():
        lines.append(f"{fmt(atom)} := {fmt(value)}")
    return lines


def claim_parts(rel: Relation, fmt=plain, label: str = "", compact: bool = False) -> list[tuple[str, str]]:
    """The formal claim as ``(label, formula)`` pairs, one per conjunct of nested ``All``s.

    Labels of nested conjunctions are joined with `` › ``, so every formula keeps the name
    of the part it belongs to; a lone relation has the empty label.  With ``compact`` (plain
    text only) an ``Induction`` or ``ArgMax`` is one pair stating what its parts check together
    (``induction``, ``argmax``).
    """
    if compact and isinstance(rel, Induction):
        return [(label, induction(rel))]
    if compact and isinstance(rel, ArgMax):
        return [(label, argmax(rel))]
    if isinstance(rel, All):
        return [part for name, sub in rel.parts
                for part in claim_parts(sub, fmt, f"{label} › {name}" if label else name, compact)]
    return [(label, relation(rel, fmt))]


def induction(rel: Induction) -> str:
    """``rel`` in one line of plain text: its closed form solves the recurrence from the base case
    on, which is what its base case and steps check together (``Induction``'s docstring)."""
    k, base = plain(rel.index), rel.base
    previous = sp.Symbol(f"a_{{{k}-1}}")
    solved = plain(rel.recurrence(previous, rel.index))
    return (f"a_{k} = {plain(rel.closed(rel.index))} solves a_{k} = {solved} ({k} ≥ {base + 1}), "
            f"a_{base} = {plain(rel.parts[0][1].rhs)}")


def argmax(rel: ArgMax) -> str:
    """``rel`` in one line of plain text: the unique maximiser (minimiser) over the interval, which
    its parts (inside the interval, the only stationary point, strict concavity) imply together."""
    lo, hi = ({sp.oo: "∞", -sp.oo: "-∞"}.get(end, plain(end)) for end in rel.interval)
    return f"the unique arg{rel.sense} of {plain(rel.f)} over {plain(rel.var)} ∈ ({lo}, {hi}) is {plain(rel.value)}"


def claim_lines(rel: Relation, fmt=plain, compact: bool = False) -> list[str]:
    """The formal claim, one conjunct a line (``label: formula``)."""
    return [f"{label}: {text}" if label else text for label, text in claim_parts(rel, fmt, "", compact)]


def claim_summary(rel: Relation, width: int) -> str:
    """The formal claim in at most ``width`` characters: whole when it fits, else the conjuncts
    that fit and ``… (+k parts)``, or one long conjunct cut at a space with ``…``; an induction
    or argmax is one conjunct.  A caller that shows a cut claim must say where to read it whole
    (``genverify show RESULT_ID``)."""
    # One line each: a matrix prints over several lines, which would break a table's row.
    lines = [" ".join(line.split()) for line in claim_lines(rel, compact=True)]
    whole = "; ".join(lines)
    if len(whole) <= width:
        return whole

    def more(rest: int) -> str:
        return f" … (+{rest} part{'s' if rest > 1 else ''})"

    shown = []
    for line in lines:
        if len("; ".join([*shown, line])) + len(more(len(lines) - len(shown) - 1)) > width:
            break
        shown.append(line)
    if shown:
        return "; ".join(shown) + more(len(lines) - len(shown))
    cut = lines[0][:width - 2]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + " …"


def derivation_text(result, derivation: Derivation, report: Report | None, fmt=plain) -> str:
    """The whole derivation: the status beside the formal claim it refers to, the English
    statement and its scope, then each step with its justification and status."""
    # Results beyond the homework have the section "—".
    where = f" (homework {result.section})" if result.section != "—" else ""
    out = [f"{result.id}: {result.title}{where}"]
    if report is not None:
        out.append(f"status: {report.status} ({report.seconds:.2f} s), for the formal claim below "
                   f"and each of its {len(derivation.steps)} steps")
    out.append(f'formal claim (what "{report.status if report else PROVED}" refers to):')
    out += [f"  {line}" for line in claim_lines(derivation.claim, fmt)]
    if report is not None:
        out.append("  " + verdict_line(report.claim))
    out.append(f"in words: {derivation.statement}")
    scope = getattr(result, "scope", "")
    if scope:
        out.append(f"scope of the check: {scope}")
    out.append("assumptions:")
    out += [f"  - {line}" for line in derivation.domain.hypotheses]
    out.append("  checked on: " + "; ".join(assumptions(derivation.domain, fmt)))
    out.append("steps:")
    for i, step in enumerate(derivation.steps, start=1):
        text = relation(step.relation, fmt)
        if step.chained and isinstance(step.relation, Equal):
            text = f"  = {fmt(step.relation.rhs)}"
        out.append(f"  {i}. {text}")
        out.append(f"       because {step.why}")
        if report is not None:
            out.append("       " + verdict_line(report.steps[i - 1].verdict))
    out.append("references: " + "; ".join(result.references))
    return "\n".join(out)


def verdict_line(verdict) -> str:
    line = f"[{verdict.status}] {verdict.method}"
    if verdict.counterexample:
        line += " — " + ", ".join(f"{k} = {v}" for k, v in verdict.counterexample.items())
    return line
