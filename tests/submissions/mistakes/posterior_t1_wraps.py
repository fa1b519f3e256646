"""The posterior with β̄_{t-1} read as ``alpha_bar[t - 2]`` even at t = 1, where it wraps to β̄_T."""

import numpy as np


def posterior_mean_variance(x_t, x_0, t, betas):
    betas = np.asarray(betas, dtype=np.float64)
    alpha_bar = np.cumprod(1.0 - betas)
    alpha_bar_prev = alpha_bar[t - 2]
    beta_t = betas[t - 1]
    coef_x0 = np.sqrt(alpha_bar_prev) * beta_t / (1.0 - alpha_bar[t - 1])
    coef_xt = np.sqrt(1.0 - beta_t) * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar[t - 1])
    variance = beta_t * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar[t - 1])
    return coef_x0 * np.asarray(x_0) + coef_xt * np.asarray(x_t), variance
