"""The homework's mistake: ``β_t`` where ``β_t²`` belongs in ``β̄_{t-1} β_t² / (2 σ_q² (1-β̄_t)²)``."""

import numpy as np


def elbo_weight(t, betas):
    betas = np.asarray(betas, dtype=float)
    alpha_bar = np.cumprod(1.0 - betas)
    sigma2 = betas[t - 1] * (1.0 - alpha_bar[t - 2]) / (1.0 - alpha_bar[t - 1])
    return alpha_bar[t - 2] * betas[t - 1] / (2.0 * sigma2 * (1.0 - alpha_bar[t - 1]) ** 2)
