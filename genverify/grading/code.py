"""Grade a student's Python function against the reference, running the student's code in a child.

Hypothesis draws the inputs here, in the grader's process; they travel as plain JSON over a pipe
to a separate, resource-limited Python process (:mod:`genverify.grading.sandbox_worker`) that
imports the submission and calls it; the values come back as plain JSON and are compared with
the reference (``numeric``) here.  The child is never handed the reference and never writes the
verdict: whatever it prints goes to ``/dev/null``, and a forged reply can only forge the
submission's own outputs, which are checked like any others.

Isolation in force (see :func:`_limit_child`): a new session (the whole process group is killed
afterwards), limits on CPU time, address space, open files and written file size (0 bytes: no
byte reaches any file), no core dumps, a wall-clock deadline per request, stdin closed, a
minimal environment (one BLAS thread), a fresh working directory deleted afterwards, and
``RLIMIT_NPROC`` = 1, so no fork and no thread.  As root (``RLIMIT_NPROC`` does not bind root):
the worker switches to ``nobody`` before the submission is imported; new network and mount
namespaces give no network, a private empty ``/tmp`` as working directory, and empty read-only
``/var/tmp``, ``/dev/shm`` and ``/run/lock``.  If the namespaces cannot be made (no
``CAP_SYS_ADMIN``) the child runs without them.

Not a real sandbox: there is no seccomp filter, so the submission can read any world-readable
file (the reference's source included, e.g. by putting the project on ``sys.path``).  Without
root it keeps the network and can create empty files wherever its user may.
"""

from __future__ import annotations

import json
import math
import os
import resource
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import hypothesis.extra.numpy as hnp
import numpy as np
from hypothesis import HealthCheck, Phase, find, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from genverify.numeric import diffusion, gan
from genverify.numeric.schedules import cosine_schedule, linear_schedule

_WORKER_SOURCE = (Path(__file__).with_name("sandbox_worker.py")).read_text(encoding="utf-8")
_NUMPY_PARENT = str(Path(np.__file__).resolve().parent.parent)
_NOBODY = 65534

#: Values agree when ``|actual - expected| <= atol + rtol |expected|``: rtol allows a different
#: but stable formula (β̄ as a cumulative product over 1000 steps loses ~1e-13 relative); atol
#: only absorbs underflow to subnormals when β̄_t is below 1e-300.
RTOL = 1e-6
ATOL = 1e-12


@dataclass(frozen=True)
class Limits:
    """What the child process may use.  ``seconds`` is the wall-clock deadline of each request."""

    seconds: float = 10.0
    cpu_seconds: int = 10
    memory_bytes: int = 1 << 30
    open_files: int = 64
    source_bytes: int = 256 * 1024
    reply_bytes: int = 16 * 1024 * 1024


@dataclass(frozen=True)
class CodeTarget:
    """A Python function contract: how to draw its inputs and what the reference returns."""

    result_id: str
    function: str
    signature: str
    reference: Callable
    inputs: st.SearchStrategy
    outputs: int


# ---------------------------------------------------------------- input strategies

_finite = dict(allow_nan=False, allow_infinity=False)


@st.composite
def _schedules(draw) -> dict:
    """A schedule as plain data: short explicit lists first (they shrink best), then the rest."""
    kind = draw(st.sampled_from(["explicit", "linear", "cosine", "arbitrary"]))
    if kind == "explicit":
        betas = draw(st.lists(st.floats(1e-5, 0.999, **_finite), min_size=1, max_size=6))
        return {"kind": kind, "betas": betas}
    T = draw(st.integers(1, 1000))
    if kind == "linear":
        beta_1, beta_T = (draw(st.floats(1e-5, 0.999, **_finite)) for _ in range(2))
        return {"kind": kind, "T": T, "beta_1": beta_1, "beta_T": beta_T}
    if kind == "cosine":
        return {"kind": kind, "T": T}
    low = draw(st.floats(-5.0, math.log10(0.999), **_finite))
    high = draw(st.floats(low, math.log10(0.999), **_finite))
    return {"kind": kind, "T": T, "log10_low": low, "log10_high": high,
            "seed": draw(st.integers(0, 2**32 - 1))}


def _betas(schedule: dict) -> np.ndarray:
    kind = schedule["kind"]
    if kind == "explicit":
        return np.asarray(schedule["betas"], dtype=np.float64)
    if kind == "linear":
        return linear_schedule(schedule["T"], schedule["beta_1"], schedule["beta_T"]).betas
    if kind == "cosine":
        return cosine_schedule(schedule["T"]).betas
    rng = np.random.default_rng(schedule["seed"])
    exponents = rng.uniform(schedule["log10_low"], schedule["log10_high"], schedule["T"])
    return np.minimum(10.0**exponents, 0.999)


def _arrays(shape, low=-10.0, high=10.0):
    return hnp.arrays(np.float64, shape, elements=st.floats(low, high, **_finite))


def _times(draw, T: int, first: int) -> int:
    return draw(st.one_of(st.just(first), st.just(T), st.integers(first, T)))


@st.composite
def _posterior_inputs(draw) -> dict:
    schedule = draw(_schedules())
    T = len(_betas(schedule))
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4))
    x_t, x_0 = (draw(_arrays(s)) for s in shapes.input_shapes)
    return {"x_t": x_t, "x_0": x_0, "t": _times(draw, T, 1), "betas": schedule}


@st.composite
def _forward_inputs(draw) -> dict:
    schedule = draw(_schedules())
    T = len(_betas(schedule))
    x_0 = draw(_arrays(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)))
    return {"x_0": x_0, "t": _times(draw, T, 1), "betas": schedule}


@st.composite
def _elbo_inputs(draw) -> dict:
    schedule = draw(_schedules().filter(lambda s: len(_betas(s)) >= 2))
    return {"t": _times(draw, len(_betas(schedule)), 2), "betas": schedule}


@st.composite
def _discriminator_inputs(draw) -> dict:
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4))
    density = st.one_of(st.just(0.0), st.floats(1e-6, 1e3, **_finite))
    p_r, p_g = (draw(hnp.arrays(np.float64, s, elements=density)) for s in shapes.input_shapes)
    # D* is undefined where both densities vanish; there every answer is right.
    both_zero = np.broadcast_to((p_r == 0), shapes.result_shape) & (p_g == 0)
    if both_zero.any():
        p_r = np.where(both_zero, 1.0, np.broadcast_to(p_r, shapes.result_shape))
    return {"p_r": p_r, "p_g": p_g}


@st.composite
def _conditional_score_inputs(draw) -> dict:
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    masks = hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0]))
    return {"x": draw(_arrays(shape)), "x_known": draw(_arrays(shape)), "mask": draw(masks),
            "prior": {"mean": draw(_arrays(shape)), "variance": draw(_arrays(shape, 0.1, 10.0))}}


def _prior_score(prior: dict) -> Callable[[np.ndarray], np.ndarray]:
    return lambda x: -(np.asarray(x, dtype=np.float64) - prior["mean"]) / prior["variance"]


CODE_TARGETS: dict[str, CodeTarget] = {
    "diffusion.posterior_mean_variance": CodeTarget(
        "diffusion.posterior", "posterior_mean_variance",
        "posterior_mean_variance(x_t, x_0, t, betas) -> (mean, variance); t: int in 1..T, "
        "betas: 1-D float array of β_1..β_T, x_t and x_0 broadcast together",
        lambda c: diffusion.posterior_mean_variance(c["x_t"], c["x_0"], c["t"], _betas(c["betas"])),
        _posterior_inputs(), 2),
    "diffusion.forward_marginal": CodeTarget(
        "diffusion.forward_marginal", "forward_marginal",
        "forward_marginal(x_0, t, betas) -> (mean, variance); t: int in 1..T",
        lambda c: diffusion.forward_marginal(c["x_0"], c["t"], _betas(c["betas"])),
        _forward_inputs(), 2),
    "diffusion.elbo_weight": CodeTarget(
        "diffusion.elbo", "elbo_weight",
        "elbo_weight(t, betas) -> float; t: int in 2..T (t = 1 is the reconstruction term)",
        lambda c: diffusion.elbo_weight(c["t"], _betas(c["betas"])),
        _elbo_inputs(), 1),
    "gan.optimal_discriminator": CodeTarget(
        "gan.optimal_discriminator", "optimal_discriminator",
        "optimal_discriminator(p_r, p_g) -> ndarray; non-negative density values that broadcast "
        "together, never both 0 at a point",
        lambda c: gan.optimal_discriminator(c["p_r"], c["p_g"]),
        _discriminator_inputs(), 1),
    "diffusion.conditional_score": CodeTarget(
        "diffusion.conditional_score", "conditional_score",
        "conditional_score(x, x_known, mask, prior_score) -> ndarray; mask of 0/1, "
        "prior_score(x) a callable returning an array of x's shape; likelihood "
        "∝ exp(-‖(x - x_known) ⊙ M‖²)",
        lambda c: diffusion.conditional_score(c["x"], c["x_known"], c["mask"],
                                              _prior_score(c["prior"])),
        _conditional_score_inputs(), 1),
}

_ARGUMENTS = {
    "diffusion.posterior_mean_variance": ("x_t", "x_0", "t", "betas"),
    "diffusion.forward_marginal": ("x_0", "t", "betas"),
    "diffusion.elbo_weight": ("t", "betas"),
    "gan.optimal_discriminator": ("p_r", "p_g"),
    "diffusion.conditional_score": ("x", "x_known", "mask"),
}


# ---------------------------------------------------------------- plain data


def _to_wire(value):
    if isinstance(value, np.ndarray):
        return {"shape": list(value.shape), "data": value.ravel().tolist()}
    if isinstance(value, dict) and "kind" in value:
        return _to_wire(_betas(value))
    if isinstance(value, dict):
        return {k: _to_wire(v) for k, v in value.items()}
    return value


def _wire_case(target: str, case: dict) -> dict:
    wire = {"args": [_to_wire(case[name]) for name in _ARGUMENTS[target]]}
    if "prior" in case:
        wire["prior"] = _to_wire(case["prior"])
    return wire


def _from_wire(value) -> np.ndarray:
    shape, data = value["shape"], value["data"]
    if not (isinstance(shape, list) and all(isinstance(n, int) and n >= 0 for n in shape)):
        raise ValueError("malformed array in the child's reply")
    return np.asarray(data, dtype=np.float64).reshape(shape)


def _readable(value):
    """JSON-safe, short: arrays as nested lists, non-finite numbers as strings."""
    if isinstance(value, dict) and value.get("kind") and value["kind"] != "explicit":
        return {**value, "betas[:6]": _readable(_betas(value)[:6])}
    if isinstance(value, dict):
        return {k: _readable(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_readable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _readable(value.tolist())
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else str(float(value))
    if isinstance(value, np.integer):
        return int(value)
    return value


def _size(case: dict) -> float:
    """Order inputs smallest first, so the first failure reported is already small."""
    total = 0
    for value in case.values():
        if isinstance(value, np.ndarray):
            total += value.size
        elif isinstance(value, dict) and "kind" in value:
            total += len(_betas(value))
        elif isinstance(value, dict):
            total += _size(value)
    return total


# ---------------------------------------------------------------- the child process


def _libc():
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True)
    except (OSError, AttributeError):
        return None


_LIBC = _libc()
_CLONE_NEWNS, _CLONE_NEWNET = 0x00020000, 0x40000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_REC, _MS_PRIVATE = 0x4000, 0x40000
#: The directories ``nobody`` could write to on a usual Linux system; each is hidden behind an
#: empty tmpfs in the child's mount namespace.
_SHARED_WRITABLE = ("/var/tmp", "/dev/shm", "/run/lock")


def _check(status: int, what: str) -> None:
    if status != 0:
        import ctypes

        raise OSError(ctypes.get_errno(), f"{what} failed in the sandbox set-up")


def _private_namespaces() -> None:
    """No network, and a fresh private ``/tmp`` (the working directory) that dies with the child.

    Runs in the forked child before ``exec``; needs root (``CAP_SYS_ADMIN``).
    """
    _check(_LIBC.unshare(_CLONE_NEWNS | _CLONE_NEWNET), "unshare")
    _check(_LIBC.mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None), "making / private")
    flags = _MS_NOSUID | _MS_NODEV | _MS_NOEXEC
    options = f"size=1m,mode=0700,uid={_NOBODY},gid={_NOBODY}".encode()
    _check(_LIBC.mount(b"tmpfs", b"/tmp", b"tmpfs", flags, options), "mounting /tmp")
    for directory in _SHARED_WRITABLE:
        if os.path.isdir(directory):
            _check(_LIBC.mount(b"tmpfs", directory.encode(), b"tmpfs", flags | _MS_RDONLY,
                               b"size=4k"), f"mounting {directory}")
    os.chdir("/tmp")


def _limit_child(limits: Limits, namespaces: bool) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        # Root ignores RLIMIT_NPROC; the worker switches to nobody before importing the student.
        resource.setrlimit(resource.RLIMIT_NPROC, (1, 1))
        if namespaces:
            _private_namespaces()

    return apply


class _ChildFailed(Exception):
    """The child died, overran a limit or broke the protocol; the message is the reason."""


class _Sandbox:
    """One child process running the worker; requests are answered in order."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.workdir = tempfile.mkdtemp(prefix="genverify-sandbox-")
        request_read, self.request = os.pipe()
        self.reply, reply_write = os.pipe()
        uid = _NOBODY if os.geteuid() == 0 else -1
        if uid >= 0:
            os.chown(self.workdir, uid, uid)
        env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        # -I: no user site, no PYTHON* variables, no script directory on sys.path; -S: no
        # site-packages (and so no editable install of this project); NumPy's directory alone
        # is added.  -B: write no bytecode.
        bootstrap = f"import sys; sys.path.append({_NUMPY_PARENT!r}); exec({_WORKER_SOURCE!r})"
        command = [sys.executable, "-I", "-S", "-B", "-c", bootstrap,
                   str(request_read), str(reply_write), str(uid)]
        options = dict(stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, cwd=self.workdir, env=env,
                       pass_fds=(request_read, reply_write), start_new_session=True)
        self.namespaces = uid >= 0 and _LIBC is not None
        try:
            self.process = subprocess.Popen(
                command, preexec_fn=_limit_child(limits, self.namespaces), **options)
        except (OSError, subprocess.SubprocessError):
            if not self.namespaces:
                raise
            # Without CAP_SYS_ADMIN (a container may drop it) keep the other limits.
            self.namespaces = False
            self.process = subprocess.Popen(
                command, preexec_fn=_limit_child(limits, False), **options)
        os.close(request_read)
        os.close(reply_write)
        os.set_blocking(self.request, False)

    def ask(self, message: dict) -> dict:
        body = json.dumps(message).encode("utf-8")
        deadline = time.monotonic() + self.limits.seconds
        view = memoryview(struct.pack(">Q", len(body)) + body)
        try:
            while view:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([], [self.request], [], left)[1]:
                    self.close()
                    raise _ChildFailed(
                        f"the submission did not finish within {self.limits.seconds:g} s")
                try:
                    view = view[os.write(self.request, view[: 1 << 16]):]
                except BlockingIOError:
                    continue
        except OSError:
            raise _ChildFailed(self._death()) from None
        header = self._read(8, deadline)
        length = struct.unpack(">Q", header)[0]
        if length > self.limits.reply_bytes:
            raise _ChildFailed(
                f"the submission's reply was larger than {self.limits.reply_bytes} bytes")
        try:
            reply = json.loads(self._read(length, deadline).decode("utf-8"))
        except (ValueError, RecursionError):
            raise _ChildFailed("the submission's process sent a malformed reply") from None
        if not isinstance(reply, dict):
            raise _ChildFailed("the submission's process sent a malformed reply")
        return reply

    def _read(self, n: int, deadline: float) -> bytes:
        chunks = []
        while n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.reply], [], [], left)[0]:
                self.close()
                raise _ChildFailed(
                    f"the submission did not finish within {self.limits.seconds:g} s")
            chunk = os.read(self.reply, min(n, 1 << 20))
            if not chunk:
                raise _ChildFailed(self._death())
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def _death(self) -> str:
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "the submission closed its reply channel"
        # SIGKILL is the hard CPU limit: this class only kills the child after its last read.
        if code in (-signal.SIGXCPU, -signal.SIGKILL):
            return f"the submission used more than {self.limits.cpu_seconds} s of CPU time"
        if code < 0:
            return f"the submission's process was killed by {signal.Signals(-code).name}"
        return f"the submission's process exited with status {code}"

    def close(self) -> None:
        for fd in (self.request, self.reply):
            try:
                os.close(fd)
            except OSError:
                pass
        self.request = self.reply = -1
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


# ---------------------------------------------------------------- comparison


def _compare(target: CodeTarget, case: dict, result: dict) -> str | None:
    """``None`` if the child's result matches the reference on ``case``, else what is wrong."""
    if not isinstance(result, dict):
        return "the submission's process sent a malformed value"
    if "error" in result:
        return f"calling {target.function} raised {result['error']}"
    expected = target.reference(case)
    expected = expected if target.outputs > 1 else (expected,)
    names = ("mean", "variance") if target.outputs == 2 else ("the result",)
    try:
        actual = [_from_wire(v) for v in result["value"]]
    except (KeyError, TypeError, ValueError):
        return "the submission's process sent a malformed value"
    if len(actual) != len(expected):
        return "the submission's process sent a malformed value"
    for name, want, got in zip(names, expected, actual):
        want = np.asarray(want, dtype=np.float64)
        if not np.all(np.isfinite(got)):
            return f"{name} is not finite"
        # A per-coordinate variance broadcast to the data's shape is the same answer.
        broadcast_variance = name == "variance" and got.shape == np.shape(expected[0]) \
            and _broadcasts_to(want.shape, got.shape)
        if got.shape != want.shape and not broadcast_variance:
            return f"{name} has shape {got.shape}, expected {want.shape}"
        if not np.allclose(got, want, rtol=RTOL, atol=ATOL):
            return f"{name} differs from the reference (rtol {RTOL:g})"
    return None


def _broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def _actual(result) -> object:
    """The child's answer for the report: its error, its values, or a note that it was garbled."""
    try:
        return result.get("error") or [_readable(_from_wire(v)) for v in result["value"]]
    except (AttributeError, KeyError, TypeError, ValueError):
        return "a malformed reply"


def _draw_cases(strategy: st.SearchStrategy, max_examples: int, rng_seed: int) -> list[dict]:
    cases: list[dict] = []

    @seed(rng_seed)
    @settings(max_examples=max_examples, database=None, deadline=None,
              phases=(Phase.generate,), suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(case):
        cases.append(case)

    collect()
    return cases


class _OutOfTime(Exception):
    pass


def _shrink(target_name: str, target: CodeTarget, sandbox: _Sandbox,
            budget_s: float) -> tuple[dict, str, dict] | None:
    """Let Hypothesis shrink a failing input, one child round trip per candidate.

    Returns the smallest failure seen when the budget runs out, the child dies, or Hypothesis
    is done; ``None`` if it saw none.
    """
    stop = time.monotonic() + budget_s
    smallest: list[tuple[dict, str, dict]] = []

    def fails(case: dict) -> bool:
        if time.monotonic() > stop or sandbox.request < 0:
            raise _OutOfTime
        try:
            result = sandbox.ask({"cases": [_wire_case(target_name, case)]})["results"][0]
        except (_ChildFailed, KeyError, IndexError, TypeError):
            raise _OutOfTime from None
        problem = _compare(target, case, result)
        if problem is not None and (not smallest or _size(case) <= _size(smallest[0][0])):
            smallest[:] = [(case, problem, result)]
        return problem is not None

    try:
        find(target.inputs, fails, settings=settings(
            max_examples=200, database=None, deadline=None, derandomize=True,
            suppress_health_check=list(HealthCheck)))
    except (_OutOfTime, NoSuchExample):
        pass
    return smallest[0] if smallest else None


def _report(target_name: str, verdict: str, feedback: str, started: float, *,
            diagnosis: list[str] | None = None, counterexample: dict | None = None) -> dict:
    return {"id": CODE_TARGETS[target_name].result_id, "target": target_name, "verdict": verdict,
            "score": 1.0 if verdict == "correct" else 0.0, "feedback": feedback,
            "diagnosis": diagnosis or [], "counterexample": counterexample, "method": "numeric",
            "seconds": round(time.perf_counter() - started, 3)}


def grade_code(target: str, submission_path: str, *, rng_seed: int = 0, max_examples: int = 60,
               limits: Limits = Limits()) -> dict:
    """Run ``submission_path``'s function on Hypothesis-drawn inputs in a child and grade it."""
    started = time.perf_counter()
    if target not in CODE_TARGETS:
        raise ValueError(
            f"unknown code target {target!r}; expected one of {', '.join(CODE_TARGETS)}")
    path = Path(submission_path)
    if not path.is_file():
        raise ValueError(f"submission file {submission_path!r} does not exist")
    contract = CODE_TARGETS[target]
    raw = path.read_bytes()
    if len(raw) > limits.source_bytes:
        return _report(target, "invalid",
                       f"the submission is larger than {limits.source_bytes} bytes", started)
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _report(target, "invalid", "the submission is not UTF-8 text", started)
    cases = sorted(_draw_cases(contract.inputs, max_examples, rng_seed), key=_size)
    sandbox = _Sandbox(limits)
    try:
        try:
            hello = sandbox.ask({"source": source, "function": contract.function,
                                 "outputs": contract.outputs})
        except _ChildFailed as failure:
            return _report(target, "invalid", f"while importing: {failure}", started,
                           diagnosis=[f"expected {contract.signature}"])
        if "error" in hello or not hello.get("imported"):
            error = str(hello.get("error", "an unknown error"))[:300]
            name = error.split(":")[0]
            feedback = (f"the submission has no function {contract.function}"
                        if name == "AttributeError" and contract.function in error
                        else f"importing the submission raised {error}")
            return _report(target, "invalid", feedback, started,
                           diagnosis=[f"expected {contract.signature}"])
        signature = str(hello.get("signature", "?"))[:200]
        try:
            reply = sandbox.ask({"cases": [_wire_case(target, c) for c in cases]})
            results = reply["results"]
            if not isinstance(results, list) or len(results) != len(cases):
                raise _ChildFailed("the submission's process sent a malformed reply")
        except (_ChildFailed, KeyError, TypeError) as failure:
            reason = str(failure) if isinstance(failure, _ChildFailed) else \
                "the submission's process sent a malformed reply"
            return _report(target, "incorrect", reason, started,
                           diagnosis=[f"on {len(cases)} inputs; expected {contract.signature}"])
        failures = [(c, p, r) for c, r in zip(cases, results)
                    if (p := _compare(contract, c, r)) is not None]
        if not failures:
            return _report(target, "correct",
                           f"{contract.function} agrees with the reference on {len(cases)} inputs",
                           started)
        case, problem, result = failures[0]
        # A function that raises on every input fails on the smallest one drawn: nothing to shrink.
        if not (len(failures) == len(cases) and "error" in result):
            shrunk = _shrink(target, contract, sandbox, budget_s=1.0)
            if shrunk is not None and _size(shrunk[0]) <= _size(case):
                case, problem, result = shrunk
        diagnosis = [f"failed on {len(failures)} of {len(cases)} inputs", problem,
                     f"the submission's signature: {contract.function}{signature}",
                     f"expected {contract.signature}"]
        expected = contract.reference(case)
        counterexample = {"input": _readable(case), "expected": _readable(expected),
                          "actual": _actual(result)}
        return _report(target, "incorrect", problem, started, diagnosis=diagnosis,
                       counterexample=counterexample)
    finally:
        sandbox.close()
