"""Mistake: x_0 scaled by β̄_t instead of √β̄_t."""

import numpy as np


def q_sample(x_0, t, noise, betas):
    alpha_bar = np.cumprod(1.0 - np.asarray(betas))[t - 1]
    return alpha_bar * x_0 + np.sqrt(1.0 - alpha_bar) * noise
