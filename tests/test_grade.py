"""The symbolic grader: verdicts, diagnoses, time limits, steps, batches, formats and the audit."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import jsonschema
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from genverify.grading import formats
from genverify.grading.audit import run_audit
from genverify.grading.batch import grade_batch
from genverify.grading.evaluate import EvaluationError, agree, draw_points, evaluate
from genverify.grading.steps import grade_steps, split_chain
from genverify.grading.symbolic import grade_answer
from genverify.derivations.notation import beta, beta_bar
from genverify.grading.targets import TARGETS, t
from tests.grading_corpus import CORPUS

IDS = [f"{target}: {answer[:50]}" for target, answer, *_ in CORPUS]


@pytest.mark.parametrize(("target", "answer", "verdict", "diagnosis"), CORPUS, ids=IDS)
def test_corpus_verdicts_and_diagnoses(target, answer, verdict, diagnosis):
    result = grade_answer(target, answer, answer_id="a1")
    assert result["verdict"] == verdict, result["feedback"]
    assert result["id"] == "a1" and result["target"] == target
    if verdict == "correct":
        assert result["score"] == 1.0 and result["method"] in ("symbolic", "numeric")
    if verdict == "incorrect":
        counterexample = result["counterexample"]
        assert counterexample["expected"] != counterexample["answer"] or counterexample["difference"] != 0
        assert result["diagnosis"] == ([diagnosis] if diagnosis else [])
        assert result["score"] < 1.0


def test_corpus_covers_each_target_with_six_right_and_six_wrong():
    counts = Counter((target, verdict) for target, _, verdict, _ in CORPUS)
    for target in TARGETS:
        assert counts[target, "correct"] >= 6 and counts[target, "incorrect"] >= 6, target


@pytest.mark.parametrize("target", TARGETS.values(), ids=lambda t: t.id)
def test_catalogue_mistakes_are_wrong_and_distinct(target):
    """A mistake equal to the reference, or to another mistake, would make feedback a lie."""
    points = draw_points(target, np.random.default_rng(5), 8)
    reference = [evaluate(target.reference, p) for p in points]
    seen = []
    for mistake in target.mistakes:
        values = [evaluate(mistake.expr, p) for p in points]
        assert not all(agree(a, b) for a, b in zip(values, reference)), mistake.name
        for name, other in seen:
            assert not all(agree(a, b) for a, b in zip(values, other)), (mistake.name, name)
        seen.append((mistake.name, values))


def test_partial_credit_and_feedback_name_the_mistake():
    result = grade_answer("diffusion.elbo_weight",
                          r"\frac{1}{2\sigma_q(t)^2}\frac{\beta_t\bar\beta_{t-1}}{(1-\bar\beta_t)^2}")
    assert result["diagnosis"] == ["β_t for β_t²"] and result["score"] == 0.5
    assert "β_t²" in result["feedback"]


def test_partial_credit_is_configurable_per_mistake():
    answer = r"\frac{1}{2\sigma_q(t)^2}\frac{\beta_t\bar\beta_{t-1}}{(1-\bar\beta_t)^2}"
    assert grade_answer("diffusion.elbo_weight", answer, credits={"β_t for β_t²": 0.1})["score"] == 0.1
    with pytest.raises(KeyError, match="no mistake 'nope'"):
        grade_answer("diffusion.elbo_weight", answer, credits={"nope": 0.1})
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        grade_answer("diffusion.elbo_weight", answer, credits={"sign": 1.5})


def test_unknown_symbols_are_invalid_and_list_what_is_allowed():
    result = grade_answer("diffusion.forward_variance", r"1 - \bar\alpha_t + y")
    assert result["verdict"] == "invalid" and "'y'" in result["feedback"] and "allowed" in result["feedback"]
    wrong_kind = grade_answer("diffusion.forward_variance", r"1 - \bar\alpha_t + x_0")
    assert wrong_kind["verdict"] == "invalid" and "x_0" in wrong_kind["feedback"]


#: 1 - ᾱ_t padded with 24 pairs of terms that cancel: about 0.1 CPU s of parsing and proof, many
#: times the resolution of the CPU timer behind ``timeout`` (a scheduler tick).
PADDED_VARIANCE = r"1-\bar\alpha_t" + "".join(
    rf" + \frac{{{k}\beta_t}}{{{k}+\bar\alpha_t}} - \frac{{{k}\beta_t}}{{{k}+\bar\alpha_t}}" for k in range(1, 25))


def test_a_time_limit_turns_work_into_undecided():
    assert grade_answer("diffusion.forward_variance", PADDED_VARIANCE)["verdict"] == "correct"
    # Another answer of the same size, so no cache warmed by the first grading shortens the work.
    other = PADDED_VARIANCE.replace(r"\frac{1\beta_t}{1+", r"\frac{26\beta_t}{26+")
    assert other != PADDED_VARIANCE
    result = grade_answer("diffusion.forward_variance", other, timeout=1e-3)
    assert result["verdict"] == "undecided" and "within 0.001 CPU seconds" in result["feedback"]


def test_undefined_values_are_incorrect_not_a_crash():
    result = grade_answer("diffusion.forward_variance", r"\log(-1 - \bar\alpha_t)")
    assert result["verdict"] == "incorrect" and "undefined" in str(result["counterexample"]["answer"])
    point = draw_points(TARGETS["diffusion.forward_variance"], np.random.default_rng(0), 1)[0]
    with pytest.raises(EvaluationError):
        evaluate(sp.log(-1 - beta_bar(t)), point)
    with pytest.raises(EvaluationError, match="outside the schedule"):
        evaluate(beta(t + 100), point)


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=80))
def test_any_text_gets_a_clean_verdict_within_the_limit(text):
    # The limit counts CPU seconds (so does this check: wall-clock time depends on the load).
    used = time.process_time()
    result = grade_answer("diffusion.posterior_variance", text, timeout=2.0)
    assert result["verdict"] in ("correct", "incorrect", "invalid", "undecided")
    assert time.process_time() - used < 3.0


def test_huge_exponents_are_refused_cleanly():
    result = grade_answer("diffusion.forward_variance", r"(1-\bar\alpha_t)^{100000}")
    assert result["verdict"] == "invalid"


# --- derivations, step by step ---------------------------------------------------------------


def test_split_chain_accepts_aligned_blocks():
    text = r"\begin{aligned} a &= b \\ &= \frac{c}{d} \end{aligned}"
    assert split_chain(text) == ["a", "b", r"\frac{c}{d}"]


def test_grade_steps_reports_the_first_invalid_step():
    chain = (r"\begin{aligned} \frac{\beta_t(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}"
             r" &= \frac{1}{\frac{\alpha_t}{\beta_t} + \frac{1}{1-\bar\alpha_{t-1}}} \\"
             r" &= \frac{\beta_t}{1-\bar\alpha_t} \\"
             r" &= \frac{\beta_t}{1-\bar\alpha_t} \end{aligned}")
    result = grade_steps("diffusion.posterior_variance", chain)
    assert [s["status"] for s in result["steps"]] == ["valid", "invalid", "valid"]
    assert result["first_invalid"] == 2 and result["verdict"] == "incorrect"
    assert "Step 2" in result["feedback"] and result["counterexample"]["left"] != result["counterexample"]["right"]


def test_grade_steps_passes_a_valid_derivation():
    chain = r"1-\prod_{i=1}^{t}(1-\beta_i) = 1-(1-\beta_t)\bar\alpha_{t-1} = 1 - \bar\alpha_t"
    result = grade_steps("diffusion.forward_variance", chain)
    assert result["verdict"] == "correct" and result["first_invalid"] is None
    assert all(s["status"] == "valid" for s in result["steps"])


def test_grade_steps_rejects_a_chain_without_steps():
    assert grade_steps("diffusion.forward_variance", r"1-\bar\alpha_t")["verdict"] == "invalid"


# --- batches ---------------------------------------------------------------------------------


def _write_rows(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")


def test_batch_grades_every_row_and_resumes(tmp_path):
    rows = [{"id": f"r{i}", "target": target, "answer": answer} for i, (target, answer, *_) in enumerate(CORPUS[:12])]
    rows += ["{not json", json.dumps({"id": "no-answer", "target": "gan.optimal_discriminator"}),
             {"id": "bad-target", "target": "gan.nope", "answer": "1"}]
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write_rows(src, rows)
    counts = grade_batch(str(src), str(out))
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(results) == 15 and sum(counts[v] for v in counts if v != "skipped") == 15
    by_id = {r["id"]: r for r in results}
    assert by_id["bad-target"]["verdict"] == "invalid" and "unknown grading target" in by_id["bad-target"]["feedback"]
    assert sum(r["verdict"] == "invalid" and r["id"].startswith("line-") for r in results) == 2
    expected = {f"r{i}": verdict for i, (_, _, verdict, _) in enumerate(CORPUS[:12])}
    assert all(by_id[k]["verdict"] == v for k, v in expected.items())

    # An interrupted run: keep 5 results and a torn last line; --resume grades only the rest.
    lines = out.read_text(encoding="utf-8").splitlines()
    out.write_text("\n".join(lines[:5]) + "\n" + lines[5][:10], encoding="utf-8")
    counts = grade_batch(str(src), str(out), resume=True)
    assert counts["skipped"] == len({json.loads(line)["id"] for line in lines[:5]})
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(ids) == sorted(by_id)  # every row once: nothing lost, nothing graded twice


# --- formats ---------------------------------------------------------------------------------


def test_gradescope_and_prairielearn_documents():
    wrong = grade_answer("gan.optimal_discriminator", r"\frac{p_g(x)}{p_r(x)+p_g(x)}")
    gs = json.loads(formats.render(wrong, "gradescope", max_score=4))
    assert gs["score"] == 0 and gs["tests"][0]["max_score"] == 4 and gs["tests"][0]["status"] == "failed"
    assert "max_score" not in gs  # not in Gradescope's results.json specification
    assert "swapped" in gs["output"] and gs["visibility"] == "visible"
    right = grade_answer("gan.optimal_discriminator", r"\frac{p_r}{p_r+p_g}")
    pl = json.loads(formats.render(right, "prairielearn"))
    assert pl["gradable"] is True and pl["score"] == 1.0 and pl["format_errors"] == []
    invalid = json.loads(formats.render(grade_answer("gan.optimal_discriminator", r"\frac{"), "prairielearn"))
    assert invalid["gradable"] is False and invalid["format_errors"]
    assert "swapped" in formats.render(wrong, "text")
    # Both documents as the platforms specify them (tests/schemas/, written from their docs).
    for platform, document in (("gradescope", gs), ("prairielearn", pl), ("prairielearn", invalid)):
        schema = json.loads((Path(__file__).parent / "schemas" / f"{platform}-results.schema.json")
                            .read_text(encoding="utf-8"))
        jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)


# --- the audit of the homework solution ------------------------------------------------------


def test_audit_flags_the_homework_errors_and_passes_the_rest():
    verdicts = {case.section + " " + case.claim: result for case, result in run_audit()}
    assert verdicts["2.1 ELBO weight (negative ELBO)"]["verdict"] == "incorrect"
    assert verdicts["2.1 ELBO weight (negative ELBO)"]["diagnosis"] == ["the homework's: β_t for β_t² and the sign dropped"]
    assert verdicts["1.2 generator objective at D*"]["verdict"] == "incorrect"
    assert verdicts["1.2 generator objective at D*"]["diagnosis"] == ["-log 4 and the factor 2 dropped"]
    for claim in ("1.1 optimal discriminator", "2.3 forward mean coefficient", "2.3 forward variance",
                  "2.4 posterior mean", "2.5 conditional score"):
        assert verdicts[claim]["verdict"] == "correct", claim


# --- issue 11: correct means proved; how the answer was read; restated questions; evaluator

def test_numeric_agreement_without_a_proof_is_undecided_unless_the_course_opts_in(monkeypatch):
    from genverify.grading import symbolic

    monkeypatch.setattr(symbolic, "_confirm", lambda target, expr: ("numeric", "no proof found"))
    held = grade_answer("diffusion.forward_variance", r"1-\bar\alpha_t")
    assert held["verdict"] == "undecided" and held["score"] == 0.0 and "review" in held["feedback"]
    opted = grade_answer("diffusion.forward_variance", r"1-\bar\alpha_t", accept_numeric=True)
    assert opted["verdict"] == "correct" and opted["method"] == "numeric"


@pytest.mark.parametrize(("target", "answer"), [
    ("diffusion.forward_mean_coef", r"\sqrt{\bar\alpha_t} + 10^{-20}"),
    ("diffusion.forward_variance", r"1 - \bar\alpha_t + \beta_t^{100}"),
    ("diffusion.posterior_variance", r"\frac{\beta_t(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}(1 + 10^{-40})"),
])
def test_tiny_offsets_are_refuted_outright(target, answer):
    result = grade_answer(target, answer, accept_numeric=True)
    assert result["verdict"] == "incorrect" and result["counterexample"]["difference"] != 0


@pytest.mark.parametrize("answer", [r"\sigma_q(t)^2", r"\tilde\beta_t", r"\tilde\sigma_t^2",
                                    r"\tilde\sigma_t^2 = \tilde\beta_t"])
def test_restating_the_question_is_invalid_with_feedback(answer):
    result = grade_answer("diffusion.posterior_variance", answer)
    assert result["verdict"] == "invalid" and "restates the question" in result["feedback"]


def test_sigma_q_is_still_allowed_where_it_is_not_the_answer():
    result = grade_answer("diffusion.elbo_weight",
                          r"\frac{\bar\alpha_{t-1}\beta_t^2}{2\sigma_q(t)^2(1-\bar\alpha_t)^2}")
    assert result["verdict"] == "correct"


@pytest.mark.parametrize("fmt", formats.FORMATS)
def test_every_format_shows_how_the_answer_was_read(fmt):
    result = grade_answer("diffusion.elbo_weight", r"\frac{\bar\alpha_{t-1}\beta_t^2}{2\sigma_q^2(1-\bar\alpha_t)(1-\bar\alpha_t)}")
    assert result["read_as"]["text"] and result["read_as"]["latex"]
    assert result["read_as"]["text"] in formats.render(result, fmt)


def test_overflowing_answer_is_incorrect_everywhere(tmp_path):
    answer = r"e^{e^{e^{e^{10}}}}"
    assert grade_answer("diffusion.forward_variance", answer)["verdict"] == "incorrect"
    steps = grade_steps("diffusion.forward_variance", rf"{answer} = 1 - \bar\alpha_t")
    assert steps["verdict"] == "incorrect" and steps["first_invalid"] == 1
    rows = tmp_path / "in.jsonl"
    rows.write_text(json.dumps({"id": "o", "target": "diffusion.forward_variance", "answer": answer}) + "\n"
                    + json.dumps({"id": "n", "target": "diffusion.forward_variance", "answer": "1-alphabar_t"}) + "\n")
    counts = grade_batch(str(rows), str(tmp_path / "out.jsonl"), processes=1)
    assert counts["incorrect"] == 1 and counts["correct"] == 1


def test_tree_walker_gives_the_sympy_values():
    from genverify.grading.evaluate import RTOL, evaluate_sympy
    from genverify.grading.parse import ParseError, parse

    rng = np.random.default_rng(11)
    checked = 0
    for target, answer, *_ in CORPUS[::3]:
        try:
            expr = parse(answer, allowed=TARGETS[target].allowed)
        except ParseError:
            continue
        for point in draw_points(TARGETS[target], rng, 2):
            try:
                walked = evaluate(expr, point)
            except EvaluationError:
                continue
            assert abs(walked - evaluate_sympy(expr, point)) <= RTOL * (1 + abs(walked)), answer
            checked += 1
    assert checked > 150


def test_the_walker_refuses_what_it_cannot_value():
    point = draw_points(TARGETS["diffusion.forward_variance"], np.random.default_rng(0), 1)[0]
    for expr in (sp.exp(sp.exp(sp.Integer(10) ** 6)), beta(t + 100), sp.log(beta_bar(t) - beta_bar(t)),
                 sp.Symbol("y")):
        with pytest.raises(EvaluationError):
            evaluate(expr, point)


def test_grade_steps_on_a_gan_target_names_no_time_step():
    result = grade_steps("gan.optimal_discriminator", r"\frac{p_r}{p_r+p_g} = \frac{1}{2}")
    assert result["first_invalid"] == 1 and "t =" not in result["feedback"]
    assert "random point" in result["feedback"]


def test_grade_steps_reports_an_unbalanced_brace_by_line():
    text = "1-\\bar\\alpha_t \\\\\n= 1-\\prod_{i=1}^{t(1-\\beta_i) \\\\\n= 1-\\bar\\alpha_t"
    result = grade_steps("diffusion.forward_variance", text)
    assert result["verdict"] == "invalid" and "line 2" in result["feedback"]


def test_grade_steps_method_agrees_with_its_final_grade():
    result = grade_steps("diffusion.forward_variance", r"1-\bar\alpha_t = 1-\prod_{i=1}^{t}(1-\beta_i)")
    assert result["verdict"] == "correct" and result["method"] == result["final"]["method"] == "symbolic"


def test_serve_answers_every_line_and_survives_bad_rows():
    import io

    from genverify.grading.serve import serve

    rows = [json.dumps({"id": "a", "target": "diffusion.forward_variance", "answer": "1-alphabar_t"}), "nope", "",
            json.dumps([1]), json.dumps({"id": [1], "target": "diffusion.forward_variance", "answer": "1"}),
            json.dumps({"id": "b", "target": "nowhere", "answer": "1"}),
            json.dumps({"id": "c", "target": "diffusion.forward_variance"}),
            json.dumps({"id": "d", "target": "diffusion.forward_variance", "answer": r"\bar\alpha_t"}),
            json.dumps({"id": "e", "target": "diffusion.forward_variance", "steps": "1-alphabar_t = 1-alpha_bar_t"})]
    out = io.StringIO()
    assert serve(io.StringIO("\n".join(rows) + "\n"), out) == 0
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["verdict"] for r in results] == ["correct", "error", "error", "error", "error", "error",
                                               "incorrect", "correct"]
    assert [r["id"] for r in results] == ["a", None, None, None, "b", "c", "d", "e"]
