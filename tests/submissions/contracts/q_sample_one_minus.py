"""Mistake: β̄_t and 1 - β̄_t exchanged."""

import numpy as np


def q_sample(x_0, t, noise, betas):
    alpha_bar = np.cumprod(1.0 - np.asarray(betas))[t - 1]
    return np.sqrt(1.0 - alpha_bar) * x_0 + np.sqrt(alpha_bar) * noise
