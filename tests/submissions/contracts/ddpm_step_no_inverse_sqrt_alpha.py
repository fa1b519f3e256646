"""Mistake: the mean is not divided by √α_t."""

import numpy as np


def ddpm_step(x_t, t, eps, noise, betas):
    betas = np.asarray(betas, dtype=np.float64)
    alpha_bar = np.cumprod(1.0 - betas)
    alpha_bar_prev = 1.0 if t == 1 else alpha_bar[t - 2]
    beta_t = betas[t - 1]
    sigma = np.sqrt(beta_t * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar[t - 1]))
    return x_t - beta_t / np.sqrt(1.0 - alpha_bar[t - 1]) * eps + sigma * noise
