"""The documentation site (``genverify docs``): a static site regenerated from the registry.

Every claim, step, verdict, Monte Carlo number, figure and audit row on the site is computed by
the build from the current code (the d2l-ai/d2l-en rule: docs never drift from the
implementation).  Mathematics is converted from LaTeX to MathML at build time, so the pages read
from ``file://`` with no network, no scripts and no fonts to fetch.  A formula the converter
cannot handle falls back to its plain-text rendering, never to raw LaTeX.
"""

from __future__ import annotations

import datetime as _dt
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import markdown
import numpy as np
from jinja2 import Environment, PackageLoader, select_autoescape
from latex2mathml.converter import convert as _latex_to_mathml
from markupsafe import Markup, escape
from tqdm import tqdm

from genverify.derivations.engine import PROVED, REFUTED, Derivation, Equal, Report
from genverify.numeric.crosschecks import K, PROFILES
from genverify import __version__
from genverify.grading.audit import run_audit
from genverify.checking import check_results
from genverify.registry import RESULTS, Result
from genverify.render import assumptions, claim_parts, latex, plain, relation

#: Monte Carlo profile of the cross-check tables (the one ``genverify check`` runs by default).
PROFILE = "default"

#: Site status of a result: its proof, then its Monte Carlo cross-checks.
STATUS_PROVED, STATUS_CROSSCHECKED, STATUS_FAILING = "proved", "cross-checked", "failing"

_GRADING_GUIDE = Path(__file__).resolve().parent.parent / "docs" / "grading.md"


def math(tex: str, fallback: str, display: bool = False) -> Markup:
    """``tex`` as MathML, or ``fallback`` (plain text) when the converter fails or leaves a LaTeX
    command behind (latex2mathml passes unknown commands through as ``<mi>\\cmd</mi>``)."""
    try:
        mathml = _latex_to_mathml(tex, display="block" if display else "inline")
    except Exception:  # the converter raises assorted types on input it does not know
        mathml = None
    if mathml is None or "\\" in mathml:
        tag = "div" if display else "span"
        return Markup(f'<{tag} class="math-fallback">{escape(fallback)}</{tag}>')
    return Markup(mathml)


# Text that ``render.assumptions`` writes around its formulas, made LaTeX (``{0, 1}`` would
# otherwise be read as a group and lose its braces).
_ASSUMPTION_TEXT = ((" ∈ {0, 1}", r" \in \{0, 1\}"), (" real", r" \ \text{real}"), (":=", r"\coloneqq "),
                    (" integer, checked on ", r" \ \text{integer, checked on }"), ("..", r"\ldots "))


def _assumption_latex(line: str) -> str:
    for text, tex in _ASSUMPTION_TEXT:
        line = line.replace(text, tex)
    return line


@dataclass
class _Check:
    name: str
    passed: bool
    max_abs_z: float
    n: int
    rows: list[dict]


def _format(value: float) -> str:
    return f"{value:.6g}"


def _crosscheck(check_, outcome) -> _Check:
    z = np.atleast_1d(np.asarray(outcome.z, dtype=float))
    shape = z.shape
    columns = [np.broadcast_to(np.asarray(v, dtype=float), shape).ravel()
               for v in (outcome.estimate, outcome.se, outcome.expected)]
    rows = [{"estimate": _format(e), "se": f"{s:.3g}", "expected": _format(x), "z": f"{zz:+.2f}",
             "ok": bool(abs(zz) <= K)} for e, s, x, zz in zip(*columns, z.ravel())]
    return _Check(check_.name, outcome.passed(K), outcome.max_abs_z, outcome.n, rows)


def _relation_math(rel, display: bool = True) -> Markup:
    return math(relation(rel, latex), relation(rel, plain), display)


def _claim_math(rel) -> list[tuple[str, Markup]]:
    """The formal claim as ``(label, MathML)`` per conjunct: one display formula each, so a long
    conjunction does not run off the page as one line."""
    return [(label, math(tex, text, display=True))
            for (label, tex), (_, text) in zip(claim_parts(rel, latex), claim_parts(rel, plain))]


def _steps(derivation: Derivation, report: Report) -> list[dict]:
    out = []
    for i, (step, step_report) in enumerate(zip(derivation.steps, report.steps), start=1):
        rel = step.relation
        if step.chained and isinstance(rel, Equal):
            formula = math("= " + latex(rel.rhs), "= " + plain(rel.rhs), display=True)
        else:
            formula = _relation_math(rel)
        out.append({"number": i, "formula": formula, "why": step.why, "verdict": step_report.verdict,
                    "seconds": step_report.seconds})
    return out


def _refute(mutant: Derivation, proved: Derivation, rng: np.random.Generator) -> dict:
    """Check a broken variant with the engine until something in it is refuted.

    A variant changes one or two relations of a proved derivation; relations it shares with
    that derivation (on the same domain) are already proved there, so only the changed ones
    are checked: refuting one of them is what makes the variant wrong."""
    same_domain = mutant.domain == proved.domain
    known = [s.relation for s in proved.steps] + [proved.claim] if same_domain else []
    candidates = [(f"step {i}", s.relation) for i, s in enumerate(mutant.steps, start=1)]
    candidates.append(("claim", mutant.claim))
    for where, rel in candidates:
        if any(rel == k for k in known):
            continue
        verdict = rel.check(mutant.domain, rng)
        if verdict.status == REFUTED:
            return {"refuted": True, "where": where, "formula": _relation_math(rel, display=False),
                    "verdict": verdict}
    return {"refuted": False, "where": None, "formula": None, "verdict": None}


def _status(report: Report, checks: list[_Check]) -> str:
    if report.status == REFUTED or not all(c.passed for c in checks):
        return STATUS_FAILING
    return STATUS_PROVED if report.status == PROVED else STATUS_CROSSCHECKED


def _result_page(result: Result, report: Report, proof_rng, outcomes, audit_rows) -> dict:
    derivation = report.derivation
    checks = [_crosscheck(c, o) for c, o in outcomes]
    mutants = [{"name": name, **_refute(m, derivation, proof_rng)} for name, m in result.mutants().items()]
    domain = derivation.domain
    return {
        "result": result,
        "page": f"results/{result.id}.html",
        "statement": derivation.statement,
        "scope": getattr(result, "scope", ""),
        "claim": _claim_math(derivation.claim),
        "hypotheses": domain.hypotheses,
        "assumptions": [math(_assumption_latex(t), p) for t, p in zip(assumptions(domain, latex),
                                                                      assumptions(domain, plain))],
        "steps": _steps(derivation, report),
        "claim_verdict": report.claim,
        "report": report,
        "checks": checks,
        "mutants": mutants,
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


# The two notations of the homework and of DDPM (design, "Notation"); each row's formula is
# converted like every other formula on the site.
NOTATION = (
    (r"\beta_t", "β_t", "variance added at step t (both conventions)"),
    (r"\alpha_t = 1 - \beta_t", "α_t = 1 - β_t", "DDPM (Ho et al. 2020)"),
    (r"\bar\beta_t = \prod_{i=1}^{t} (1 - \beta_i), \quad \bar\beta_0 = 1",
     "β̄_t = ∏_{i=1}^t (1-β_i), β̄_0 = 1", "homework"),
    (r"\bar\alpha_t = \prod_{s=1}^{t} \alpha_s = \bar\beta_t", "ᾱ_t = ∏_{s=1}^t α_s = β̄_t",
     "DDPM; the same number as β̄_t"),
    (r"q(x_t \mid x_0) = \mathcal{N}(\sqrt{\bar\alpha_t}\, x_0,\ (1 - \bar\alpha_t) I)",
     "q(x_t | x_0) = N(√ᾱ_t x_0, (1-ᾱ_t) I)", "forward marginal"),
    (r"\tilde\mu_t = \frac{\sqrt{\bar\alpha_{t-1}}\,\beta_t}{1 - \bar\alpha_t} x_0"
     r" + \frac{\sqrt{\alpha_t}(1 - \bar\alpha_{t-1})}{1 - \bar\alpha_t} x_t",
     "μ̃_t = √ᾱ_{t-1} β_t/(1-ᾱ_t) x_0 + √α_t (1-ᾱ_{t-1})/(1-ᾱ_t) x_t", "posterior mean"),
    (r"\tilde\sigma_t^2 = \frac{\beta_t (1 - \bar\alpha_{t-1})}{1 - \bar\alpha_t}",
     "σ̃_t² = β_t(1-ᾱ_{t-1})/(1-ᾱ_t)", "posterior variance"),
    (r"\sigma_q(t)^2", "σ_q(t)²", "the model's variance; the ELBO weight is stated with it, "
                                  "and equals σ̃_t² in the SNR form below"),
    (r"\mathrm{SNR}(t) = \frac{\bar\alpha_t}{1 - \bar\alpha_t}", "SNR(t) = ᾱ_t/(1-ᾱ_t)", "signal-to-noise ratio"),
    (r"w_t = \frac{1}{2\sigma_q(t)^2} \frac{\bar\alpha_{t-1}\beta_t^2}{(1 - \bar\alpha_t)^2}"
     r" = \frac{1}{2}\left(\mathrm{SNR}(t-1) - \mathrm{SNR}(t)\right)",
     "w_t = β̄_{t-1}β_t²/(2σ_q(t)²(1-β̄_t)²) = ½(SNR(t-1) - SNR(t))", "ELBO weight when σ_q(t)² = σ̃_t²"),
    (r"p_r = p_{\mathrm{data}}, \quad p_g", "p_r = p_data, p_g", "GAN: data and generator densities"),
    (r"D^*(x) = \frac{p_r(x)}{p_r(x) + p_g(x)}", "D*(x) = p_r(x)/(p_r(x)+p_g(x))", "optimal discriminator"),
    (r"\mathtt{betas[i-1]} = \beta_i, \quad t \in \{1, \ldots, T\}", "betas[i-1] = β_i, t ∈ {1..T}",
     "code arrays are 0-based, time is 1-based as in the math"),
)


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("genverify", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["slug"] = lambda s: re.sub(r"[^A-Za-z0-9_-]+", "-", s)
    return env


def _figures(out: Path, seed: int, progress: bool) -> list[tuple[object, str]]:
    from genverify.figures import build_figures

    return [(figure, path.relative_to(out).as_posix())
            for figure, path in build_figures(out / "figures", seed=seed, progress=progress)]


def build_site(out_dir, seed: int = 0, with_figures: bool = True, progress: bool = True) -> Path:
    """Build the site into ``out_dir`` and return the path of its ``index.html``.

    ``seed`` drives the proofs' point searches, the cross-checks (split as ``genverify check
    --seed`` splits it, so the tables show that command's numbers) and the figures."""
    start = time.perf_counter()
    out = Path(out_dir)
    (out / "results").mkdir(parents=True, exist_ok=True)
    env = _environment()

    figures = _figures(out, seed, progress) if with_figures else []
    audit_rows = _audit_rows()

    reports, outcomes, proof_rng = check_results(list(RESULTS), seed, PROFILE, progress)
    n = PROFILES[PROFILE]
    pages = []
    for result, report in tqdm(list(zip(RESULTS, reports)), desc="docs: results", unit="result",
                               disable=None if progress else True, leave=False):
        page = _result_page(result, report, proof_rng, [(c, o) for c, o in outcomes if c.result_id == result.id],
                            audit_rows)
        page["figures"] = [(f, "../" + src) for f, src in figures if f.result_id == result.id]
        pages.append(page)

    seconds = time.perf_counter() - start
    common = {"version": __version__, "seed": seed, "profile": PROFILE, "n": n, "k": K,
              "built": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "seconds": seconds, "results": pages}

    def write(name: str, template: str, root: str, **context) -> None:
        html = env.get_template(template).render(root=root, **common, **context)
        (out / name).write_text(html, encoding="utf-8")

    write("index.html", "index.html", "", figures=figures)
    for page in pages:
        write(page["page"], "result.html", "../", page=page)
    write("figures.html", "figures.html", "", figures=figures)
    write("notation.html", "notation.html", "",
          rows=[(math(tex, text, display=False), text, note) for tex, text, note in NOTATION])
    # The guide lives in the source tree (docs/); an installed wheel without it says so.
    source = _GRADING_GUIDE.read_text(encoding="utf-8") if _GRADING_GUIDE.is_file() else (
        "# The grading guide\n\n`docs/grading.md` is not in this installation; see the source repository.")
    guide = markdown.markdown(source, extensions=["tables", "fenced_code"])
    write("grading.html", "grading.html", "", guide=Markup(guide))
    write("audit.html", "audit.html", "", rows=audit_rows)
    shutil.copyfile(Path(__file__).parent / "templates" / "style.css", out / "style.css")
    return out / "index.html"
