"""Mistake: σ_t² = β_t (fixed_large, with z = 0 at t = 1 as Alg. 2) instead of σ̃_t²."""

import numpy as np


def ddpm_step(x_t, t, eps, noise, betas):
    betas = np.asarray(betas, dtype=np.float64)
    alpha_bar = np.cumprod(1.0 - betas)[t - 1]
    beta_t = betas[t - 1]
    mean = (x_t - beta_t / np.sqrt(1.0 - alpha_bar) * eps) / np.sqrt(1.0 - beta_t)
    return mean if t == 1 else mean + np.sqrt(beta_t) * noise
