"""The documentation site: every result has a page a student can learn from (the claim as a person
writes it, the readable derivation, what exactly was checked folded, labelled Monte Carlo tables,
exercises from the broken variants, previous/next links and contents), the mathematics is MathML
carrying its TeX (never raw LaTeX), every internal link resolves and nothing is fetched from the
network.

The site is built once (without figures, through ``genverify docs``); the browser test
(``test_site_browser.py``) loads the same kind of build in Chromium."""

from __future__ import annotations

import contextlib
import html
import io
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from markupsafe import escape

import numpy as np
import sympy as sp

from genverify.cli import main
from genverify.derivations.engine import Derivation, Domain, Equal, Step
from genverify.numeric.crosschecks import CHECKS, Outcome
from genverify.pages import (claim_math, crosscheck_table, display_lines, domain_summary, exercise, math,
                             readable_steps, refute)
from genverify.registry import RESULTS

#: LaTeX that must never reach a reader: a command (``\frac``, ``\bar``) or display dollars.
RAW_LATEX = re.compile(r"\\[A-Za-z]+|\$\$")

# The grading guide quotes what students type (``\bar\alpha_t``) in code blocks on purpose;
# every other page must show none.
MATH_PAGES = ("index.html", "figures.html", "notation.html", "audit.html")


#: Elements whose text a reader does not see: a formula's TeX annotation is for copying.
HIDDEN = ("style", "script", "title", "head", "annotation")


class _Links(HTMLParser):
    """Every ``href``/``src`` (with its tag), every ``id``, and the visible text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in HIDDEN:
            self._hidden += 1
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.links.append((tag, name, attrs[name]))
        if "id" in attrs:
            self.ids.add(attrs["id"])

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def visible_text(path: Path) -> str:
    return html.unescape(" ".join(parse(path).text))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        assert main(["docs", "--out", str(out), "--skip-figures"]) == 0
    index = Path(stdout.getvalue().strip())
    assert index == out / "index.html" and index.is_file(), "genverify docs prints the index path"
    return out


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_index_lists_every_result_with_a_status(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    text = visible_text(site / "index.html")
    for result in RESULTS:
        assert f'href="results/{result.id}.html"' in index, result.id
        assert result.title in text, result.id
    statuses = re.findall(r'class="badge (proved|cross-checked|failing)"', index)
    assert len(statuses) >= len(RESULTS)
    assert "0.1.0" in text or "genverify " in text


def test_every_result_has_its_page(site):
    for result in RESULTS:
        page = site / "results" / f"{result.id}.html"
        assert page.is_file(), result.id
        text = visible_text(page)
        for part in ("Claim", "Assumptions", "Derivation", "What exactly was checked", "Monte Carlo cross-checks",
                     "Exercises: broken variants", "References", "On this page"):
            assert part in text, f"{result.id}: no {part} section"
        for ref in result.references:
            assert ref in text, f"{result.id}: reference {ref!r} missing"
        for check in result.crosschecks:
            assert check.name in text, f"{result.id}: cross-check {check.name} missing"
        refuted = len(result.mutants())
        assert f"{refuted} of {refuted} broken variants refuted" in text, result.id


@pytest.mark.parametrize("name", MATH_PAGES + tuple(f"results/{r.id}.html" for r in RESULTS))
def test_no_raw_latex_is_visible(site, name):
    text = visible_text(site / name)
    assert not RAW_LATEX.findall(text), f"{name}: raw LaTeX visible: {RAW_LATEX.findall(text)[:5]}"


def test_the_raw_latex_check_can_fail(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(r"<p>x = \frac{a}{b}</p><p>$$y$$</p>", encoding="utf-8")
    assert RAW_LATEX.findall(visible_text(page)) == [r"\frac", "$$", "$$"]


def test_math_is_mathml(site):
    for name in ("notation.html", "audit.html", *(f"results/{r.id}.html" for r in RESULTS)):
        assert "<math" in (site / name).read_text(encoding="utf-8"), name


def test_an_unconvertible_formula_falls_back_to_plain_text():
    assert "<math" in math(r"\frac{a}{b}", "a/b")
    for tex in (r"\notacommand{x}", r"\frac{a}{"):
        rendered = str(math(tex, "x plain"))
        assert "x plain" in rendered and "\\" not in rendered


def test_every_internal_link_resolves(site):
    for page in pages(site):
        for tag, attr, target in parse(page).links:
            url = urlsplit(target)
            if url.scheme or target.startswith("//"):
                continue
            path = (page.parent / url.path).resolve() if url.path else page
            assert path.is_file(), f"{page.relative_to(site)}: <{tag} {attr}={target!r}> does not resolve"
            if url.fragment and path.suffix == ".html":
                assert url.fragment in parse(path).ids, f"{page.relative_to(site)}: no #{url.fragment} in {path.name}"


def test_nothing_is_fetched_from_the_network(site):
    for page in pages(site):
        source = page.read_text(encoding="utf-8")
        # One inline script (copy TeX); none loaded from anywhere.
        assert not re.search(r"<script[^>]*\bsrc=", source), page.name
        assert not re.search(r"\b(fetch|XMLHttpRequest|import)\s*\(", source), page.name
        for tag, attr, target in parse(page).links:
            if tag in ("script", "link", "img", "source", "iframe") or attr == "src":
                assert not re.match(r"(https?:)?//", target), f"{page.name}: <{tag} {attr}={target!r}>"
    assert "@import" not in (site / "style.css").read_text(encoding="utf-8")
    assert "url(" not in (site / "style.css").read_text(encoding="utf-8")


def test_audit_page_shows_the_homework_errors(site):
    text = visible_text(site / "audit.html")
    assert "incorrect" in text and "correct" in text
    elbo = visible_text(site / "results" / "diffusion.elbo.html")
    assert "The homework solution" in elbo and "incorrect" in elbo


def test_docs_without_the_out_option_is_a_usage_error(capsys):
    assert main(["docs"]) == 2
    assert "--out" in capsys.readouterr().err


def claim_beside_status(page: str, claim: list) -> bool:
    """Whether the page's "What exactly was checked" section opens with a status badge followed by
    every conjunct of the formal claim (its label and its MathML), in order."""
    start = page.find('<section id="checked">')
    section = page[start:page.find("</section>", start)] if start >= 0 else ""
    badge = re.search(r'class="badge (proved|cross-checked|failing)"', section)
    if not badge:
        return False
    position = badge.end()
    for label, formula in claim:
        found = section.find(str(formula), position)
        if found < 0 or (label and str(escape(label)) not in section[position:found]):
            return False
        position = found + len(str(formula))
    return True


def test_every_page_shows_the_formal_claim_beside_its_status(site):
    for result in RESULTS:
        derivation = result.derivation()
        claim = claim_math(derivation.claim)
        page = (site / "results" / f"{result.id}.html").read_text(encoding="utf-8")
        assert claim_beside_status(page, claim), result.id
        assert str(escape(result.scope)) in page, f"{result.id}: scope of the check missing"
        assert f"In words:</strong> {escape(derivation.statement)}" in page, result.id


def test_the_index_shows_each_formal_claim_with_its_status(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    rows = index.split("<tr>")[2:]
    assert len(rows) == len(RESULTS)
    for result, row in zip(RESULTS, rows):
        assert result.id in row
        for _, formula in claim_math(result.derivation().claim):
            assert str(formula) in row, f"{result.id}: a conjunct of the formal claim is missing from the index"


def test_the_claim_check_fails_on_a_page_without_the_formal_claim(site):
    result = RESULTS[0]
    claim = claim_math(result.derivation().claim)
    page = (site / "results" / f"{result.id}.html").read_text(encoding="utf-8")
    assert claim_beside_status(page, claim)
    assert not claim_beside_status(page.replace(str(claim[-1][1]), "", 1), claim)
    status = '<span class="status-line"><span class="badge proved">'
    assert status in page
    assert not claim_beside_status(page.replace(status, '<span class="status-line"><span>'), claim)


# --- the claim as a person writes it, and the derivation a student reads ---------------------------


def test_the_posterior_claim_states_the_mean_and_the_variance(site):
    page = (site / "results" / "diffusion.posterior.html").read_text(encoding="utf-8")
    claim = page[page.find('<section id="claim">'):page.find('<section id="derivation">')]
    tex = " ".join(html.unescape(t) for t in re.findall(r'<annotation encoding="application/x-tex">(.*?)</annotation>',
                                                        claim))
    assert r"\tilde\mu_t =" in tex and r"\tilde\sigma_t^2 =" in tex


def test_every_result_has_a_claim_as_a_person_writes_it(site):
    # The homework's results all have one; a new record may leave it empty (then the formal claim is shown).
    homework = {"1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5"}
    for result in RESULTS:
        derivation = result.derivation()
        if not derivation.display_claim:
            assert result.section not in homework, result.id
            continue
        page = (site / "results" / f"{result.id}.html").read_text(encoding="utf-8")
        for line in display_lines(derivation.display_claim):
            shown = math(line, derivation.statement, display=True)
            assert "<math" in shown, f"{result.id}: the display claim does not convert to MathML"
            assert str(shown) in page, result.id


def test_a_displayed_claim_is_cut_at_its_top_level_quads_only():
    assert display_lines(r"a = b, \quad c = \frac{d}{e \quad f} \quad \text{when } g") == [
        "a = b", r"c = \frac{d}{e \quad f}", r"\text{when } g"]
    assert display_lines(r"a \quadratic b") == [r"a \quadratic b"]


def test_sizes_of_fractions_and_delimiters_convert():
    shown = str(math(r"\tfrac12 \bigl\|a\bigr\|^2 \qquad b", "plain", display=True))
    assert "<math" in shown and r"\tfrac12 \bigl\|a\bigr\|^2 \qquad b" in html.unescape(shown)


def test_no_step_shows_raw_sympy_ordering():
    """The issue's example: (x_{t−1} − √β̄_{t−1} x_0)²/(2(1 − β̄_{t−1})), not (−x_0√β̄ + x_{t−1})²/(2 − 2β̄)."""
    posterior = next(r for r in RESULTS if r.id == "diffusion.posterior").derivation()
    shown = " ".join(str(s["formula"]) for s in readable_steps(posterior)[0])
    tex = " ".join(html.unescape(t) for t in re.findall(r'data-tex="(.*?)"', shown))
    square = r"\left(x_{t-1} - \sqrt{\bar{\beta}_{t - 1}} x_{0}\right)^{2}"
    assert square + r"}{2 \left(1 - \bar{\beta}_{t - 1}\right)}" in tex
    assert "2 - 2" not in tex and r"- x_{0} \sqrt" not in tex


x = sp.Symbol("x", real=True)
REALS = Domain(intervals={x: (-sp.oo, sp.oo)})
SQUARE = ((x + 1) ** 2, x**2 + 2 * x + 1)


def _square(wrong_step: bool = False) -> Derivation:
    """(x + 1)² = x² + 2x + 1 in three steps, the second only restating the first."""
    first = Equal(SQUARE[0], x**2 + 2 * x + (2 if wrong_step else 1))
    steps = (Step(first, "expand"), Step(first, "the same again"), Step(Equal(SQUARE[1], x * (x + 2) + 1), "factor x"))
    return Derivation(Equal(*SQUARE), "square", REALS, steps)


def test_a_step_that_only_restates_the_last_is_not_shown_but_its_reason_is_kept():
    steps, numbers = readable_steps(_square())
    assert [s["number"] for s in steps] == [1, 2] and numbers == {0: 1, 2: 2}
    assert steps[0]["why"] == "expand; the same again"
    trivial = Derivation(Equal(x, x), "x", REALS, (Step(Equal(x + 1, x + 1), "nothing"), Step(Equal(x, x + 0), "zero")))
    assert len(readable_steps(trivial)[0]) == 1


def test_an_exercise_names_the_wrong_step_as_shown():
    proved, broken = _square(), _square(wrong_step=True)
    refutation = refute(broken, proved, np.random.default_rng(0))
    item = exercise("2 for 1 in the constant term", broken, refutation)
    assert refutation["refuted"] and refutation["index"] == 0
    assert item["answer"] == "step 1" and item["name"] == "2 for 1 in the constant term"
    claim_only = Derivation(Equal(SQUARE[0], x**2 + 1), "square", REALS, proved.steps)
    answer = exercise("claim", claim_only, refute(claim_only, proved, np.random.default_rng(0)))["answer"]
    assert answer == "the conclusion"


def test_every_result_page_has_one_exercise_per_broken_variant_with_its_answer_folded(site):
    for result in RESULTS:
        page = (site / "results" / f"{result.id}.html").read_text(encoding="utf-8")
        section = page[page.find('<section id="mutants">'):]
        section = section[:section.find("</section>")]
        mutants = result.mutants()
        assert section.count('<details class="exercise"') == len(mutants), result.id
        assert section.count('<details class="answer">') == len(mutants), result.id
        for name in mutants:
            assert f"— {escape(name)}." in section, f"{result.id}: the answer to {name!r} is missing"
        assert "Which step is wrong, and why?" in section


# --- Monte Carlo tables, assumptions, navigation, TeX -----------------------------------------------


def test_every_monte_carlo_row_is_labelled(site):
    for check in CHECKS:
        if not check.labels:
            continue
        page = visible_text(site / "results" / f"{check.result_id}.html")
        assert check.simulates in page, check.name
        for label in check.labels:
            assert label in page, f"{check.name}: row {label!r} missing"


def test_a_check_without_labels_gets_numbered_rows_and_its_docstring():
    def run(impl, rng, n):
        """Draws of something.  More detail."""

    bare = type("Bare", (), {"name": "bare", "run": staticmethod(run), "labels": (), "simulates": ""})()
    table = crosscheck_table(bare, Outcome(np.zeros(3), np.ones(3), np.zeros(3), 10))
    assert [r["label"] for r in table.rows] == ["coordinate 1", "coordinate 2", "coordinate 3"]
    assert table.simulates == "Draws of something."
    wrong_count = type("Wrong", (), {"name": "w", "run": staticmethod(run), "labels": ("one",), "simulates": "x"})()
    rows = crosscheck_table(wrong_count, Outcome(np.zeros(2), np.ones(2), np.zeros(2), 10)).rows
    assert rows[0]["label"] == "coordinate 1"


def test_the_domain_is_summarised_in_a_few_lines():
    elbo = next(r for r in RESULTS if r.id == "diffusion.elbo").derivation().domain
    items = len(elbo.intervals) + len(elbo.integers) + len(elbo.definitions) + bool(elbo.binary)
    lines = domain_summary(elbo)
    assert items > 20 and len(lines) <= 8, (items, len(lines))


def test_previous_and_next_links_follow_the_registry(site):
    for i, result in enumerate(RESULTS):
        links = [target for tag, _, target in parse(site / "results" / f"{result.id}.html").links if tag == "a"]
        if i:
            assert f"../results/{RESULTS[i - 1].id}.html" in links, result.id
        if i + 1 < len(RESULTS):
            assert f"../results/{RESULTS[i + 1].id}.html" in links, result.id


def test_every_formula_carries_its_tex(site):
    for name in ("notation.html", "audit.html", *(f"results/{r.id}.html" for r in RESULTS)):
        source = (site / name).read_text(encoding="utf-8")
        formulas = source.count("<math")
        assert formulas and source.count('<annotation encoding="application/x-tex">') == formulas, name
    rendered = str(math(r"\frac{a}{b}", "a/b", display=True))
    assert r'<annotation encoding="application/x-tex">\frac{a}{b}</annotation>' in rendered
    assert r'data-tex="\frac{a}{b}"' in rendered
