"""Hostile: calls the syscalls the seccomp filter denies (ptrace, process_vm_*, bpf, io_uring,
keyctl/add_key, unshare/setns/mount, perf_event_open, SysV IPC, personality, userfaultfd).  Any
that does not fail with EPERM, or a filter not in force, counts as a breach."""

import ctypes
import platform

import numpy as np

NUMBERS = {
    "x86_64": {"ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "bpf": 321,
               "io_uring_setup": 425, "keyctl": 250, "add_key": 248, "unshare": 272,
               "setns": 308, "mount": 165, "perf_event_open": 298, "shmget": 29,
               "personality": 135, "userfaultfd": 323},
    "aarch64": {"ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "bpf": 280,
                "io_uring_setup": 425, "keyctl": 219, "add_key": 217, "unshare": 97,
                "setns": 268, "mount": 40, "perf_event_open": 241, "shmget": 194,
                "personality": 92, "userfaultfd": 282},
}
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
with open("/proc/self/status") as status:
    BREACHED = [line for line in status if line.startswith("Seccomp:") and line.split()[1] != "2"]
for name, number in NUMBERS.get(platform.machine(), {}).items():
    ctypes.set_errno(0)
    if libc.syscall(number, 0, 0, 0, 0, 0, 0) >= 0 or ctypes.get_errno() != 1:
        BREACHED.append(name)


def _reference(x_t, x_0, t, betas):
    alpha_bar = np.cumprod(1.0 - np.asarray(betas, dtype=float))
    prev = alpha_bar[t - 2] if t > 1 else 1.0
    beta_t = betas[t - 1]
    mean = (np.sqrt(prev) * beta_t * np.asarray(x_0)
            + np.sqrt(1.0 - beta_t) * (1.0 - prev) * np.asarray(x_t)) / (1.0 - alpha_bar[t - 1])
    return mean, beta_t * (1.0 - prev) / (1.0 - alpha_bar[t - 1])


def posterior_mean_variance(x_t, x_0, t, betas):
    """Right only if an attack above got through (the test sees "correct" and fails)."""
    if BREACHED:
        return _reference(x_t, x_0, t, betas)
    return np.zeros(np.broadcast(np.asarray(x_t), np.asarray(x_0)).shape), 0.0
