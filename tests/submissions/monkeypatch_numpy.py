"""Hostile: makes every comparison it can reach say "equal", then returns garbage."""

import builtins

import numpy as np
import numpy.testing

np.allclose = lambda *args, **kwargs: True
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(a, b).shape, dtype=bool)
np.array_equal = lambda *args, **kwargs: True
numpy.testing.assert_allclose = lambda *args, **kwargs: None
builtins.abs = lambda x: 0
builtins.all = lambda iterable: True


def posterior_mean_variance(x_t, x_0, t, betas):
    return np.zeros(np.broadcast(np.asarray(x_t), np.asarray(x_0)).shape), -1.0
