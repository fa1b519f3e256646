"""A correct optimal discriminator ``D*(x) = p_r / (p_r + p_g)``."""

import numpy as np


def optimal_discriminator(p_r, p_g):
    p_r = np.asarray(p_r, dtype=float)
    return p_r / (p_r + np.asarray(p_g, dtype=float))
