"""``forward_marginal`` with t used as a 0-based index: ``alpha_bar[t]`` is β̄_{t+1}."""

import numpy as np


def forward_marginal(x_0, t, betas):
    alpha_bar = np.cumprod(1.0 - np.asarray(betas, dtype=np.float64))[t]
    return np.sqrt(alpha_bar) * np.asarray(x_0, dtype=np.float64), 1.0 - alpha_bar
