"""``grade-code``'s sandbox against one hostile submission per attack class of issue 9.

Each hostile submission in ``tests/submissions/hostile_*.py`` (and the older ones) holds a
canary: it returns the right answer only if its attack got through, so a breach shows as
"correct".  Around every grading the ``guarded`` fixture checks that nothing changed outside:
the grader's install hashes the same, no process of ours is left, and the grader still grades.
CI runs this file as root and as an ordinary user, with the venv under /tmp and elsewhere.
"""

from __future__ import annotations

import ctypes
import dataclasses
import hashlib
import json
import os
import random
import re
import select
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

import genverify
from genverify.cli import main
from genverify.grading import isolation
from genverify.grading import sandbox as sandbox_module
from genverify.grading.code import Limits, SandboxUnavailable, grade_code
from genverify.grading.formats import FORMATS, render
from genverify.numeric import diffusion

SUBMISSIONS = Path(__file__).parent / "submissions"
POSTERIOR = "diffusion.posterior_mean_variance"
#: A generous wall clock, so that under load the CPU limit (not the wall clock) stops a busy loop.
LIMITS = Limits(seconds=30.0, cpu_seconds=2)


#: The install's files an attacker would aim at: the grader, the reference and NumPy (other files
#: of the checkout may be edited by people while the suite runs).
TARGETS = [Path(genverify.__file__).parent / "grading" / name for name in
           ("code.py", "cases.py", "compare.py", "sandbox.py", "sandbox_worker.py", "formats.py")] \
    + [Path(np.__file__), Path(diffusion.__file__)]


def install_digest() -> str:
    digest = hashlib.sha256()
    for path in TARGETS:
        digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


def descendants() -> list[int]:
    """Processes whose ancestry reaches this test process."""
    parents = {}
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as stat:
                parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, frontier = [], [os.getpid()]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


@pytest.fixture
def guarded():
    before = install_digest()
    yield
    assert install_digest() == before, "the grader's install changed"
    assert descendants() == [], "a process outlived its grading"
    check = grade_code(POSTERIOR, str(SUBMISSIONS / "correct_posterior.py"), max_examples=5)
    assert check["verdict"] == "correct", check


def hostile(tmp_path: Path, name: str, **values) -> str:
    """A copy of ``name`` with each ``KEY = ...`` line set to ``values[KEY]``."""
    text = (SUBMISSIONS / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text, count = re.subn(rf"^{key} = .*$", f"{key} = {value!r}", text, flags=re.M)
        assert count == 1, key
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def graded(path: str, limits: Limits = LIMITS, **kwargs) -> dict:
    report = grade_code(POSTERIOR, path, limits=limits, max_examples=20, **kwargs)
    for fmt in FORMATS:
        out = render(report, fmt)
        out.encode("utf-8")
        if fmt != "text":
            json.loads(out)
    return report


def assert_not_correct(report: dict) -> None:
    # Partial credit (issue 12) may give a canary's fallback answer a regime it happens to get
    # right (at t = 1 the posterior is x_0 with variance 0); a breach scores 1.
    assert report["verdict"] != "correct" and report["score"] < 1.0, report
    assert report["sandbox"] == "bubblewrap+seccomp"


# (submission, words the feedback must contain; None: any reason)
HOSTILE = [
    ("imports_reference.py", "No module named 'genverify'"),
    ("hostile_reference_routes.py", "differs from the reference"),
    ("hostile_proc_parent.py", "differs from the reference"),
    ("hostile_kill_parent.py", None),
    ("hostile_install_files.py", "differs from the reference"),
    ("hostile_syscalls.py", "differs from the reference"),
    ("hostile_processes.py", None),  # the CPU or the address-space limit, whichever is first
    ("hostile_lying_objects.py", None),
    ("fork_bomb.py", "PermissionError"),
    ("os_system.py", "os.system returned"),
    ("infinite_loop.py", "more than 2 s of CPU time"),
    ("memory_hog.py", "MemoryError"),
    ("fake_verdict.py", "differs from the reference"),
    ("writes_results.py", "differs from the reference"),
    ("monkeypatch_numpy.py", "differs from the reference"),
]


@pytest.mark.parametrize(("name", "words"), HOSTILE, ids=[row[0] for row in HOSTILE])
def test_a_hostile_submission_is_not_correct_and_changes_nothing(guarded, name, words):
    report = graded(str(SUBMISSIONS / name))
    assert_not_correct(report)
    if words:
        assert words in report["feedback"], report["feedback"]


def test_a_sleeping_submission_is_stopped_by_the_wall_clock(guarded):
    report = graded(str(SUBMISSIONS / "sleeps_forever.py"), Limits(seconds=1.0, cpu_seconds=2))
    assert_not_correct(report)
    assert "did not finish within 1 s of wall-clock time" in report["feedback"]


@pytest.mark.parametrize(("mode", "words"), [
    ("bigint", "is not finite"), ("nan", "is not finite"), ("surrogate", "raised"),
    ("huge", "larger than"), ("deep", "malformed reply"), ("short", "exited with status 0"),
    ("shape", "malformed value"), ("flaky", None), ("dies", None),
])
def test_a_forged_or_inconsistent_reply_still_gets_a_verdict(guarded, tmp_path, mode, words):
    report = graded(hostile(tmp_path, "hostile_forged_reply.py", MODE=mode))
    assert_not_correct(report)
    if words:
        assert words in report["feedback"], report["feedback"]


def test_no_file_is_left_in_shared_or_home_directories(guarded, tmp_path, monkeypatch):
    nonce = f"genverify-test-{uuid.uuid4().hex}"
    monkeypatch.chdir(tmp_path)
    assert_not_correct(graded(hostile(tmp_path, "hostile_files_everywhere.py", NONCE=nonce)))
    places = ["/tmp", "/var/tmp", "/dev/shm", "/run/lock", os.path.expanduser("~"), str(tmp_path)]
    left = [os.path.join(p, f) for p in places if os.path.isdir(p) for f in os.listdir(p)
            if nonce in f]
    assert left == []


def test_no_connection_reaches_a_listener_on_localhost(guarded, tmp_path):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert_not_correct(graded(hostile(tmp_path, "hostile_network.py", PORT=port)))
        assert select.select([listener], [], [], 0)[0] == [], "the submission connected"


def _sysv_keys() -> set[int]:
    keys = set()
    for kind in ("shm", "sem", "msg"):
        with open(f"/proc/sysvipc/{kind}", encoding="ascii") as table:
            keys |= {int(line.split()[0]) for line in list(table)[1:]}
    return keys


def test_no_sysv_ipc_object_outlives_the_grading(guarded, tmp_path):
    key = random.Random(uuid.uuid4().int).randrange(1 << 20, 1 << 30)
    assert_not_correct(graded(hostile(tmp_path, "hostile_sysv_ipc.py", NONCE=key)))
    assert key not in _sysv_keys()


def test_a_concurrent_grading_survives_an_attacker(guarded):
    victim = subprocess.Popen(
        [sys.executable, "-c", "import sys; from genverify.grading.code import grade_code; "
         f"print(grade_code({POSTERIOR!r}, sys.argv[1], max_examples=5)['verdict'])",
         str(SUBMISSIONS / "correct_posterior_slow.py")], stdout=subprocess.PIPE, text=True)
    try:
        for _ in range(3):
            assert_not_correct(graded(str(SUBMISSIONS / "hostile_kill_parent.py")))
    finally:
        out, _ = victim.communicate(timeout=120)
    assert (victim.returncode, out.strip()) == (0, "correct")


def _sandboxes_marked(size: int) -> list[int]:
    """Processes whose command line holds ``--size SIZE`` (a tmpfs size no one else uses)."""
    marker = f"--size\0{size}\0".encode()
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                if marker in cmdline.read():
                    found.append(int(entry))
        except OSError:
            continue
    return found


def _poll(condition, limit_s: float = 60.0) -> bool:
    """Whether ``condition()`` became true within ``limit_s`` (a bound on waiting, not a timing)."""
    stop = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > stop:
            return False
        time.sleep(0.1)
    return True


def test_a_grader_killed_from_outside_takes_its_child_along():
    size = (1 << 20) + random.Random(uuid.uuid4().int).randrange(1, 1 << 16)
    grader = subprocess.Popen(
        [sys.executable, "-c", "import sys; from genverify.grading.code import Limits, grade_code; "
         f"grade_code({POSTERIOR!r}, sys.argv[1], limits=Limits(seconds=300, tmp_bytes={size}))",
         str(SUBMISSIONS / "sleeps_forever.py")])
    try:
        assert _poll(lambda: _sandboxes_marked(size)), "the sandbox never started"
    finally:
        grader.kill()
        grader.wait()
    assert _poll(lambda: not _sandboxes_marked(size)), "the sandbox outlived its grader"


@pytest.mark.parametrize("name", ["correct_posterior.py", "correct_posterior_loops.py",
                                  "correct_posterior_future.py"])
def test_honest_submissions_are_still_correct(name):
    report = grade_code(POSTERIOR, str(SUBMISSIONS / name), max_examples=40)
    assert (report["verdict"], report["sandbox"]) == ("correct", "bubblewrap+seccomp"), report


def test_the_grader_is_not_dumpable_after_grading():
    grade_code(POSTERIOR, str(SUBMISSIONS / "correct_posterior.py"), max_examples=1)
    assert ctypes.CDLL(None).prctl(3, 0, 0, 0, 0) == 0  # PR_GET_DUMPABLE


# ---------------------------------------------------------------- the canaries can sing


@pytest.mark.parametrize("name", ["hostile_reference_routes.py", "hostile_network.py"])
def test_without_the_sandbox_the_same_attacks_get_through(tmp_path, name):
    """The canaries work: unsandboxed (rlimits only), these read-only attacks score 1."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        path = hostile(tmp_path, name, PORT=listener.getsockname()[1]) \
            if name == "hostile_network.py" else str(SUBMISSIONS / name)
        report = grade_code(POSTERIOR, path, max_examples=5, sandboxed=False, limits=LIMITS)
    assert report["verdict"] == "correct" and report["sandbox"] == "none", report
    assert "WITHOUT a sandbox" in report["feedback"]


# ---------------------------------------------------------------- fail closed


def test_without_bwrap_grading_fails_closed(monkeypatch):
    monkeypatch.setattr(isolation, "bwrap_path", lambda: "/nonexistent/bwrap")
    with pytest.raises(SandboxUnavailable, match="--no-sandbox"):
        grade_code(POSTERIOR, str(SUBMISSIONS / "correct_posterior.py"), max_examples=1)
    assert descendants() == []


def test_a_sandbox_that_cannot_start_python_fails_closed(monkeypatch):
    broken = sandbox_module.grader_environment()
    monkeypatch.setattr(sandbox_module, "grader_environment",
                        lambda: dataclasses.replace(broken, libraries=()))
    with pytest.raises(SandboxUnavailable, match="cannot start the grading child"):
        grade_code(POSTERIOR, str(SUBMISSIONS / "correct_posterior.py"), max_examples=1)


def test_the_cli_exits_2_with_one_line_or_grades_with_no_sandbox(monkeypatch, capsys):
    monkeypatch.setattr(isolation, "bwrap_path", lambda: "/nonexistent/bwrap")
    path = str(SUBMISSIONS / "correct_posterior.py")
    assert main(["grade-code", POSTERIOR, path]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and "--no-sandbox" in err
    assert main(["grade-code", POSTERIOR, path, "--no-sandbox", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["sandbox"] == "none" and "WITHOUT a sandbox" in report["feedback"]
