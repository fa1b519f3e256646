"""The Gradescope and PrairieLearn autograders, end to end.

Each bundle is built by the CLI, then its own entrypoint (``run_autograder``, the PrairieLearn
``genverify-prairielearn`` script) runs on a simulated ``/autograder`` or ``/grade`` tree in
``tmp_path`` (``GENVERIFY_AUTOGRADER_ROOT``) with this venv's genverify (``GENVERIFY_PYTHON``; the
wheel in the bundle is checked, not installed).  Every ``results.json`` is validated against the
platform's documented format (tests/schemas/, each with its doc URL and date).  Submissions:
correct, wrong, invalid (missing file, syntax error, not UTF-8) and hostile (writes a forged
results.json, reads the spec, imports the reference, a symbolic link to a correct solution);
a hostile submission must score what the same function scores without the attack.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import jsonschema
import pytest

from genverify.autograder.spec import SpecError, load_spec, parse_spec, to_json
from genverify.cli import main
from genverify.grading import isolation

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = Path(__file__).resolve().parent / "schemas"
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
WHEEL = "genverify-0.1.0-py3-none-any.whl"

SPEC = {
    "title": "Homework 3",
    "settings": {"timeout": 10, "job_timeout": 90},
    "questions": [
        {"name": "mean", "kind": "symbolic", "target": "diffusion.posterior_mean", "file": "mean.tex", "points": 2},
        {"name": "variance_steps", "kind": "steps", "target": "diffusion.posterior_variance",
         "file": "steps.tex", "points": 1},
        {"name": "posterior_code", "kind": "code", "target": "diffusion.posterior_mean_variance",
         "file": "posterior.py", "points": 3},
    ],
}
MEAN = (r"\frac{\sqrt{\bar\alpha_{t-1}}\beta_t}{1-\bar\alpha_t}x_0"
        r" + \frac{\sqrt{\alpha_t}(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}x_t")
STEPS = r"\frac{\beta_t(1-\bar\alpha_{t-1})}{1-\bar\alpha_t} = \frac{1}{\frac{\alpha_t}{\beta_t} + \frac{1}{1-\bar\alpha_{t-1}}}"
CORRECT = {"mean.tex": MEAN, "steps.tex": STEPS,
           "posterior.py": (SUBMISSIONS / "correct_posterior.py").read_text(encoding="utf-8")}
WRONG = {"mean.tex": MEAN.replace(r"\sqrt{\bar\alpha_{t-1}}", r"\bar\alpha_{t-1}"),
         "steps.tex": STEPS.replace(r"\frac{1}{\frac{\alpha_t}{\beta_t} + \frac{1}{1-\bar\alpha_{t-1}}}",
                                    r"\frac{\beta_t}{1-\bar\alpha_t}"),
         "posterior.py": (SUBMISSIONS / "wrong_posterior_no_sqrt.py").read_text(encoding="utf-8")}
#: The function the hostile submission falls back to when its attacks fail: wrong everywhere.
FALLBACK = '''
def posterior_mean_variance(x_t, x_0, t, betas):
    if REFERENCE is not None:
        return REFERENCE(x_t, x_0, t, betas)
    return np.asarray(x_0, dtype=float) + 0.0 * np.asarray(x_t), 0.5
'''
ATTACK = '''
import json
import numpy as np

FORGED = json.dumps({"score": 1000.0, "gradable": True, "tests": []})
for path in (RESULTS, "/autograder/results/results.json", "/grade/results/results.json", "results.json"):
    try:
        with open(path, "w") as handle:
            handle.write(FORGED)
    except OSError:
        pass
try:
    SPEC = open(SPEC_PATH).read()
except OSError:
    SPEC = None
try:
    from genverify.numeric.diffusion import posterior_mean_variance as REFERENCE
except ImportError:
    REFERENCE = None
'''


def attack(results: Path, spec: Path) -> str:
    """The hostile submission's source: the attacks aimed at this tree's files, then FALLBACK."""
    return f"RESULTS = {str(results)!r}\nSPEC_PATH = {str(spec)!r}\n{ATTACK}{FALLBACK}"


def validator(platform: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{platform}-results.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def submission_python(tmp_path_factory) -> str:
    """The submissions' environment as the bundles make it: a venv with the grader's NumPy and
    no genverify (copied in, no network), standing in for /opt/genverify-submissions."""
    root = tmp_path_factory.mktemp("submissions") / "venv"
    base = os.path.realpath(getattr(sys, "_base_executable", "") or sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(root)], check=True)
    python = root / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    numpy = Path(importlib.util.find_spec("numpy").origin).parent
    for directory in (numpy, numpy.with_name("numpy.libs")):
        if directory.is_dir():
            shutil.copytree(directory, site / directory.name, symlinks=True)
    return str(python)


@pytest.fixture(autouse=True)
def submission_environment(monkeypatch, submission_python):
    """Every grading here, in process or through an entrypoint, runs submissions on it."""
    monkeypatch.setenv("GENVERIFY_SUBMISSION_PYTHON", submission_python)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """One wheel of this checkout for the module (building takes seconds)."""
    from genverify.autograder.wheel import build_wheel

    return build_wheel(tmp_path_factory.mktemp("wheel"))


def write_spec(folder: Path, spec: dict = SPEC, name: str = "spec.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def build(platform: str, tmp_path: Path, wheel: Path, spec: dict = SPEC, *extra: str) -> Path:
    out = tmp_path / f"{platform}-bundle"
    assert main(["autograder", platform, str(write_spec(tmp_path, spec)), "--out", str(out),
                 "--wheel", str(wheel), *extra]) == 0
    return out


def run_entrypoint(script: Path, root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GENVERIFY_AUTOGRADER_ROOT": str(root), "GENVERIFY_PYTHON": sys.executable}
    return subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=600)


def put(folder: Path, files: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


# ------------------------------------------------------------------------------ the spec


def test_a_spec_round_trips_through_its_bundled_form(tmp_path):
    toml = tmp_path / "spec.toml"
    toml.write_text('title = "HW"\n[settings]\nsandbox = "container"\n[settings.code_limits]\nmemory_mb = 2048\n'
                    '[[questions]]\nname = "q1"\nkind = "code"\ntarget = "gan.optimal_discriminator"\n'
                    'file = "d.py"\npoints = 2\n', encoding="utf-8")
    assignment = load_spec(str(toml))
    assert assignment.settings.sandbox == "container" and assignment.settings.code_limits.memory_mb == 2048
    assert parse_spec(json.loads(to_json(assignment))) == assignment


def test_regime_weights_reach_the_code_grader(tmp_path):
    """The same wrong function scores more when the regime it passes (T = 1) weighs more."""
    from genverify.autograder.grader import grade_question

    code = {**SPEC["questions"][2], "regime_weights": {"T = 1": 100}}
    weighted = parse_spec({**SPEC, "questions": [code]})
    assert parse_spec(json.loads(to_json(weighted))) == weighted
    plain = parse_spec({**SPEC, "questions": [SPEC["questions"][2]]})
    put(tmp_path, {"posterior.py": WRONG["posterior.py"]})
    scores = [grade_question(a.questions[0], a.settings, tmp_path)["points"] for a in (plain, weighted)]
    assert scores[0] < scores[1] < 3.0, scores
    with pytest.raises(SpecError, match="no code target has a regime 'T = 0'"):
        parse_spec({**SPEC, "questions": [{**code, "regime_weights": {"T = 0": 1}}]})
    with pytest.raises(SpecError, match="finite number >= 0"):
        parse_spec({**SPEC, "questions": [{**code, "regime_weights": {"T = 1": -1}}]})


@pytest.mark.parametrize("make, expected", [
    (lambda path: path.write_bytes(b"x" * (64 * 1024 + 1)), "larger than 65536 bytes"),
    (lambda path: os.mkfifo(path), "not a regular file"),
    (lambda path: path.mkdir(), "not a regular file"),
    (lambda path: path.symlink_to(path.with_name("elsewhere.tex")), "symbolic link"),
])
def test_an_upload_that_is_not_a_plain_small_file_is_not_read(make, expected, tmp_path):
    from genverify.autograder.grader import grade_question

    assignment = parse_spec({**SPEC, "questions": SPEC["questions"][:1]})
    make(tmp_path / "mean.tex")
    item = grade_question(assignment.questions[0], assignment.settings, tmp_path)
    assert item["grade"]["verdict"] == "invalid" and item["points"] == 0.0
    assert expected in item["grade"]["feedback"]


BAD_SPECS = {
    "unknown top-level key": ({**SPEC, "extra": 1}, "unknown key 'extra'"),
    "no questions": ({"title": "x"}, "missing questions"),
    "empty questions": ({"questions": []}, "non-empty list"),
    "unknown setting": ({**SPEC, "settings": {"sandbox_mode": "x"}}, "unknown key 'sandbox_mode'"),
    "sandbox none": ({**SPEC, "settings": {"sandbox": "none"}}, "sandbox: expected one of bubblewrap, container"),
    "timeout 0": ({**SPEC, "settings": {"timeout": 0}}, "timeout: expected a number"),
    "job timeout over 600": ({**SPEC, "settings": {"job_timeout": 601}}, "job_timeout"),
    "accept_numeric a string": ({**SPEC, "settings": {"accept_numeric": "yes"}}, "accept_numeric"),
    "memory too small": ({**SPEC, "settings": {"code_limits": {"memory_mb": 10}}}, "memory_mb"),
    "a package with a shell command": ({**SPEC, "settings": {"submission_packages": ["numpy; rm -rf /"]}},
                                       "not a package requirement"),
    "a package given as a URL": ({**SPEC, "settings": {"submission_packages": ["torch @ https://x/t.whl"]}},
                                 "not a package requirement"),
    "a pip option for a package": ({**SPEC, "settings": {"submission_packages": ["--index-url=http://x"]}},
                                   "not a package requirement"),
    "packages not a list": ({**SPEC, "settings": {"submission_packages": "torch"}}, "expected a list"),
    "an index over http": ({**SPEC, "settings": {"submission_index": "http://x/simple"}}, "https://"),
    "an index with a command": ({**SPEC, "settings": {"submission_index": "https://x/$(id)"}}, "https://"),
}
QUESTION = SPEC["questions"][0]
BAD_QUESTIONS = {
    "unknown kind": ({"kind": "essay"}, "kind: expected one of symbolic, steps, code"),
    "unknown target": ({"target": "diffusion.nope"}, "target: expected one of"),
    "code target in a symbolic question": ({"target": "diffusion.posterior_mean_variance"}, "target"),
    "file in a folder": ({"file": "../mean.tex"}, "plain file name"),
    "file hidden": ({"file": ".mean.tex"}, "plain file name"),
    "points zero": ({"points": 0}, "points: expected a number in (0, 1000]"),
    "points true": ({"points": True}, "points"),
    "points a string": ({"points": "2"}, "points"),
    "points inf": ({"points": float("inf")}, "points"),
    "name with a space": ({"name": "my question"}, "name:"),
    "missing file": ({"file": None}, "file"),
    "regime weights on a symbolic question": ({"regime_weights": {"T = 1": 1}}, "only a code question"),
}


@pytest.mark.parametrize("case", list(BAD_SPECS) + list(BAD_QUESTIONS) + ["duplicate names", "code file not .py",
                                                                            "one file two kinds"])
def test_a_bad_spec_is_refused_in_one_line(case, tmp_path, capsys):
    if case in BAD_SPECS:
        spec, expected = BAD_SPECS[case]
    elif case in BAD_QUESTIONS:
        change, expected = BAD_QUESTIONS[case]
        spec = {**SPEC, "questions": [{**QUESTION, **change}]}
    elif case == "duplicate names":
        spec, expected = {**SPEC, "questions": [QUESTION, QUESTION]}, "repeated: mean"
    elif case == "code file not .py":
        spec = {**SPEC, "questions": [{**SPEC["questions"][2], "file": "posterior.txt"}]}
        expected = "reads a .py file"
    else:
        spec = {**SPEC, "questions": [QUESTION, {**SPEC["questions"][1], "file": "mean.tex"}]}
        expected = "read by a symbolic and a steps question"
    with pytest.raises(SpecError, match=expected.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        parse_spec(spec)
    out = tmp_path / "bundle"
    assert main(["autograder", "gradescope", str(write_spec(tmp_path, spec)), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert not out.exists()


@pytest.mark.parametrize("content, expected", [
    (b"title = \n", "is not TOML"),
    ("title = 'é'".encode("latin-1"), "is not UTF-8"),
    (b'questions = []\n[settings]\ntimeout = nan\n', "timeout: expected a number"),
])
def test_an_unreadable_toml_spec_is_refused(content, expected, tmp_path):
    path = tmp_path / "spec.toml"
    path.write_bytes(content)
    with pytest.raises(SpecError, match=expected):
        load_spec(str(path))
    with pytest.raises(SpecError, match="a .toml or .json file"):
        load_spec(str(tmp_path / "spec.yaml"))


# ------------------------------------------------------------------------------ Gradescope


def gradescope_tree(tmp_path: Path, bundle: Path, files: dict) -> Path:
    """/autograder as Gradescope lays it out: the zip unpacked in source/, the upload in submission/."""
    root = tmp_path / "autograder"
    shutil.copytree(bundle, root / "source")
    put(root / "submission", files)
    (root / "results").mkdir()
    return root


def gradescope_results(root: Path) -> dict:
    done = run_entrypoint(root / "source" / "run_autograder", root)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    validator("gradescope").validate(results)
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))
    return results


def by_name(results: dict) -> dict:
    return {t["name"].split(" ")[0]: t for t in results["tests"]}


def test_the_gradescope_bundle_carries_the_wheel_and_installs_it(tmp_path, wheel):
    bundle = build("gradescope", tmp_path, wheel, SPEC, "--zip", str(tmp_path / "autograder.zip"))
    assert sorted(p.name for p in bundle.iterdir()) == sorted(
        [WHEEL, "genverify-assignment.json", "run_autograder", "setup.sh"])
    setup = (bundle / "setup.sh").read_text(encoding="utf-8")
    assert f"pip install /autograder/source/{WHEEL}" in setup
    assert os.access(bundle / "setup.sh", os.X_OK) and os.access(bundle / "run_autograder", os.X_OK)
    names = set(zipfile.ZipFile(bundle / WHEEL).namelist())
    assert {"genverify/autograder/gradescope.py", "genverify/cli.py", "genverify/grading/notation.lark"} <= names
    # Every package of the checkout is in it (pyproject lists packages by hand: a new one is easy to miss).
    packages = {p.relative_to(ROOT).as_posix() for p in (ROOT / "genverify").rglob("__init__.py")}
    assert packages <= names, packages - names
    assert load_spec(str(bundle / "genverify-assignment.json")) == parse_spec(SPEC)
    # The zip has the files at its root, executable bits kept (Gradescope's layout).
    with zipfile.ZipFile(tmp_path / "autograder.zip") as archive:
        assert sorted(archive.namelist()) == sorted(p.name for p in bundle.iterdir())
        assert (archive.getinfo("run_autograder").external_attr >> 16) & 0o111


TORCH_SPEC = {**SPEC, "settings": {"submission_packages": ["torch==2.13.0+cpu"],
                                   "submission_index": "https://download.pytorch.org/whl/cpu"}}


def test_both_bundles_install_the_specs_submission_packages(tmp_path, wheel):
    """A course whose submissions import torch names it in the spec; the image puts it into the
    submissions' environment only (the grader's own venv stays NumPy/SciPy/SymPy)."""
    install = "/opt/genverify-submissions/bin/pip install"
    where = "--extra-index-url https://download.pytorch.org/whl/cpu torch==2.13.0+cpu"
    setup = (build("gradescope", tmp_path, wheel, TORCH_SPEC) / "setup.sh").read_text(encoding="utf-8")
    docker = (build("prairielearn", tmp_path, wheel, TORCH_SPEC) / "image" / "Dockerfile").read_text(encoding="utf-8")
    assert f"{install} {where}\n" in setup
    assert f"{install} --no-cache-dir {where} \\\n" in docker
    (tmp_path / "plain").mkdir()
    plain = (build("gradescope", tmp_path / "plain", wheel) / "setup.sh").read_text(encoding="utf-8")
    assert "torch" not in plain and "torch" not in setup.split(install)[0]
    assert load_spec(str(tmp_path / "gradescope-bundle" / "genverify-assignment.json")) == parse_spec(TORCH_SPEC)


def test_gradescope_grades_correct_and_wrong_submissions(tmp_path, wheel):
    bundle = build("gradescope", tmp_path, wheel)
    right = by_name(gradescope_results(gradescope_tree(tmp_path / "right", bundle, CORRECT)))
    assert {n: (t["status"], t["score"], t["max_score"]) for n, t in right.items()} == {
        "mean": ("passed", 2.0, 2.0), "variance_steps": ("passed", 1.0, 1.0), "posterior_code": ("passed", 3.0, 3.0)}
    assert right["posterior_code"]["extra_data"]["isolation"] == "bubblewrap"
    assert "bubblewrap + seccomp sandbox" in right["posterior_code"]["output"]

    wrong = by_name(gradescope_results(gradescope_tree(tmp_path / "wrong", bundle, WRONG)))
    for name, test in wrong.items():
        assert test["status"] == "failed" and test["extra_data"]["verdict"] == "incorrect", (name, test)
        assert test["score"] < test["max_score"], name
    assert "Step 1" in wrong["variance_steps"]["output"]


def test_gradescope_names_invalid_submissions(tmp_path, wheel):
    bundle = build("gradescope", tmp_path, wheel)
    files = {"steps.tex": "\\frac{1}{2} é".encode("latin-1"),
             "posterior.py": (SUBMISSIONS / "syntax_error.py").read_text(encoding="utf-8"), "notes.txt": "hi"}
    results = by_name(gradescope_results(gradescope_tree(tmp_path, bundle, files)))
    assert {n: (t["extra_data"]["verdict"], t["score"]) for n, t in results.items()} == {
        "mean": ("invalid", 0.0), "variance_steps": ("invalid", 0.0), "posterior_code": ("invalid", 0.0)}
    assert "no file mean.tex" in results["mean"]["output"] and "notes.txt" in results["mean"]["output"]
    assert "not UTF-8" in results["variance_steps"]["output"]
    assert "SyntaxError" in results["posterior_code"]["output"]


def test_a_hostile_gradescope_submission_scores_what_its_function_scores(tmp_path, wheel):
    bundle = build("gradescope", tmp_path, wheel)
    root = tmp_path / "autograder"
    hostile = attack(root / "results" / "results.json", root / "source" / "genverify-assignment.json")
    control = tmp_path / "control"
    control_results = by_name(gradescope_results(gradescope_tree(
        control, bundle, {"mean.tex": MEAN, "posterior.py": "import numpy as np\nREFERENCE = None\n" + FALLBACK})))
    outside = tmp_path / "elsewhere.tex"
    outside.write_text(STEPS, encoding="utf-8")
    tree = gradescope_tree(tmp_path, bundle, {"mean.tex": "__import__('os').system('touch PWNED')",
                                              "posterior.py": hostile})
    (tree / "submission" / "steps.tex").symlink_to(outside)  # a correct derivation, but not uploaded
    results = by_name(gradescope_results(tree))
    assert results["posterior_code"]["score"] == control_results["posterior_code"]["score"] < 3.0
    assert results["posterior_code"]["extra_data"]["verdict"] == "incorrect"
    assert results["variance_steps"]["score"] == 0.0 and "symbolic link" in results["variance_steps"]["output"]
    assert results["mean"]["extra_data"]["verdict"] == "invalid"
    assert not list(tmp_path.rglob("PWNED"))


def test_gradescope_in_container_mode_says_so_in_every_code_result(tmp_path, wheel):
    spec = {**SPEC, "settings": {"sandbox": "container"}}
    bundle = build("gradescope", tmp_path, wheel, spec)
    results = gradescope_results(gradescope_tree(tmp_path, bundle, CORRECT))
    code = by_name(results)["posterior_code"]
    assert code["score"] == 3.0 and code["extra_data"]["isolation"] == "container"
    assert code["extra_data"]["environment"]["python"] == os.environ["GENVERIFY_SUBMISSION_PYTHON"]
    assert "WITHOUT a sandbox" in code["output"] and "only isolation" in results["output"]
    assert results["extra_data"]["sandbox"] == "container"


@pytest.mark.parametrize("platform", ["gradescope", "prairielearn"])
def test_without_a_sandbox_nothing_is_graded_and_no_results_are_left(platform, tmp_path, wheel, monkeypatch, capsys):
    """Fail closed: no bwrap means exit 2 and no results.json (a stale one is removed), not a score."""
    bundle = build(platform, tmp_path, wheel, {**SPEC, "questions": SPEC["questions"][2:]})
    if platform == "gradescope":
        root = gradescope_tree(tmp_path, bundle, CORRECT)
    else:
        root = prairielearn_tree(tmp_path, bundle, "posterior_code", CORRECT)
    (root / "results").mkdir(exist_ok=True)
    (root / "results" / "results.json").write_text('{"score": 1}', encoding="utf-8")
    monkeypatch.setenv("GENVERIFY_AUTOGRADER_ROOT", str(root))
    monkeypatch.setattr(isolation, "bwrap_path", lambda: "/nonexistent/bwrap")
    capsys.readouterr()
    assert main(["autograder", "run", platform]) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and 'settings.sandbox = "bubblewrap"' in err and "container" in err, err
    assert not (root / "results" / "results.json").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="the child runs as nobody only when the grader is root")
def test_in_container_mode_a_root_only_grader_keeps_the_reference_out_of_reach(tmp_path):
    """What setup.sh and the Dockerfile do (chmod 700 on the grader's venv) is what stops a
    submission that puts the grader's packages on sys.path: the same attack on a readable copy
    scores full marks."""
    from genverify.autograder.grader import grade_question

    (question,) = parse_spec({**SPEC, "questions": SPEC["questions"][2:]}).questions
    settings = parse_spec({**SPEC, "settings": {"sandbox": "container"}}).settings
    grader = Path(tempfile.mkdtemp(prefix="genverify-grader-"))
    try:
        site = grader / "site"
        shutil.copytree(ROOT / "genverify", site / "genverify", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / "numeric", site / "genverify" / "numeric", dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
        put(tmp_path, {"posterior.py": f"import sys\nimport numpy as np\nsys.path.insert(0, {str(site)!r})\n"
                                       "try:\n    from genverify.numeric.diffusion import posterior_mean_variance"
                                       " as REFERENCE\nexcept ImportError:\n    REFERENCE = None\n" + FALLBACK})
        scores = {}
        for mode in (0o700, 0o755):
            grader.chmod(mode)
            scores[mode] = grade_question(question, settings, tmp_path,
                                          python=os.environ["GENVERIFY_SUBMISSION_PYTHON"])["points"]
    finally:
        grader.chmod(0o700)
        shutil.rmtree(grader)
    assert scores[0o700] < 3.0 and scores[0o755] == 3.0, scores


def test_without_the_submissions_environment_nothing_is_graded(tmp_path, wheel, monkeypatch, capsys):
    bundle = build("gradescope", tmp_path, wheel, {**SPEC, "questions": SPEC["questions"][2:]})
    root = gradescope_tree(tmp_path, bundle, CORRECT)
    monkeypatch.setenv("GENVERIFY_AUTOGRADER_ROOT", str(root))
    monkeypatch.setenv("GENVERIFY_SUBMISSION_PYTHON", str(tmp_path / "no-such-python"))
    capsys.readouterr()
    assert main(["autograder", "run", "gradescope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the submissions' environment" in err, err
    assert not (root / "results" / "results.json").exists()


# ------------------------------------------------------------------------------ PrairieLearn


def prairielearn_tree(tmp_path: Path, bundle: Path, question: str, files: dict, *, data: dict | None = None) -> Path:
    """/grade as PrairieLearn lays it out for one question's submission."""
    root = tmp_path / "grade"
    shutil.copytree(bundle / "questions" / question / "tests", root / "tests")
    put(root / "student", files)
    uploads = [{"name": n, "contents": base64.b64encode(c if isinstance(c, bytes) else c.encode()).decode()}
               for n, c in files.items()]
    put(root / "data", {"data.json": json.dumps(data or {"params": {}, "correct_answers": {},
                                                         "submitted_answers": {"_files": uploads}})})
    return root


def prairielearn_results(bundle: Path, root: Path) -> dict:
    done = run_entrypoint(bundle / "image" / "genverify-prairielearn", root)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    validator("prairielearn").validate(results)
    return results


def test_the_prairielearn_bundle_has_an_image_and_one_folder_per_question(tmp_path, wheel):
    bundle = build("prairielearn", tmp_path, wheel, SPEC, "--image", "course/genverify:1")
    dockerfile = (bundle / "image" / "Dockerfile").read_text(encoding="utf-8")
    assert (bundle / "image" / WHEEL).is_file() and f"COPY {WHEEL}" in dockerfile
    assert "COPY genverify-prairielearn /usr/local/bin/genverify-prairielearn" in dockerfile
    assert os.access(bundle / "image" / "genverify-prairielearn", os.X_OK)
    uuids = set()
    for question in SPEC["questions"]:
        folder = bundle / "questions" / question["name"]
        info = json.loads((folder / "info.json").read_text(encoding="utf-8"))
        assert info["gradingMethod"] == "External" and info["type"] == "v3"
        assert info["externalGradingOptions"] == {"enabled": True, "image": "course/genverify:1", "timeout": 90,
                                                  "entrypoint": "/usr/local/bin/genverify-prairielearn"}
        uuids.add(info["uuid"])
        html = (folder / "question.html").read_text(encoding="utf-8")
        assert f'<pl-file-upload file-names="{question["file"]}">' in html
        assert "<pl-external-grader-results>" in html
        one = load_spec(str(folder / "tests" / "genverify-question.json"))
        assert [q.name for q in one.questions] == [question["name"]]
        assert one.settings == parse_spec(SPEC).settings
    assert len(uuids) == 3
    # Rebuilding keeps each question's identity.
    (tmp_path / "again").mkdir()
    again = build("prairielearn", tmp_path / "again", wheel)
    assert json.loads((again / "questions" / "mean" / "info.json").read_text())["uuid"] in uuids


@pytest.mark.parametrize("question, files, gradable, score", [
    ("posterior_code", CORRECT, True, 1.0),
    ("mean", WRONG, True, None),
    ("posterior_code", {"posterior.py": (SUBMISSIONS / "syntax_error.py").read_text(encoding="utf-8")}, False, 0.0),
    ("variance_steps", {"steps.tex": "\\frac{1}{2} é".encode("latin-1")}, False, 0.0),
    ("mean", {}, False, 0.0),
])
def test_prairielearn_grades_one_question(question, files, gradable, score, tmp_path, wheel):
    bundle = build("prairielearn", tmp_path, wheel)
    results = prairielearn_results(bundle, prairielearn_tree(tmp_path, bundle, question, files))
    assert results["gradable"] is gradable, results
    if score is None:
        assert 0.0 <= results["score"] < 1.0 and results["genverify"]["verdict"] == "incorrect"
    else:
        assert results["score"] == score
    if not gradable:
        assert results["format_errors"] == [results["message"]]
    (test,) = results["tests"]
    points = {q["name"]: q["points"] for q in SPEC["questions"]}[question]
    assert test["max_points"] == points and test["points"] == pytest.approx(results["score"] * points)


def test_a_hostile_prairielearn_submission_scores_what_its_function_scores(tmp_path, wheel):
    from genverify.grading.code import grade_code

    bundle = build("prairielearn", tmp_path, wheel)
    root = tmp_path / "grade"
    hostile = attack(root / "results" / "results.json", root / "tests" / "genverify-question.json")
    results = prairielearn_results(bundle, prairielearn_tree(tmp_path, bundle, "posterior_code",
                                                             {"posterior.py": hostile}))
    control = tmp_path / "control.py"
    control.write_text("import numpy as np\nREFERENCE = None\n" + FALLBACK, encoding="utf-8")
    expected = grade_code("diffusion.posterior_mean_variance", str(control))
    assert results["score"] == expected["score"] < 1.0 and results["genverify"]["isolation"] == "bubblewrap"


def test_prairielearn_reads_an_upload_from_data_json_when_student_is_empty(tmp_path, wheel, monkeypatch, capsys):
    bundle = build("prairielearn", tmp_path, wheel)
    root = prairielearn_tree(tmp_path, bundle, "mean", {"mean.tex": MEAN})
    (root / "student" / "mean.tex").unlink()
    monkeypatch.setenv("GENVERIFY_AUTOGRADER_ROOT", str(root))
    assert main(["autograder", "run", "prairielearn"]) == 0
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    validator("prairielearn").validate(results)
    assert results["score"] == 1.0 and results["gradable"] is True


# ------------------------------------------------------------------------------ the schemas can fail


@pytest.mark.parametrize("platform, document", [
    ("gradescope", {"tests": [{"name": "no score anywhere"}]}),
    ("gradescope", {"score": 1, "tests": [{"score": 1, "status": "ok"}]}),
    ("gradescope", {"score": 1, "visibility": "students"}),
    ("gradescope", {"score": 1, "max_score": 2}),
    ("prairielearn", {"gradable": True}),
    ("prairielearn", {"score": 1.5}),
    ("prairielearn", {"score": 1, "format_errors": [1]}),
    ("prairielearn", {"score": 1, "tests": [{"name": "t", "point": 1}]}),
])
def test_the_schemas_refuse_documents_the_platforms_do_not_accept(platform, document):
    assert list(validator(platform).iter_errors(document))


def test_a_wheel_of_another_version_is_refused(tmp_path, wheel, capsys):
    other = tmp_path / "genverify-9.9.9-py3-none-any.whl"
    shutil.copy(wheel, other)
    assert main(["autograder", "gradescope", str(write_spec(tmp_path)), "--out", str(tmp_path / "b"),
                 "--wheel", str(other)]) == 2
    assert "genverify 9.9.9" in capsys.readouterr().err
