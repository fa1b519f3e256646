"""Mistake: the noise scaled by the variance 1 - β̄_t instead of √(1 - β̄_t)."""

import numpy as np


def q_sample(x_0, t, noise, betas):
    alpha_bar = np.prod(1.0 - np.asarray(betas)[:t])
    return np.sqrt(alpha_bar) * x_0 + (1.0 - alpha_bar) * noise
