"""Wall-clock time of one autograder run per submission, as the platform pays it.

Builds a Gradescope bundle and a PrairieLearn set-up from one spec (a symbolic answer, a
derivation and a code question), then runs each bundle's own entrypoint (``run_autograder``,
``genverify-prairielearn``) on a simulated tree holding correct answers, with this venv's
genverify, and submitted code on a NumPy-only venv as in a bundle (``GENVERIFY_SUBMISSION_PYTHON``;
its probe is paid once per code question): interpreter start, imports, grading and writing
``results.json`` all count.  Runs are
interleaved so that load on the machine hits every row alike; the table gives the median and
the largest of the runs (with 20 runs, the largest is the p95 at best: quote it as the worst).

    python benchmarks/bench_autograder.py [--runs 10]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from genverify.autograder import gradescope, prairielearn
from genverify.autograder.spec import parse_spec
from genverify.autograder.wheel import build_wheel

ROOT = Path(__file__).resolve().parent.parent
SPEC = {"title": "bench", "questions": [
    {"name": "mean", "kind": "symbolic", "target": "diffusion.posterior_mean", "file": "mean.tex", "points": 1},
    {"name": "steps", "kind": "steps", "target": "diffusion.posterior_variance", "file": "steps.tex", "points": 1},
    {"name": "code", "kind": "code", "target": "diffusion.posterior_mean_variance", "file": "posterior.py",
     "points": 1}]}
FILES = {
    "mean.tex": r"\frac{\sqrt{\bar\alpha_{t-1}}\beta_t}{1-\bar\alpha_t}x_0"
                r" + \frac{\sqrt{\alpha_t}(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}x_t",
    "steps.tex": r"\frac{\beta_t(1-\bar\alpha_{t-1})}{1-\bar\alpha_t} = "
                 r"\frac{1}{\frac{\alpha_t}{\beta_t} + \frac{1}{1-\bar\alpha_{t-1}}}",
    "posterior.py": (ROOT / "tests" / "submissions" / "correct_posterior.py").read_text(encoding="utf-8"),
}


def timed(script: Path, root: Path) -> float:
    (root / "results" / "results.json").unlink(missing_ok=True)
    env = {**os.environ, "GENVERIFY_AUTOGRADER_ROOT": str(root), "GENVERIFY_PYTHON": sys.executable}
    began = time.perf_counter()
    subprocess.run([str(script)], env=env, check=True, capture_output=True)
    elapsed = time.perf_counter() - began
    json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    return elapsed


def numpy_venv(folder: Path) -> str:
    """A venv holding the grader's NumPy and nothing else (copied in, no network)."""
    subprocess.run([os.path.realpath(getattr(sys, "_base_executable", "") or sys.executable), "-m", "venv",
                    "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    numpy = Path(importlib.util.find_spec("numpy").origin).parent
    for directory in (numpy, numpy.with_name("numpy.libs")):
        if directory.is_dir():
            shutil.copytree(directory, site / directory.name, symlinks=True)
    return str(python)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    assignment = parse_spec(SPEC)
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        wheel = build_wheel(base)
        os.environ["GENVERIFY_SUBMISSION_PYTHON"] = numpy_venv(base / "submissions")
        gradescope.build(assignment, base / "gs", wheel)
        prairielearn.build(assignment, base / "pl", wheel)
        rows = {}
        tree = base / "autograder"
        shutil.copytree(base / "gs", tree / "source")
        (tree / "submission").mkdir(parents=True)
        (tree / "results").mkdir()
        for name, text in FILES.items():
            (tree / "submission" / name).write_text(text, encoding="utf-8")
        rows["Gradescope, 3 questions (symbolic, steps, code)"] = (tree / "source" / "run_autograder", tree)
        for question in assignment.questions:
            grade = base / f"grade-{question.name}"
            shutil.copytree(base / "pl" / "questions" / question.name / "tests", grade / "tests")
            (grade / "student").mkdir()
            (grade / "data").mkdir()
            (grade / "student" / question.file).write_text(FILES[question.file], encoding="utf-8")
            (grade / "data" / "data.json").write_text('{"submitted_answers": {}}', encoding="utf-8")
            rows[f"PrairieLearn, 1 {question.kind} question"] = (base / "pl" / "image" / "genverify-prairielearn",
                                                               grade)
        times = {label: [] for label in rows}
        for _ in range(args.runs):
            for label, (script, root) in rows.items():
                times[label].append(timed(script, root))
    print(f"one submission, entrypoint to results.json ({args.runs} runs each, interleaved)")
    print(f"{'bundle':<52} {'median s':>9} {'max s':>7}")
    for label, values in times.items():
        print(f"{label:<52} {statistics.median(values):>9.2f} {max(values):>7.2f}")


if __name__ == "__main__":
    main()
