"""Run a student's submission in a child process that can neither see nor touch the grader.

The child is :mod:`genverify.grading.sandbox_worker` run by an environment's base interpreter
(the grader's with NumPy, or a course environment's) with ``-I -S -B`` inside bubblewrap with a
seccomp filter (:mod:`.isolation` says what it mounts and refuses), under rlimits on CPU time,
memory, address space, open files, file size and core dumps, with a wall-clock deadline per
request enforced here.  If the sandbox cannot be built the grading stops with
:class:`SandboxUnavailable` (fail closed); only ``sandboxed=False`` (the CLI's ``--no-sandbox``)
runs the worker with the rlimits alone, and the report says so.
"""

from __future__ import annotations

import json
import os
import resource
import select
import shutil
import signal
import struct
import subprocess
import tempfile
import time
from pathlib import Path

from .isolation import (_FIX, _NOBODY, MAPPED_ALLOWANCE, CourseEnvironmentError, Environment,
                        Limits, SandboxUnavailable, bwrap_arguments, course_environment,
                        grader_environment, make_grader_undumpable, seccomp_program)

__all__ = ["ChildFailed", "CourseEnvironmentError", "Environment", "Limits", "Sandbox",
           "SandboxUnavailable", "environment_for"]

_WORKER_SOURCE = Path(__file__).with_name("sandbox_worker.py").read_text(encoding="utf-8")


class ChildFailed(Exception):
    """The child died, overran a limit or broke the protocol; the message is the reason."""


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
#: How often a waiting grader samples the worker's CPU time.
_SAMPLE_S = 0.2

_CHILD_ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
              "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "HOME": "/tmp", "TMPDIR": "/tmp"}


def environment_for(python: str | None) -> Environment:
    """The course environment of the interpreter ``python``, or the grader's (NumPy only)."""
    return course_environment(python) if python else grader_environment()


def _set_limits(limits: Limits, processes: bool) -> None:
    """Runs in the forked child before ``exec`` (of bwrap, or of the worker without a sandbox).

    Memory is capped by RLIMIT_DATA, not RLIMIT_AS alone: RLIMIT_AS counts every mapping, and
    CPU torch maps ~420 MiB of library code from files (shared page cache, not the child's
    memory) and glibc reserves 64 MiB of address space per thread's malloc arena without using
    it, so an address-space cap tight enough to bound memory breaks imports.  RLIMIT_DATA counts
    what the child allocates (heap, private writable mappings: NumPy and torch buffers).  It
    misses shared anonymous mappings and memfds, so RLIMIT_AS stays as a backstop,
    :data:`MAPPED_ALLOWANCE` above it.
    """
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_DATA, (limits.memory_bytes, limits.memory_bytes))
    address_space = limits.memory_bytes + MAPPED_ALLOWANCE
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.tmp_bytes, limits.tmp_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
    if processes:
        # Only without bwrap (which must fork): the seccomp filter refuses processes otherwise.
        resource.setrlimit(resource.RLIMIT_NPROC, (1, 1))


def _read_capped(fd: int, cap: int) -> bytes:
    chunks, size = [], 0
    while size < cap:
        chunk = os.read(fd, cap - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


class Sandbox:
    """One child process running the worker; requests are answered in order.

    ``sandboxed=False`` runs the worker directly with the rlimits only (``--no-sandbox``).
    """

    def __init__(self, limits: Limits, *, sandboxed: bool = True,
                 environment: Environment | None = None):
        self.limits = limits
        self.sandboxed = sandboxed
        self.request = self.reply = self.status = -1
        self.cpu_seconds = 0.0
        self.init_pid = self.worker_pid = None
        self.timed_out = False
        self.workdir = None
        env = environment or grader_environment()
        if sandboxed:
            program = seccomp_program()
            make_grader_undumpable()
        request_read, self.request = os.pipe()
        self.reply, reply_write = os.pipe()
        inherited = [request_read, reply_write]
        if sandboxed:
            self.status, status_write = os.pipe()
            seccomp_read, seccomp_write = os.pipe()
            # The program (a few hundred bytes) fits in the pipe's buffer: no writer thread.
            os.write(seccomp_write, program)
            os.close(seccomp_write)
            inherited += [status_write, seccomp_read]
            command = [*bwrap_arguments(env, limits, status_write, seccomp_read), "--",
                       env.interpreter]
            path, uid, cwd, child_env = env.path, -1, None, _CHILD_ENV
        else:
            uid = _NOBODY if os.geteuid() == 0 else -1
            self.workdir = cwd = tempfile.mkdtemp(prefix="genverify-nosandbox-")
            if uid >= 0:
                os.chown(cwd, uid, uid)
            command = [env.interpreter]
            path, child_env = env.host_path, {**_CHILD_ENV, "HOME": cwd, "TMPDIR": cwd}
        # -I: no user site, no PYTHON* variables, no script directory; -S: no site-packages;
        # -B: no bytecode written.  Only the environment's site directories are added (with
        # their .pth files, as the environment's own interpreter would).
        bootstrap = (f"import site; [site.addsitedir(p) for p in {list(path)!r}]; "
                     f"exec({_WORKER_SOURCE!r})")
        command += ["-I", "-S", "-B", "-c", bootstrap, str(request_read), str(reply_write), str(uid)]
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, cwd=cwd, env=child_env, pass_fds=inherited,
                start_new_session=True, preexec_fn=lambda: _set_limits(limits, not sandboxed))
        except OSError as exc:
            for fd in inherited:
                os.close(fd)
            self.close()
            raise SandboxUnavailable(f"cannot start {command[0]} ({exc.strerror}); {_FIX}") from None
        for fd in inherited:
            os.close(fd)
        os.set_blocking(self.request, False)
        if sandboxed:
            self._await_setup()
        self._await_ready()

    def _await_ready(self) -> None:
        """The worker's first frame, sent before it reads the submission: until then a failure is
        the set-up's (a library missing from the sandbox, an unusable interpreter)."""
        try:
            ready = self._read(8, time.monotonic() + max(self.limits.seconds, 10.0))
        except ChildFailed as failure:
            self._kill()
            reason = self._stderr_line() or str(failure)
            self.close()
            raise SandboxUnavailable(f"cannot start the grading child ({reason}); {_FIX}") from None
        if ready != bytes(8):
            self.close()
            raise SandboxUnavailable(f"the grading child sent {ready!r} before it was ready")
        self.worker_pid = self._find_worker()
        # From here on stderr could only carry the submission's writes (through the sandbox
        # init's descriptor): closing it makes them fail with EPIPE.
        self.process.stderr.close()

    def _find_worker(self) -> int | None:
        if not self.sandboxed:
            return self.process.pid
        try:
            with open(f"/proc/{self.init_pid}/task/{self.init_pid}/children", encoding="ascii") as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def _sample_cpu(self) -> None:
        """The worker's CPU time so far (utime + stime), kept for :meth:`_death`: bwrap's init
        reaps the worker, so its rusage never reaches us."""
        try:
            with open(f"/proc/{self.worker_pid}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            self.cpu_seconds = max(self.cpu_seconds,
                                   (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS)
        except (OSError, ValueError, IndexError, TypeError):
            pass

    def _await_setup(self) -> None:
        """bwrap writes ``{"child-pid": N}`` once the sandbox is built; EOF before it is a failure.

        The pipe stays open until :meth:`close`: bwrap writes the exit status to it at the end.
        """
        deadline = time.monotonic() + max(self.limits.seconds, 10.0)
        status = b""
        # One JSON document per line; bwrap may write the first in pieces.
        while b"\n" not in status:
            left = deadline - time.monotonic()
            chunk = os.read(self.status, 4096) \
                if left > 0 and select.select([self.status], [], [], left)[0] else b""
            if not chunk:
                break
            status += chunk
        try:
            # The pid (in our namespace) of the sandbox's init; the worker is its only child.
            self.init_pid = int(json.loads(status.split(b"\n")[0])["child-pid"])
        except (ValueError, KeyError, TypeError):
            self.init_pid = None
        if self.init_pid is not None:
            return
        self._kill()
        reason = self._stderr_line() or "bwrap did not start"
        self.close()
        raise SandboxUnavailable(f"cannot build the sandbox ({reason}); {_FIX}")

    def _stderr_line(self) -> str:
        """bwrap's (or the loader's) last line on stderr; read only after the child is dead."""
        why = _read_capped(self.process.stderr.fileno(), 4096).decode("utf-8", "replace")
        return why.strip().splitlines()[-1][:300] if why.strip() else ""

    def ask(self, message: dict) -> dict:
        body = json.dumps(message).encode("utf-8")
        deadline = time.monotonic() + self.limits.seconds
        view = memoryview(struct.pack(">Q", len(body)) + body)
        try:
            while view:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([], [self.request], [], left)[1]:
                    raise ChildFailed(self._overran())
                try:
                    view = view[os.write(self.request, view[: 1 << 16]):]
                except BlockingIOError:
                    continue
        except OSError:
            raise ChildFailed(self._death()) from None
        length = struct.unpack(">Q", self._read(8, deadline))[0]
        if length > self.limits.reply_bytes:
            self._kill()
            raise ChildFailed(
                f"the submission's reply was larger than {self.limits.reply_bytes} bytes")
        try:
            # Integers become floats (10**400 is inf, not an OverflowError later); NaN and
            # Infinity are floats that the comparison rejects.
            reply = json.loads(self._read(length, deadline).decode("utf-8"), parse_int=float)
        except (ValueError, RecursionError):
            raise ChildFailed("the submission's process sent a malformed reply") from None
        if not isinstance(reply, dict):
            raise ChildFailed("the submission's process sent a malformed reply")
        return reply

    def _read(self, n: int, deadline: float) -> bytes:
        chunks = []
        while n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChildFailed(self._overran())
            if not select.select([self.reply], [], [], min(left, _SAMPLE_S))[0]:
                self._sample_cpu()
                continue
            chunk = os.read(self.reply, min(n, 1 << 20))
            if not chunk:
                raise ChildFailed(self._death())
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def _overran(self) -> str:
        self.timed_out = True
        self._kill()
        return f"the submission did not finish within {self.limits.seconds:g} s of wall-clock time"

    def _death(self) -> str:
        """Why the child stopped: its exit status (bwrap reports a signal as 128 + its number) and
        the CPU time it was last seen using (a SIGKILL past the CPU limit is the hard limit's)."""
        code = self._reap(timeout=2.0)
        if code is None:
            self._kill()
            return "the submission closed its reply channel"
        signum = -code if code < 0 else code - 128 if self.sandboxed and code > 128 else 0
        if signum == signal.SIGXCPU or (signum == signal.SIGKILL
                                        and self.cpu_seconds >= self.limits.cpu_seconds):
            return f"the submission used more than {self.limits.cpu_seconds} s of CPU time"
        if signum in (signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT):
            name = signal.Signals(signum).name
            return (f"the submission's process crashed ({name}; its memory is limited "
                    f"to {self.limits.memory_bytes >> 20} MiB)")
        if signum in {s.value for s in signal.Signals}:
            return f"the submission's process was killed by {signal.Signals(signum).name}"
        return f"the submission's process exited with status {code}"

    def _reap(self, timeout: float) -> int | None:
        stop = time.monotonic() + timeout
        while self.process.returncode is None:
            pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            if pid:
                self.cpu_seconds = max(self.cpu_seconds, usage.ru_utime + usage.ru_stime)
                self.process.returncode = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > stop:
                return None
            time.sleep(0.01)
        return self.process.returncode

    def _kill(self) -> None:
        """Close the channels and kill the child's process group (bwrap's monitor: the sandbox's
        PID namespace dies with it); the child is reaped."""
        for fd in (self.request, self.reply):
            if fd >= 0:
                os.close(fd)
        self.request = self.reply = -1
        process = getattr(self, "process", None)
        if process is not None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            if process.returncode is None:
                self._reap(timeout=30.0)

    def close(self) -> None:
        self._kill()
        process = getattr(self, "process", None)
        if process is not None:
            process.stderr.close()
        if self.status >= 0:
            os.close(self.status)
            self.status = -1
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None
