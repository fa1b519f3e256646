"""The documentation site in a real browser: headless Chromium (Debian's ``/usr/bin/chromium``,
never a downloaded one) driven by Playwright loads every page over ``file://`` and checks what a
reader sees: no raw LaTeX, MathML laid out (folded parts opened first), every image decoded, every
link resolving, no console errors, and a formula's TeX button copying its TeX.  A screenshot of
every page goes to ``$GENVERIFY_ARTIFACTS`` (else the test's temporary directory); their paths are
printed."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest

from genverify.registry import RESULTS
from genverify.site import build_site

CHROMIUM = Path("/usr/bin/chromium")
RAW_LATEX = re.compile(r"\\[A-Za-z]+|\$\$")

if importlib.util.find_spec("playwright") is None:
    pytest.skip("playwright is not installed (pip install -e '.[browser]')", allow_module_level=True)
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402  (after the skips above)

#: Figures are included when the figures module is (their <img> elements are then checked too).
WITH_FIGURES = importlib.util.find_spec("genverify.figures") is not None


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site(out, with_figures=WITH_FIGURES, progress=False)
    return out


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Path:
    where = os.environ.get("GENVERIFY_ARTIFACTS")
    path = Path(where) if where else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


PAGES = ("index.html", "figures.html", "notation.html", "audit.html", *(f"results/{r.id}.html" for r in RESULTS))


def _open(browser, url: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed to load {r.url}"))
    page.goto(url, wait_until="load")
    return page, errors


@pytest.mark.parametrize("name", PAGES)
def test_page_renders(site, browser, name):
    page, errors = _open(browser, (site / name).as_uri())
    try:
        text = page.inner_text("body")
        assert not RAW_LATEX.findall(text), f"{name}: raw LaTeX visible: {RAW_LATEX.findall(text)[:5]}"
        if name not in ("index.html", "figures.html"):
            # Folded parts (what exactly was checked, exercise answers) hold formulas too.
            page.eval_on_selector_all("details", "ds => ds.forEach(d => { d.open = true; })")
            sizes = page.eval_on_selector_all(
                "math", "ms => ms.map(m => { const r = m.getBoundingClientRect(); return [r.width, r.height]; })")
            assert sizes, f"{name}: no <math> element"
            assert all(w > 0 and h > 0 for w, h in sizes), f"{name}: a <math> element is not laid out"
        images = page.eval_on_selector_all("img", "is => is.map(i => [i.src, i.complete, i.naturalWidth])")
        broken = [src for src, complete, width in images if not complete or width == 0]
        assert not broken, f"{name}: images not loaded: {broken}"
        if name.startswith("results/") and WITH_FIGURES:
            from genverify.figures import FIGURES

            result_id = name.removeprefix("results/").removesuffix(".html")
            assert len(images) == sum(f.result_id == result_id for f in FIGURES), f"{name}: figures missing"
        links = sorted(set(page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")))
        checker = page.context.new_page()
        for href in links:
            assert href.startswith("file://"), f"{name}: link leaves the site: {href}"
            response = checker.goto(href.split("#")[0])
            assert response is not None and response.ok, f"{name}: link {href} does not resolve"
            fragment = href.partition("#")[2]
            if fragment:
                assert checker.query_selector(f"[id='{fragment}']"), f"{name}: {href}: no such anchor"
        checker.close()
        assert not errors, f"{name}: console errors: {errors}"
    finally:
        page.context.close()


def test_the_tex_button_copies_the_formulas_tex(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto((site / "results" / "diffusion.posterior.html").as_uri(), wait_until="load")
        button = page.locator("#claim button.copy-tex").first
        tex = button.get_attribute("data-tex")
        assert r"\tilde\mu_t" in tex
        annotation = page.eval_on_selector("#claim annotation", "a => a.textContent")
        assert annotation == tex
        button.click()
        page.wait_for_function("() => document.querySelector('#claim button.copy-tex').textContent !== 'TeX'")
        assert button.text_content() == "copied"
        assert page.evaluate("navigator.clipboard.readText()") == tex
    finally:
        context.close()


def test_screenshots(site, browser, artifacts):
    shots = []
    for name in PAGES:
        page, errors = _open(browser, (site / name).as_uri())
        path = artifacts / (name.replace("/", "_").removesuffix(".html") + ".png")
        page.screenshot(path=str(path), full_page=True)
        page.context.close()
        assert path.stat().st_size > 10_000 and not errors, name
        shots.append(path)
    print("screenshots:", *shots)
