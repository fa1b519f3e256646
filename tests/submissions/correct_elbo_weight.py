"""A correct ``elbo_weight`` as ``½ (SNR(t-1) - SNR(t))`` (Luo 2022, eq. 108)."""

import numpy as np


def elbo_weight(t, betas):
    alpha_bar = np.cumprod(1.0 - np.asarray(betas, dtype=float))
    snr = alpha_bar / (1.0 - alpha_bar)
    return 0.5 * (snr[t - 2] - snr[t - 1])
