"""Hostile: returns objects that lie about themselves (equal to everything, an ``__array__``
returning something else each time, a huge ``__len__``)."""

import itertools

import numpy as np

CALLS = itertools.count()


class Liar(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__

    def __len__(self):
        return 1 << 62


class Shifty:
    def __array__(self, dtype=None, copy=None):
        return np.full(3, float(next(CALLS)))


def posterior_mean_variance(x_t, x_0, t, betas):
    return Shifty(), Liar(0.0)
