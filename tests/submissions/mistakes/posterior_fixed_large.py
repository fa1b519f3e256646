"""The posterior with the variance β_t (improved-diffusion's fixed_large) for σ̃_t² (fixed_small)."""

import numpy as np


def posterior_mean_variance(x_t, x_0, t, betas):
    betas = np.asarray(betas, dtype=np.float64)
    alpha_bar = np.cumprod(1.0 - betas)
    alpha_bar_prev = 1.0 if t == 1 else alpha_bar[t - 2]
    beta_t = betas[t - 1]
    coef_x0 = np.sqrt(alpha_bar_prev) * beta_t / (1.0 - alpha_bar[t - 1])
    coef_xt = np.sqrt(1.0 - beta_t) * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar[t - 1])
    return coef_x0 * np.asarray(x_0) + coef_xt * np.asarray(x_t), beta_t
