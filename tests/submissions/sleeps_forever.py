"""Hostile: sleeps, using no CPU, so only the wall-clock deadline stops it."""

import time


def posterior_mean_variance(x_t, x_0, t, betas):
    time.sleep(3600)
