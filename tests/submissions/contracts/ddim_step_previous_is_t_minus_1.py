"""Mistake: β̄ read at t - 1 instead of at the given t_prev (strided steps ignored)."""

import numpy as np


def ddim_step(x_t, t, t_prev, eps, noise, eta, betas):
    alpha_bar = np.cumprod(1.0 - np.asarray(betas, dtype=np.float64))
    a = alpha_bar[t - 1]
    a_prev = 1.0 if t == 1 else alpha_bar[t - 2]
    x0_hat = (x_t - np.sqrt(1.0 - a) * eps) / np.sqrt(a)
    sigma2 = eta**2 * (1.0 - a_prev) / (1.0 - a) * (1.0 - a / a_prev)
    return np.sqrt(a_prev) * x0_hat + np.sqrt(max(1.0 - a_prev - sigma2, 0.0)) * eps + np.sqrt(sigma2) * noise
