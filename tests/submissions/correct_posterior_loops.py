"""A correct ``posterior_mean_variance`` with explicit Python loops (Ho et al. 2020, eqs. 6-7)."""

import numpy as np


def posterior_mean_variance(x_t, x_0, t, betas):
    alpha_bar = []
    product = 1.0
    for beta in betas:
        product *= 1.0 - float(beta)
        alpha_bar.append(product)
    alpha_bar_prev = 1.0 if t == 1 else alpha_bar[t - 2]
    beta_t = float(betas[t - 1])
    denominator = 1.0 - alpha_bar[t - 1]
    coef_x0 = alpha_bar_prev ** 0.5 * beta_t / denominator
    coef_xt = (1.0 - beta_t) ** 0.5 * (1.0 - alpha_bar_prev) / denominator
    x_t, x_0 = np.broadcast_arrays(np.asarray(x_t, dtype=float), np.asarray(x_0, dtype=float))
    mean = np.empty(x_t.shape)
    for index in np.ndindex(x_t.shape):
        mean[index] = coef_x0 * x_0[index] + coef_xt * x_t[index]
    return mean, beta_t * (1.0 - alpha_bar_prev) / denominator
