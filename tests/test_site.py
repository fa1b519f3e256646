"""The documentation site: every result has a page, the mathematics is MathML (never raw LaTeX),
every internal link resolves and nothing is fetched from the network.

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

from genverify.cli import main
from genverify.registry import RESULTS
from genverify.site import _claim_math, math

#: LaTeX that must never reach a reader: a command (``\frac``, ``\bar``) or display dollars.
RAW_LATEX = re.compile(r"\\[A-Za-z]+|\$\$")

# The grading guide quotes what students type (``\bar\alpha_t``) in code blocks on purpose;
# every other page must show none.
MATH_PAGES = ("index.html", "figures.html", "notation.html", "audit.html")


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
        if tag in ("style", "script", "title", "head"):
            self._hidden += 1
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.links.append((tag, name, attrs[name]))
        if "id" in attrs:
            self.ids.add(attrs["id"])

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title", "head"):
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
        for part in ("Claim", "Assumptions", "Derivation", "Monte Carlo cross-checks", "Broken variants",
                     "References"):
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
        assert "<script" not in source, page.name
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
    """Whether the page's Claim section opens with a status badge followed by every conjunct of
    the formal claim (its label and its MathML), in order, before the claim in words."""
    start = page.find('<section id="claim">')
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
    return "In words:" in section[position:]


def test_every_page_shows_the_formal_claim_beside_its_status(site):
    for result in RESULTS:
        claim = _claim_math(result.derivation().claim)
        page = (site / "results" / f"{result.id}.html").read_text(encoding="utf-8")
        assert claim_beside_status(page, claim), result.id
        assert str(escape(result.scope)) in page, f"{result.id}: scope of the check missing"


def test_the_index_shows_each_formal_claim_with_its_status(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    rows = index.split("<tr>")[2:]
    assert len(rows) == len(RESULTS)
    for result, row in zip(RESULTS, rows):
        assert result.id in row
        for _, formula in _claim_math(result.derivation().claim):
            assert str(formula) in row, f"{result.id}: a conjunct of the formal claim is missing from the index"


def test_the_claim_check_fails_on_a_page_without_the_formal_claim(site):
    result = RESULTS[0]
    claim = _claim_math(result.derivation().claim)
    page = (site / "results" / f"{result.id}.html").read_text(encoding="utf-8")
    assert claim_beside_status(page, claim)
    assert not claim_beside_status(page.replace(str(claim[-1][1]), "", 1), claim)
    status = '<p class="status-line"><span class="badge proved">'
    assert status in page
    assert not claim_beside_status(page.replace(status, '<p class="status-line"><span>'), claim)
