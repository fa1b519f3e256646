"""A correct posterior computed in float32 (torch's default dtype), as many course notebooks do."""

import numpy as np


def posterior_mean_variance(x_t, x_0, t, betas):
    betas = np.asarray(betas, dtype=np.float32)
    alpha_bar = np.cumprod(np.float32(1.0) - betas)
    alpha_bar_prev = np.float32(1.0) if t == 1 else alpha_bar[t - 2]
    beta_t = betas[t - 1]
    coef_x0 = np.sqrt(alpha_bar_prev) * beta_t / (np.float32(1.0) - alpha_bar[t - 1])
    coef_xt = np.sqrt(np.float32(1.0) - beta_t) * (np.float32(1.0) - alpha_bar_prev) / (np.float32(1.0) - alpha_bar[t - 1])
    variance = beta_t * (np.float32(1.0) - alpha_bar_prev) / (np.float32(1.0) - alpha_bar[t - 1])
    mean = coef_x0 * np.asarray(x_0, dtype=np.float32) + coef_xt * np.asarray(x_t, dtype=np.float32)
    return mean, variance
