"""Mistake: one forward step √(1-β_t) x_0 + √β_t ε instead of the marginal."""

import numpy as np


def q_sample(x_0, t, noise, betas):
    beta = betas[t - 1]
    return np.sqrt(1.0 - beta) * x_0 + np.sqrt(beta) * noise
