"""No log-sum-exp: densities exponentiated directly, so far from every mode 0/0 gives NaN.
Right everywhere else."""

import numpy as np


def gmm_score(x, weights, means, variances):
    x = np.asarray(x, dtype=np.float64)
    D = x.shape[-1]
    diff = np.asarray(means) - x[..., None, :]
    dens = weights * (2 * np.pi * variances) ** (-D / 2) * np.exp(-(diff**2).sum(-1) / (2 * variances))
    r = dens / dens.sum(-1, keepdims=True)
    return np.einsum("...k,...kd->...d", r, diff / np.asarray(variances)[:, None])
