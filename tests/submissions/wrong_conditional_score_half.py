"""Drops the factor 2 of the likelihood's gradient."""

import numpy as np


def conditional_score(x, x_known, mask, prior_score):
    x = np.asarray(x, dtype=float)
    return prior_score(x) - (x - np.asarray(x_known)) * np.asarray(mask)
