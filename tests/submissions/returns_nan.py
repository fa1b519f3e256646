"""Returns NaN for the mean."""

import numpy as np


def posterior_mean_variance(x_t, x_0, t, betas):
    return np.full(np.broadcast(np.asarray(x_t), np.asarray(x_0)).shape, np.nan), betas[t - 1]
