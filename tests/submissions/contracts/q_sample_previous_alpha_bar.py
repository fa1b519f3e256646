"""Mistake: β̄_{t-1} for β̄_t (the product stops one step early)."""

import numpy as np


def q_sample(x_0, t, noise, betas):
    alpha_bar = np.prod(1.0 - np.asarray(betas)[:t - 1])
    return np.sqrt(alpha_bar) * x_0 + np.sqrt(1.0 - alpha_bar) * noise
