"""Hostile: crashes the interpreter (reads address 0) when called."""

import ctypes


def posterior_mean_variance(x_t, x_0, t, betas):
    return ctypes.string_at(0), 0.0
