"""A correct ``forward_marginal``: ``q(x_t | x_0) = N(√β̄_t x_0, (1-β̄_t) I)``."""

import numpy as np


def forward_marginal(x_0, t, betas):
    alpha_bar = np.prod(1.0 - np.asarray(betas, dtype=float)[:t])
    return np.sqrt(alpha_bar) * np.asarray(x_0, dtype=float), 1.0 - alpha_bar
