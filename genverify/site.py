"""The documentation site (``genverify docs``): a static site regenerated from the registry.

Every claim, step, verdict, Monte Carlo number, figure and audit row on the site is computed by
the build from the current code (the d2l-ai/d2l-en rule: docs never drift from the
implementation).  Mathematics is converted from LaTeX to MathML at build time, so the pages read
from ``file://`` with no network, no scripts and no fonts to fetch.  A formula the converter
cannot handle falls back to its plain-text rendering, never to raw LaTeX.
"""

from __future__ import annotations

import datetime as _dt
import multiprocessing
import re
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import markdown
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from tqdm import tqdm

from genverify.derivations.engine import PROVED, REFUTED, Report
from genverify.numeric.crosschecks import K, PROFILES
from genverify import __version__
from genverify.grading.audit import run_audit
from genverify.notation_page import notation_page
from genverify.checking import check_results
from genverify.registry import RESULTS, Result
from genverify.pages import (CheckTable, checked_steps, claim_math, crosscheck_table, display_lines, domain_summary,
                             exercise, math, readable_steps, refute)

#: Monte Carlo profile of the cross-check tables (the one ``genverify check`` runs by default).
PROFILE = "default"

#: Site status of a result: its proof, then its Monte Carlo cross-checks.
STATUS_PROVED, STATUS_CROSSCHECKED, STATUS_FAILING = "proved", "cross-checked", "failing"

_GRADING_GUIDE = Path(__file__).resolve().parent.parent / "docs" / "grading.md"


def _status(report: Report, checks: list[CheckTable]) -> str:
    if report.status == REFUTED or not all(c.passed for c in checks):
        return STATUS_FAILING
    return STATUS_PROVED if report.status == PROVED else STATUS_CROSSCHECKED


def _result_page(result: Result, report: Report, proof_rng, outcomes, audit_rows) -> dict:
    derivation = report.derivation
    checks = [crosscheck_table(c, o) for c, o in outcomes]
    exercises = [exercise(name, m, refute(m, derivation, proof_rng)) for name, m in result.mutants().items()]
    steps, numbers = readable_steps(derivation)
    # Records from before the field existed (or built elsewhere) have no display claim.
    display_claim = getattr(derivation, "display_claim", "")
    return {
        "result": result,
        "page": f"results/{result.id}.html",
        "statement": derivation.statement,
        "display_claim": [math(line, derivation.statement, display=True) for line in display_lines(display_claim)],
        "scope": getattr(result, "scope", ""),
        "claim": claim_math(derivation.claim),
        "hypotheses": derivation.domain.hypotheses,
        "domain": domain_summary(derivation.domain),
        "steps": steps,
        "checked_steps": checked_steps(derivation, report, numbers),
        "claim_verdict": report.claim,
        "report": report,
        "checks": checks,
        "mutants": exercises,
        "status": _status(report, checks),
        "audit": [row for row in audit_rows if row["section"] == result.section],
        "figures": [],
    }


def _audit_steps(steps: list[dict]) -> list[dict]:
    """A step-graded answer's steps (``grade-steps``), each ``from = to`` as MathML with its status."""
    return [{"index": s["index"], "status": s["status"], "feedback": s.get("feedback", ""),
             "formula": math(f"{s['from']} = {s['to']}", f"{s['from']} = {s['to']}".replace("\\", ""), display=True)}
            for s in steps]


def _audit_rows() -> list[dict]:
    # A step-graded row's feedback quotes the invalid step's LaTeX; the page shows the audit's own
    # sentence and the steps as MathML instead.
    return [{"section": case.section, "claim": case.claim, "target": case.target, "note": case.note,
             # A prose answer (1.3, 2.2) is text, not a formula.
             "answer": escape(case.answer) if case.reading else math(case.answer, case.answer.replace("\\", ""),
                                                                       display=False),
             "verdict": r["verdict"], "score": r["score"],
             "feedback": case.assessment if r.get("steps") and case.assessment else r["feedback"],
             "steps": _audit_steps(r.get("steps") or []),
             "diagnosis": r.get("diagnosis") or [], "counterexample": r.get("counterexample")}
            for case, r in run_audit()]


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("genverify", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["slug"] = lambda s: re.sub(r"[^A-Za-z0-9_-]+", "-", s)
    return env


@dataclass(frozen=True)
class _ShownFigure:
    """What a page shows of a figure (the record's ``make`` is a closure and does not pickle)."""

    id: str
    title: str
    caption: str
    what_to_see: str
    result_id: str | None


def _draw_figures(out: Path, seed: int) -> list[tuple[_ShownFigure, str]]:
    from genverify.figures import build_figures

    return [(_ShownFigure(f.id, f.title, f.caption, f.what_to_see, f.result_id), path.relative_to(out).as_posix())
            for f, path in build_figures(out / "figures", seed=seed, progress=False)]


def _start_figures(out: Path, seed: int):
    """Draw the figures in a forked process while this one checks and writes the pages (the
    proofs use two more); returns the pool and the future of ``_draw_figures``.  Forked before
    any thread starts, so the child inherits the imports and a sound state."""
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    return pool, pool.submit(_draw_figures, out, seed)


def build_site(out_dir, seed: int = 0, with_figures: bool = True, progress: bool = True) -> Path:
    """Build the site into ``out_dir`` and return the path of its ``index.html``.

    ``seed`` drives the proofs' point searches, the cross-checks (split as ``genverify check
    --seed`` splits it, so the tables show that command's numbers) and the figures."""
    start = time.perf_counter()
    out = Path(out_dir)
    (out / "results").mkdir(parents=True, exist_ok=True)
    env = _environment()

    drawing = _start_figures(out, seed) if with_figures else None
    audit_rows = _audit_rows()

    reports, outcomes, proof_rng = check_results(list(RESULTS), seed, PROFILE, progress)
    n = PROFILES[PROFILE]
    pages = []
    for result, report in tqdm(list(zip(RESULTS, reports)), desc="docs: results", unit="result",
                               disable=None if progress else True, leave=False):
        page = _result_page(result, report, proof_rng, [(c, o) for c, o in outcomes if c.result_id == result.id],
                            audit_rows)
        pages.append(page)
    figures = []
    if drawing is not None:
        pool, future = drawing
        figures = future.result()
        pool.shutdown()
    for page in pages:
        page["figures"] = [(f, "../" + src) for f, src in figures if f.result_id == page["result"].id]

    seconds = time.perf_counter() - start
    common = {"version": __version__, "seed": seed, "profile": PROFILE, "n": n, "k": K,
              "built": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "seconds": seconds, "results": pages}

    def write(name: str, template: str, root: str, **context) -> None:
        html = env.get_template(template).render(root=root, **common, **context)
        (out / name).write_text(html, encoding="utf-8")

    write("index.html", "index.html", "", figures=figures)
    for i, page in enumerate(pages):
        write(page["page"], "result.html", "../", page=page, previous=pages[i - 1] if i else None,
              next=pages[i + 1] if i + 1 < len(pages) else None)
    write("figures.html", "figures.html", "", figures=figures)
    title, body = notation_page()
    write("notation.html", "notation.html", "", title=title, body=Markup(body))
    # The guide lives in the source tree (docs/); an installed wheel without it says so.
    source = _GRADING_GUIDE.read_text(encoding="utf-8") if _GRADING_GUIDE.is_file() else (
        "# The grading guide\n\n`docs/grading.md` is not in this installation; see the source repository.")
    guide = markdown.markdown(source, extensions=["tables", "fenced_code"])
    write("grading.html", "grading.html", "", guide=Markup(guide))
    write("audit.html", "audit.html", "", rows=audit_rows)
    shutil.copyfile(Path(__file__).parent / "templates" / "style.css", out / "style.css")
    return out / "index.html"
