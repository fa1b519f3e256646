"""Defines the wrong name."""


def posterior_mean_and_variance(x_t, x_0, t, betas):
    return x_0, 0.0
