"""Mistake: β̄ taken as 1 - ∏(1-β_i) (so 1 - β̄ as ∏(1-β_i)) throughout, β̄_0 included."""

import numpy as np


def ddpm_step(x_t, t, eps, noise, betas):
    betas = np.asarray(betas, dtype=np.float64)
    alpha_bars = 1.0 - np.concatenate([[1.0], np.cumprod(1.0 - betas)])
    alpha_bar, alpha_bar_prev, beta_t = alpha_bars[t], alpha_bars[t - 1], betas[t - 1]
    sigma = np.sqrt(beta_t * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar))
    return (x_t - beta_t / np.sqrt(1.0 - alpha_bar) * eps) / np.sqrt(1.0 - beta_t) + sigma * noise
