"""A correct DDIM step: ε̂'s coefficient and σ_t written out as in eqs. 12 and 16, β̄ by a loop."""

import math

import numpy as np


def ddim_step(x_t, t, t_prev, eps, noise, eta, betas):
    a = a_prev = 1.0
    for i, beta in enumerate(betas[:t]):
        a *= 1.0 - beta
        if i + 1 == t_prev:
            a_prev = a
    sigma = eta * math.sqrt((1.0 - a_prev) / (1.0 - a)) * math.sqrt(1.0 - a / a_prev)
    x0_hat = (np.asarray(x_t) - math.sqrt(1.0 - a) * np.asarray(eps)) / math.sqrt(a)
    direction = math.sqrt(max(1.0 - a_prev - sigma**2, 0.0))
    return math.sqrt(a_prev) * x0_hat + direction * np.asarray(eps) + sigma * np.asarray(noise)
