"""Hostile: creates SysV shared memory (1.5 GiB), a semaphore set and a message queue under key
NONCE, so they would outlive the grading."""

import ctypes

import numpy as np

NONCE = 0  # the test writes a fresh key here
IPC_CREAT = 0o1000
libc = ctypes.CDLL(None, use_errno=True)
libc.shmget.argtypes = (ctypes.c_int, ctypes.c_size_t, ctypes.c_int)
BREACHED = [name for name, made in (
    ("shm", libc.shmget(NONCE, 3 << 29, IPC_CREAT | 0o666)),
    ("sem", libc.semget(NONCE, 1, IPC_CREAT | 0o666)),
    ("msg", libc.msgget(NONCE, IPC_CREAT | 0o666))) if made >= 0]


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
