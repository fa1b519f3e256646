"""Hostile: never returns."""


def posterior_mean_variance(x_t, x_0, t, betas):
    while True:
        pass
