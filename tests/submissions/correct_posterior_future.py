"""A correct ``posterior_mean_variance`` using ``from __future__ import annotations`` and ``glob``."""

from __future__ import annotations

import glob

import numpy as np

HERE = glob.glob("*")


def posterior_mean_variance(x_t: np.ndarray, x_0: np.ndarray, t: int,
                            betas: np.ndarray) -> tuple[np.ndarray, float]:
    alpha_bar = np.cumprod(1.0 - np.asarray(betas, dtype=float))
    alpha_bar_prev = alpha_bar[t - 2] if t > 1 else 1.0
    beta_t = betas[t - 1]
    variance = beta_t * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar[t - 1])
    mean = (np.sqrt(alpha_bar_prev) * beta_t * np.asarray(x_0)
            + np.sqrt(1.0 - beta_t) * (1.0 - alpha_bar_prev) * np.asarray(x_t)) / (1.0 - alpha_bar[t - 1])
    return mean, variance
