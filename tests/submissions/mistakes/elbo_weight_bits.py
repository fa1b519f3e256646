"""The ELBO weight with the KL in bits (log base 2): the reference divided by ln 2."""

import math

import numpy as np


def elbo_weight(t, betas):
    betas = np.asarray(betas, dtype=np.float64)
    alpha_bar = np.cumprod(1.0 - betas)
    nats = 0.5 * alpha_bar[t - 2] * betas[t - 1] / ((1.0 - alpha_bar[t - 2]) * (1.0 - alpha_bar[t - 1]))
    return nats / math.log(2.0)
