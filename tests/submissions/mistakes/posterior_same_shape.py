"""The posterior computed element by element over x_t's shape: x_0 must have the same shape."""

import numpy as np


def posterior_mean_variance(x_t, x_0, t, betas):
    betas = np.asarray(betas, dtype=np.float64)
    alpha_bar = np.cumprod(1.0 - betas)
    alpha_bar_prev = 1.0 if t == 1 else alpha_bar[t - 2]
    beta_t = betas[t - 1]
    coef_x0 = np.sqrt(alpha_bar_prev) * beta_t / (1.0 - alpha_bar[t - 1])
    coef_xt = np.sqrt(1.0 - beta_t) * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar[t - 1])
    variance = beta_t * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar[t - 1])
    x_t = np.asarray(x_t, dtype=np.float64)
    x_0 = np.asarray(x_0, dtype=np.float64).reshape(x_t.shape)
    return coef_x0 * x_0 + coef_xt * x_t, variance
