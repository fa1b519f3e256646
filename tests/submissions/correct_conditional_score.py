"""A correct conditional score for the likelihood ``∝ exp(-‖(x - x_known) ⊙ M‖²)``."""

import numpy as np


def conditional_score(x, x_known, mask, prior_score):
    x = np.asarray(x, dtype=float)
    return prior_score(x) - 2.0 * (x - np.asarray(x_known)) * np.asarray(mask)
