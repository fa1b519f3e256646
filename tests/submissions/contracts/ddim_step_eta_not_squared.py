"""Mistake: σ_t² = η (…) instead of η² (…)."""

import numpy as np


def ddim_step(x_t, t, t_prev, eps, noise, eta, betas):
    alpha_bar = np.cumprod(1.0 - np.asarray(betas, dtype=np.float64))
    a = alpha_bar[t - 1]
    a_prev = 1.0 if t_prev == 0 else alpha_bar[t_prev - 1]
    x0_hat = (x_t - np.sqrt(1.0 - a) * eps) / np.sqrt(a)
    sigma2 = eta * (1.0 - a_prev) / (1.0 - a) * (1.0 - a / a_prev)
    return np.sqrt(a_prev) * x0_hat + np.sqrt(max(1.0 - a_prev - sigma2, 0.0)) * eps + np.sqrt(sigma2) * noise
