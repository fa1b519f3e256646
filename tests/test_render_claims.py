"""Every "proved" shows what was proved: the formal claim beside the status, in ``show``,
``check`` (table and ``--json``) and on the site (``test_site.py`` checks the pages).

A status printed next to an English sentence alone would let the sentence say more than the
engine checked; these tests find each conjunct of the formal claim next to the status.
"""

from __future__ import annotations

import json

import pytest
import sympy as sp

from genverify.cli import main
from genverify.commands.results import CLAIM_WIDTH
from genverify.derivations.engine import All, ArgMax, Equal, Induction, Less
from genverify.registry import BY_ID
from genverify.render import claim_lines, claim_parts, claim_summary, latex, plain

x, y = sp.symbols("x y", positive=True)
NESTED = All((("outer", All((("first", Equal(x + x, 2 * x)), ("second", Less(0, x))))), ("last", Less(x, x + y))))


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def status_beside_claim(out: str, lines: list[str]) -> bool:
    """Whether the ``status:`` line is followed, with only the heading between, by every line of
    the formal claim in order."""
    text = out.splitlines()
    starts = [i for i, line in enumerate(text) if line.startswith("status: ")]
    if len(starts) != 1:
        return False
    block = [line.strip() for line in text[starts[0] + 2: starts[0] + 2 + len(lines)]]
    return text[starts[0] + 1].startswith("formal claim") and block == lines


def test_claim_parts_name_every_conjunct_of_nested_conjunctions():
    labels = [label for label, _ in claim_parts(NESTED)]
    assert labels == ["outer › first", "outer › second", "last"]
    assert claim_lines(NESTED) == ["outer › first: 2*x = 2*x", "outer › second: 0 < x", "last: x < x + y"]
    assert claim_parts(Less(0, x)) == [("", "0 < x")]


def test_claim_summary_is_whole_when_it_fits_and_says_when_it_is_cut():
    assert claim_summary(NESTED, 200) == "; ".join(claim_lines(NESTED))
    cut = claim_summary(NESTED, 40)
    assert len(cut) <= 40 and cut == "outer › first: 2*x = 2*x … (+2 parts)"
    long_single = Equal(sum(sp.symbols("a0:40")), 0)
    cut = claim_summary(long_single, 30)
    assert len(cut) <= 30 and cut.endswith(" …") and cut[:-2] in claim_lines(long_single)[0]


@pytest.mark.parametrize("result_id", ["gan.optimal_discriminator", "diffusion.forward_marginal"])
def test_show_prints_the_formal_claim_beside_the_status(capsys, result_id):
    code, out, _ = run(capsys, "show", result_id)
    assert code == 0
    derivation = BY_ID[result_id].derivation()
    assert out.splitlines()[1].startswith("status: proved")
    assert status_beside_claim(out, claim_lines(derivation.claim)), out
    assert f"in words: {derivation.statement}" in out
    assert f"scope of the check: {BY_ID[result_id].scope}" in out


def test_the_beside_check_fails_without_the_formal_claim():
    """The check above rejects the old layout (status, then the English statement only) and a
    formal claim with a conjunct missing."""
    lines = claim_lines(NESTED)
    good = "\n".join(["title", "status: proved (0.1 s)", "formal claim:", *(f"  {line}" for line in lines)])
    assert status_beside_claim(good, lines)
    assert not status_beside_claim("title\nstatus: proved (0.1 s)\nclaim: x doubled is 2x", lines)
    assert not status_beside_claim("\n".join(good.splitlines()[:-1]), lines)



def test_claim_summary_states_an_induction_or_argmax_as_what_its_parts_prove_together():
    """The check table shows what an induction's or argmax's parts prove together, not the first
    part alone (``x_0 = x_0`` was the forward marginal's whole row); ``show`` and JSON keep every part."""
    n, acc, k = sp.Symbol("n", integer=True, positive=True), sp.Symbol("acc"), sp.Symbol("k")
    doubling = Induction(sp.Lambda(k, 2**k), sp.Lambda((acc, k), 2 * acc), sp.Integer(1), n)
    claim = All((("doubling", doubling), ("positive", Less(0, x))))
    assert claim_summary(claim, 200) == "doubling: a_n = 2**n solves a_n = 2*a_{n-1} (n ≥ 1), a_0 = 1; positive: 0 < x"
    assert [label for label, _ in claim_parts(claim)] == [
        "doubling › base case", "doubling › step at n = 1", "doubling › step for n ≥ 2", "positive"]
    minimum = ArgMax(x - sp.log(x), x, 1, (0, sp.oo), sense="min")
    assert claim_summary(minimum, 200) == "the unique argmin of x - log(x) over x ∈ (0, ∞) is 1"
    assert [label for label, _ in claim_parts(minimum)] == ["lower end below the value", "stationary point", "convex"]
    forward = claim_summary(BY_ID["diffusion.forward_marginal"].derivation().claim, CLAIM_WIDTH)
    assert forward.startswith("mean: a_t = x_0*sqrt(β̄_t) solves a_t = a_{t-1}*sqrt(1 - β_t) (t ≥ 1), a_0 = x_0")

def test_check_table_and_json_carry_the_formal_claim(capsys):
    result_id = "gan.optimal_discriminator"
    claim = BY_ID[result_id].derivation().claim
    code, out, _ = run(capsys, "check", "--profile", "quick", result_id)
    assert code == 0
    header, row = out.splitlines()[:2]
    assert "formal claim" in header and row.startswith(result_id) and "proved" in row
    assert row.endswith(claim_summary(claim, CLAIM_WIDTH))
    if "…" in row:
        assert "genverify show RESULT_ID" in out, "a cut claim must say where to read it whole"
    code, out, _ = run(capsys, "check", "--json", "--profile", "quick", result_id)
    (doc,) = json.loads(out)["results"]
    assert doc["status"] == "proved"
    assert [(p["label"], p["formula"]) for p in doc["formal_claim"]] == claim_parts(claim)
    assert doc["statement"] and doc["scope"] == BY_ID[result_id].scope


# --- conventional notation ----------------------------------------------------------------------

b = sp.Symbol("b", positive=True)
x_0, x_1 = sp.symbols("x_0 x_1", real=True)


@pytest.mark.parametrize("expr, expected", [
    # The example: positive term first, coefficient before the variable, 2 taken out of 2 - 2b.
    (-(x_1 - sp.sqrt(b) * x_0) ** 2 / (2 - 2 * b),
     r"- \frac{\left(x_{1} - \sqrt{b} x_{0}\right)^{2}}{2 \left(1 - b\right)}"),
    (-x_0 * sp.sqrt(b) + x_1, r"x_{1} - \sqrt{b} x_{0}"),
    (2 * x_1 - 2 * x_0, r"2 \left(x_{1} - x_{0}\right)"),
    ((1 - b) / b, r"\frac{1 - b}{b}"),
    (-b / 2, r"- \frac{b}{2}"),
])
def test_latex_is_written_as_a_textbook_writes_it(expr, expected):
    assert latex(expr) == expected



def test_plain_text_prints_matrices_and_substitutions_as_written():
    """Not SymPy's ``Matrix([...])`` and ``Subs(f, x, a)``, which the check table showed."""
    f = sp.Function("f")
    assert plain(sp.Matrix([[0, -x], [x, -y]])) == "[[0, -x], [x, -y]]"
    assert plain(sp.Matrix([x, y])) == "[x, y]ᵀ"
    assert plain(sp.Subs(f(x) + x, x, 2 * y)) == "(x + f(x))|_{x = 2*y}"
    assert plain(sp.Subs(f(x, y), (x, y), (0, 1))) == "(f(x, y))|_{x = 0, y = 1}"


def test_plain_text_brackets_a_derivative_inside_a_product_quotient_or_power():
    """``∂f/∂x`` is a quotient: ``(1 - β̄_t)*∂m/∂x_t**2`` printed the square of x_t."""
    f = sp.Function("f")
    d = sp.Derivative(f(x), x)
    assert plain(d**2) == "(∂f(x)/∂x)**2"
    assert plain(y / d) == "y/(∂f(x)/∂x)"
    assert plain(y * d) == "y*(∂f(x)/∂x)"
    assert plain(d + 1) == "∂f(x)/∂x + 1"
