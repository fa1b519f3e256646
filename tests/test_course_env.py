"""``grade-code``'s course environment (``--python``) and its limits (issue 12).

The torch tests run only where ``GENVERIFY_COURSE_PYTHON`` names an interpreter of a venv holding
the CPU torch wheel and NumPy (``.ci/run`` builds one and sets it); they skip only when it is
unset, so a broken course environment fails.  The rest build what they need here: a NumPy-only
course venv (NumPy copied in, no network), submissions that need the standard library unpatched,
and limits set both ways (a submission that fits and one that does not).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from genverify.cli import main
from genverify.grading.code import CourseEnvironmentError, Limits, grade_code

SUBMISSIONS = Path(__file__).parent / "submissions"
POSTERIOR = "diffusion.posterior_mean_variance"
CORRECT = (SUBMISSIONS / "correct_posterior.py").read_text(encoding="utf-8")
COURSE_PYTHON = os.environ.get("GENVERIFY_COURSE_PYTHON")
#: A generous wall clock: a torch import on a loaded machine takes seconds.
LIMITS = Limits(seconds=60.0)


def submission(tmp_path: Path, prologue: str, name: str = "submission.py") -> str:
    """The correct posterior with ``prologue`` run first at import (its failure is the verdict)."""
    path = tmp_path / name
    path.write_text(prologue + "\n" + CORRECT, encoding="utf-8")
    return str(path)


def graded(path: str, limits: Limits = LIMITS, **kwargs) -> dict:
    return grade_code(POSTERIOR, path, max_examples=8, limits=limits, **kwargs)


def _base_python() -> str:
    return os.path.realpath(getattr(sys, "_base_executable", "") or sys.executable)


@pytest.fixture(scope="module")
def numpy_venv(tmp_path_factory) -> str:
    """A course venv holding only NumPy, copied from the grader's (no network needed)."""
    root = tmp_path_factory.mktemp("course") / "venv"
    subprocess.run([_base_python(), "-m", "venv", "--without-pip", str(root)], check=True)
    python = root / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    numpy_dir = Path(np.__file__).resolve().parent
    for directory in (numpy_dir, numpy_dir.with_name("numpy.libs")):
        if directory.is_dir():
            shutil.copytree(directory, site / directory.name, symlinks=True)
    metadata = next(f for f in importlib.metadata.distribution("numpy").files
                    if f.name == "METADATA")
    info = Path(metadata.locate()).parent  # the .dist-info directory
    shutil.copytree(info, site / info.name)
    return str(python)


# ---------------------------------------------------------------- the standard library works


UNPATCHED = """
import _socket, os, socket, ssl, tempfile, threading
assert socket.socket.__mro__[1] is _socket.socket, "socket.socket was replaced"
assert ssl.create_default_context() is not None
assert os.environ["TMPDIR"] == "/tmp" == tempfile.gettempdir()
with tempfile.NamedTemporaryFile() as scratch:
    scratch.write(b"x" * (1 << 20))
    scratch.flush()
    assert os.path.getsize(scratch.name) == 1 << 20
_seen = []
_thread = threading.Thread(target=_seen.append, args=(1,))
_thread.start()
_thread.join()
assert _seen == [1]
"""


def test_ssl_tempfile_and_threads_work_in_the_sandbox(tmp_path):
    report = graded(submission(tmp_path, UNPATCHED))
    assert (report["verdict"], report["sandbox"]) == ("correct", "bubblewrap+seccomp"), report


def test_the_check_of_the_standard_library_can_fail(tmp_path):
    """The prologue above is a real check: a failing assertion in it is the verdict."""
    report = graded(submission(tmp_path, UNPATCHED.replace("== [1]", "== [2]")))
    assert report["verdict"] == "invalid" and "AssertionError" in report["feedback"], report


# ---------------------------------------------------------------- limits, both ways


WRITE = "import tempfile\nwith tempfile.TemporaryFile() as f:\n    f.write(b'x' * ({mib} << 20))\n    f.flush()\n"


def test_the_temp_dir_is_capped_at_the_size_given(tmp_path):
    path = submission(tmp_path, WRITE.format(mib=3))
    assert graded(path, Limits(seconds=60.0, tmp_bytes=4 << 20))["verdict"] == "correct"
    report = graded(path, Limits(seconds=60.0, tmp_bytes=2 << 20))
    assert report["verdict"] == "invalid" and "OSError" in report["feedback"], report


ALLOCATE = "import numpy as np\n_block = np.ones({mib} << 17)\n"  # float64: MiB << 17 elements


def test_the_memory_limit_is_the_size_given(tmp_path):
    path = submission(tmp_path, ALLOCATE.format(mib=300))
    assert graded(path, Limits(seconds=60.0, memory_bytes=1 << 30))["verdict"] == "correct"
    report = graded(path, Limits(seconds=60.0, memory_bytes=256 << 20))
    assert report["verdict"] == "invalid" and "MemoryError" in report["feedback"], report


SHARED = "import mmap\n_shared = mmap.mmap(-1, {mib} << 20)\n"


def test_shared_memory_is_bounded_by_the_address_space(tmp_path):
    """RLIMIT_DATA does not count shared mappings; RLIMIT_AS (memory + 1 GiB) does.  The mapping
    is never touched, so the refused size costs nothing either way."""
    limits = Limits(seconds=60.0, memory_bytes=256 << 20)
    assert graded(submission(tmp_path, SHARED.format(mib=512), "fits.py"), limits)["verdict"] == "correct"
    report = graded(submission(tmp_path, SHARED.format(mib=2048), "exceeds.py"), limits)
    assert report["verdict"] == "invalid" and "OSError" in report["feedback"], report


@pytest.mark.parametrize("field", ["seconds", "cpu_seconds", "memory_bytes", "tmp_bytes"])
@pytest.mark.parametrize("value", [0, -1, float("nan")])
def test_limits_refuse_values_that_are_not_positive(field, value):
    with pytest.raises(ValueError, match=field):
        Limits(**{field: value})


def test_the_cli_defaults_are_the_limits_defaults():
    from genverify.cli import _parser

    args = _parser().parse_args(["grade-code", POSTERIOR, "x.py"])
    assert Limits(seconds=args.wall_seconds, cpu_seconds=args.cpu_seconds,
                  memory_bytes=args.memory_mb << 20, tmp_bytes=args.tmp_mb << 20) == Limits()


def test_the_cli_passes_its_limits_through(tmp_path, capsys):
    path = submission(tmp_path, WRITE.format(mib=3))
    argv = ["grade-code", POSTERIOR, path, "--format", "json", "--wall-seconds", "60"]
    assert main([*argv, "--tmp-mb", "4"]) == 0
    assert main([*argv, "--tmp-mb", "2"]) == 1
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["verdict"] == "invalid" and "OSError" in report["feedback"], report


# ---------------------------------------------------------------- environments


def test_the_default_environment_is_recorded(tmp_path):
    report = graded(str(SUBMISSIONS / "correct_posterior.py"))
    assert report["environment"] == {"python": sys.executable,
                                     "version": "%d.%d.%d" % sys.version_info[:3],
                                     "packages": [f"numpy=={np.__version__}"]}


def test_a_numpy_course_venv_grades_and_hides_the_grader(numpy_venv, tmp_path):
    report = graded(str(SUBMISSIONS / "correct_posterior.py"), python=numpy_venv)
    assert (report["verdict"], report["sandbox"]) == ("correct", "bubblewrap+seccomp"), report
    assert report["environment"]["python"] == numpy_venv
    assert report["environment"]["packages"] == [f"numpy=={np.__version__}"]
    # The grader's own packages (Hypothesis, genverify) are not in the course environment.
    for module in ("hypothesis", "genverify"):
        report = graded(submission(tmp_path, f"import {module}"), python=numpy_venv)
        assert report["verdict"] == "invalid", report
        assert f"No module named '{module}'" in report["feedback"], report


@pytest.mark.parametrize("sandboxed", [True, False])
def test_the_child_uses_the_course_environments_own_numpy(numpy_venv, tmp_path, sandboxed):
    venv = os.path.dirname(os.path.dirname(numpy_venv))
    prologue = f"import numpy\nassert numpy.__file__.startswith({venv + os.sep!r}), numpy.__file__"
    report = graded(submission(tmp_path, prologue), python=numpy_venv, sandboxed=sandboxed)
    assert report["verdict"] == "correct", report
    assert report["sandbox"] == ("bubblewrap+seccomp" if sandboxed else "none")
    # The check can fail: the default environment's NumPy is elsewhere.
    assert graded(submission(tmp_path, prologue), sandboxed=sandboxed)["verdict"] == "invalid"


def test_a_course_venv_without_numpy_is_refused_in_one_line(tmp_path, capsys):
    venv = tmp_path / "bare"
    subprocess.run([_base_python(), "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    with pytest.raises(CourseEnvironmentError, match="cannot import numpy"):
        graded(str(SUBMISSIONS / "correct_posterior.py"), python=python)
    assert main(["grade-code", POSTERIOR, str(SUBMISSIONS / "correct_posterior.py"), "--python", python]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "cannot import numpy" in err, err


def test_an_environment_holding_genverify_is_refused():
    """The grader's own venv has genverify: as a course environment it would hand every
    submission the reference."""
    with pytest.raises(CourseEnvironmentError, match="genverify installed"):
        graded(str(SUBMISSIONS / "correct_posterior.py"), python=sys.executable)


def test_torch_is_not_in_the_default_environment():
    report = graded(str(SUBMISSIONS / "torch_correct_posterior.py"))
    assert report["verdict"] == "invalid" and "No module named 'torch'" in report["feedback"], report


# ---------------------------------------------------------------- torch (CI's course venv)

needs_course = pytest.mark.skipif(COURSE_PYTHON is None,
                                  reason="GENVERIFY_COURSE_PYTHON is unset (.ci/run sets it)")


@needs_course
def test_a_torch_submission_is_graded_correct_in_the_course_environment():
    report = graded(str(SUBMISSIONS / "torch_correct_posterior.py"), python=COURSE_PYTHON)
    assert (report["verdict"], report["score"]) == ("correct", 1.0), report
    assert report["sandbox"] == "bubblewrap+seccomp"
    assert report["environment"]["python"] == os.path.abspath(COURSE_PYTHON)
    assert any(p.startswith("torch==") for p in report["environment"]["packages"]), report


@needs_course
def test_a_wrong_torch_submission_is_graded_incorrect_in_the_course_environment():
    report = graded(str(SUBMISSIONS / "torch_wrong_posterior.py"), python=COURSE_PYTHON)
    assert report["verdict"] == "incorrect" and report["score"] < 1.0, report
    assert "variance" in report["feedback"], report


@needs_course
@pytest.mark.parametrize(("name", "code"), [("torch_correct_posterior.py", 0),
                                            ("torch_wrong_posterior.py", 1)])
def test_the_cli_grades_torch_with_default_limits(name, code, capsys):
    """The defaults (memory, CPU, wall clock) fit a CPU torch import."""
    argv = ["grade-code", POSTERIOR, str(SUBMISSIONS / name), "--python", COURSE_PYTHON,
            "--format", "json"]
    assert main(argv) == code
    report = json.loads(capsys.readouterr().out)
    assert report["environment"]["python"] == os.path.abspath(COURSE_PYTHON)


@needs_course
def test_the_reference_stays_out_of_reach_in_the_course_environment():
    report = graded(str(SUBMISSIONS / "imports_reference.py"), python=COURSE_PYTHON)
    assert report["verdict"] == "invalid" and "No module named 'genverify'" in report["feedback"]
