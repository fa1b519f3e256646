"""A correct ``q_sample``: β̄_t from a sum of logs, ``x_t = √β̄_t x_0 + √(1-β̄_t) ε``."""

import numpy as np


def q_sample(x_0, t, noise, betas):
    log_alpha_bar = np.sum(np.log1p(-np.asarray(betas, dtype=np.float64)[:t]))
    return np.exp(0.5 * log_alpha_bar) * x_0 + np.sqrt(-np.expm1(log_alpha_bar)) * noise
