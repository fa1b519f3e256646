"""Returns the mean flattened and with an extra element."""

import numpy as np


def posterior_mean_variance(x_t, x_0, t, betas):
    mean = np.broadcast_to(np.asarray(x_0, dtype=float), np.broadcast(x_t, x_0).shape)
    return np.append(mean.ravel(), 0.0), 0.0
