"""A correct DDPM step written with a plain loop for β̄ and Alg. 2's ε form, σ_t = σ̃_t."""

import math

import numpy as np


def ddpm_step(x_t, t, eps, noise, betas):
    alpha_bar_prev = 1.0
    for beta in betas[:t - 1]:
        alpha_bar_prev *= 1.0 - beta
    beta_t = float(betas[t - 1])
    alpha_bar = alpha_bar_prev * (1.0 - beta_t)
    sigma2 = beta_t * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar)
    mean = (np.asarray(x_t) - beta_t / math.sqrt(1.0 - alpha_bar) * np.asarray(eps)) / math.sqrt(1.0 - beta_t)
    return mean + math.sqrt(sigma2) * np.asarray(noise)
