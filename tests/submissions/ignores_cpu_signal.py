"""Hostile: ignores SIGXCPU (the soft CPU limit) and spins, so only the hard limit's SIGKILL ends it."""

import signal

signal.signal(signal.SIGXCPU, signal.SIG_IGN)


def posterior_mean_variance(x_t, x_0, t, betas):
    while True:
        pass
