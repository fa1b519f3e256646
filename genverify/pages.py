"""What a result page of the site shows, computed from the registry: formulas as MathML that
carries its TeX, the derivation a student reads, the exercises made from the broken variants,
the Monte Carlo tables with every coordinate labelled, and the domain in a few lines.

``site`` builds the pages from these; nothing here writes files.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import sympy as sp
from latex2mathml.converter import convert as _latex_to_mathml
from markupsafe import Markup, escape

from genverify.derivations.engine import REFUTED, Derivation, Domain, Equal, Report
from genverify.numeric.crosschecks import K
from genverify.render import claim_parts, latex, plain, relation


#: TeX that latex2mathml does not know, rewritten before conversion (the annotation keeps the
#: author's TeX): sizes of fractions and delimiters only change typesetting, not the formula.
_TEX_ALIASES = ((r"\tfrac", r"\frac"), (r"\dfrac", r"\frac"), (r"\qquad", r"\quad"),
                *((rf"\{size}{side}", "") for size in ("big", "Big", "bigg", "Bigg") for side in ("l", "r", "m", "")))


def _convertible(tex: str) -> str:
    for command, replacement in _TEX_ALIASES:
        tex = re.sub(re.escape(command) + r"(?![A-Za-z])", lambda _: replacement, tex)
    return tex


@functools.lru_cache(maxsize=8192)
def math(tex: str, fallback: str, display: bool = False) -> Markup:
    """``tex`` as MathML carrying its TeX (``<annotation encoding="application/x-tex">``), or
    ``fallback`` (plain text) when the converter fails or leaves a LaTeX command behind
    (latex2mathml passes unknown commands through as ``<mi>\\cmd</mi>``).  A displayed formula
    also gets a button that copies its TeX (the site's one inline script; nothing is fetched)."""
    try:
        mathml = _latex_to_mathml(_convertible(tex), display="block" if display else "inline")
    except Exception:  # the converter raises assorted types on input it does not know
        mathml = None
    if mathml is None or "\\" in mathml:
        tag = "div" if display else "span"
        return Markup(f'<{tag} class="math-fallback">{escape(fallback)}</{tag}>')
    opening = mathml.index(">") + 1
    mathml = (f'{mathml[:opening]}<semantics><mrow>{mathml[opening:-len("</math>")]}</mrow>'
              f'<annotation encoding="application/x-tex">{escape(tex)}</annotation></semantics></math>')
    if display:
        # The formula scrolls on its own when wider than the page; the button stays in view.
        mathml = (f'<span class="formula">{mathml}</span>'
                  f'<button type="button" class="copy-tex" data-tex="{escape(tex)}" title="copy the TeX">TeX</button>')
    return Markup(mathml)


def relation_math(rel, display: bool = True) -> Markup:
    return math(relation(rel, latex), relation(rel, plain), display)


def claim_math(rel) -> list[tuple[str, Markup]]:
    """The formal claim as ``(label, MathML)`` per conjunct: one display formula each, so a long
    conjunction does not run off the page as one line."""
    return [(label, math(tex, text, display=True))
            for (label, tex), (_, text) in zip(claim_parts(rel, latex), claim_parts(rel, plain))]


def display_lines(tex: str) -> list[str]:
    """A displayed claim cut into lines at its top-level ``\\quad`` separators (a trailing comma
    dropped), so ``q = N(μ̃, σ̃²), \\quad μ̃ = …, \\quad σ̃² = …`` reads as three lines, not one
    line wider than the page."""
    lines, depth, start, i = [], 0, 0, 0
    while i < len(tex):
        if tex[i] == "{":
            depth += 1
        elif tex[i] == "}":
            depth -= 1
        elif depth == 0 and tex.startswith(r"\quad", i) and not tex[i + 5:i + 6].isalpha():
            lines.append(tex[start:i])
            start = i + len(r"\quad")
        i += 1
    lines.append(tex[start:])
    return [line.strip().removesuffix(",").strip() for line in lines if line.strip()]


# --- the derivation a student reads ----------------------------------------------------------


def restates(rel, previous) -> bool:
    """Whether a step only restates: an equality whose two sides print alike (SymPy evaluated
    the step's rewriting away, or it is ``0 = 0``), or the previous step's relation again."""
    if isinstance(rel, Equal) and latex(rel.lhs) == latex(rel.rhs):
        return True
    return previous is not None and relation(rel, latex) == relation(previous, latex)


def readable_steps(derivation: Derivation) -> tuple[list[dict], dict[int, int]]:
    """The steps a reader sees, each ``{"number", "formula", "why", "index"}``, and the map from
    the engine's step index (0-based) to the shown number.

    A step that only restates (:func:`restates`) is left out; its reason joins the shown step
    before it, so no sentence of the argument is lost.  The engine checks every step regardless."""
    shown: list[dict] = []
    numbers: dict[int, int] = {}
    previous = None
    for index, step in enumerate(derivation.steps):
        rel = step.relation
        if shown and restates(rel, previous):
            shown[-1]["why"] += f"; {step.why}"
            previous = rel
            continue
        if step.chained and isinstance(rel, Equal) and shown:
            formula = math("= " + latex(rel.rhs), "= " + plain(rel.rhs), display=True)
        else:
            formula = relation_math(rel)
        shown.append({"number": len(shown) + 1, "formula": formula, "why": step.why, "index": index})
        numbers[index] = len(shown)
        previous = rel
    return shown, numbers


def checked_steps(derivation: Derivation, report: Report, numbers: dict[int, int]) -> list[dict]:
    """Every step the engine checked, with its verdict and the number it is shown under (None
    for a step left out of the readable derivation)."""
    return [{"index": i + 1, "shown": numbers.get(i), "verdict": r.verdict, "seconds": r.seconds}
            for i, r in enumerate(report.steps)]


# --- exercises from the broken variants -------------------------------------------------------


def refute(mutant: Derivation, proved: Derivation, rng: np.random.Generator) -> dict:
    """Check a broken variant with the engine until something in it is refuted.

    A variant changes one or two relations of a proved derivation; relations it shares with
    that derivation (on the same domain) are already proved there, so only the changed ones
    are checked: refuting one of them is what makes the variant wrong.  ``index`` is the
    refuted step's 0-based index, or None for the claim."""
    same_domain = mutant.domain == proved.domain
    known = [s.relation for s in proved.steps] + [proved.claim] if same_domain else []
    candidates = [(i, s.relation) for i, s in enumerate(mutant.steps)]
    candidates.append((None, mutant.claim))
    for index, rel in candidates:
        if any(rel == k for k in known):
            continue
        verdict = rel.check(mutant.domain, rng)
        if verdict.status == REFUTED:
            where = "claim" if index is None else f"step {index + 1}"
            return {"refuted": True, "where": where, "index": index,
                    "formula": relation_math(rel, display=False), "verdict": verdict}
    return {"refuted": False, "where": None, "index": None, "formula": None, "verdict": None}


def exercise(name: str, mutant: Derivation, refutation: dict) -> dict:
    """"Which step is wrong, and why?" for one broken variant: its steps as a reader sees them,
    its conclusion, and the answer (the shown step the engine refutes, the variant's name as
    the reason, the engine's counterexample)."""
    steps, numbers = readable_steps(mutant)
    index = refutation["index"]
    answer = None
    if refutation["refuted"]:
        answer = "the conclusion" if index is None else f"step {numbers.get(index, index + 1)}"
    return {"name": name, "steps": steps, "conclusion": claim_math(mutant.claim), "answer": answer, **refutation}


# --- the Monte Carlo tables -------------------------------------------------------------------


@dataclass
class CheckTable:
    name: str
    simulates: str
    passed: bool
    max_abs_z: float
    n: int
    rows: list[dict]


def _format(value: float) -> str:
    return f"{value:.6g}"


def _first_sentence(text: str) -> str:
    """The first sentence of a docstring, without reST's double backquotes."""
    text = " ".join((text or "").replace("``", "").split())
    match = re.match(r"(.+?\.)(\s|$)", text)
    return match.group(1) if match else text


def crosscheck_table(check, outcome) -> CheckTable:
    """A check's rows, each labelled with the coordinate it is (``CrossCheck.labels``; a check
    without labels, or with the wrong number, gets ``coordinate i``)."""
    z = np.atleast_1d(np.asarray(outcome.z, dtype=float))
    shape = z.shape
    columns = [np.broadcast_to(np.asarray(v, dtype=float), shape).ravel()
               for v in (outcome.estimate, outcome.se, outcome.expected)]
    labels = tuple(getattr(check, "labels", ()) or ())
    if len(labels) != z.size:
        labels = tuple(f"coordinate {i}" for i in range(1, z.size + 1))
    rows = [{"label": label, "estimate": _format(e), "se": f"{s:.3g}", "expected": _format(x), "z": f"{zz:+.2f}",
             "ok": bool(abs(zz) <= K)} for label, e, s, x, zz in zip(labels, *columns, z.ravel())]
    simulates = getattr(check, "simulates", "") or _first_sentence(check.run.__doc__)
    return CheckTable(check.name, simulates, outcome.passed(K), outcome.max_abs_z, outcome.n, rows)


# --- the domain in a few lines ----------------------------------------------------------------


def _atoms(atoms: list, fmt) -> str:
    """``a, b, c`` or, past four, ``a, b, …, z (n quantities)``."""
    names = [fmt(a) for a in atoms]
    if len(names) <= 4:
        return ", ".join(names)
    dots = r"\ldots" if fmt is latex else "…"
    return f"{names[0]}, {names[1]}, {dots}, {names[-1]}"


def domain_summary(domain: Domain) -> list[Markup]:
    """The domain the engine checks on, one line per kind of quantity: atoms with the same
    interval together, the binary atoms, the integers, and the definitions counted."""
    groups: dict[tuple, list] = defaultdict(list)
    for atom, (lo, hi) in domain.intervals.items():
        groups[(sp.sympify(lo), sp.sympify(hi))].append(atom)
    lines = []
    for (lo, hi), atoms in groups.items():
        count = f" ({len(atoms)} quantities)" if len(atoms) > 4 else ""
        if lo == -sp.oo and hi == sp.oo:
            tex, text = rf"{_atoms(atoms, latex)} \in \mathbb{{R}}", f"{_atoms(atoms, plain)} real"
        elif hi == sp.oo:
            tex, text = rf"{_atoms(atoms, latex)} > {latex(lo)}", f"{_atoms(atoms, plain)} > {plain(lo)}"
        else:
            tex = rf"{_atoms(atoms, latex)} \in ({latex(lo)}, {latex(hi)})"
            text = f"{_atoms(atoms, plain)} in ({plain(lo)}, {plain(hi)})"
        lines.append(math(tex + (rf"\ \text{{{count}}}" if count else ""), text + count))
    if domain.binary:
        binary = list(domain.binary)
        lines.append(math(rf"{_atoms(binary, latex)} \in \{{0, 1\}}", f"{_atoms(binary, plain)} ∈ {{0, 1}}"))
    for atom, (lo, hi) in domain.integers.items():
        lines.append(math(rf"{latex(atom)} \in \{{{lo}, \ldots, {hi}\}}", f"{plain(atom)} ∈ {{{lo}, …, {hi}}}"))
    definitions = list(domain.definitions.items())
    for atom, value in definitions[:2]:
        lines.append(math(rf"{latex(atom)} \coloneqq {latex(value)}", f"{plain(atom)} := {plain(value)}"))
    if len(definitions) > 2:
        lines.append(Markup(escape(f"and {len(definitions) - 2} more definitions of the same kind")))
    return lines
