"""``forward_marginal`` with β̄_t read as 1 - β̄_t (and the noise's share as the signal's)."""

import numpy as np


def forward_marginal(x_0, t, betas):
    alpha_bar = 1.0 - np.cumprod(1.0 - np.asarray(betas, dtype=np.float64))[t - 1]
    return np.sqrt(alpha_bar) * np.asarray(x_0, dtype=np.float64), 1.0 - alpha_bar
