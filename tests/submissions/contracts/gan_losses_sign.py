"""Mistake in all three: the sign (each returns the negative of its loss)."""

import numpy as np


def discriminator_loss(d_real, d_fake):
    return np.mean(np.log(d_real)) + np.mean(np.log(1 - np.asarray(d_fake)))


def generator_loss_saturating(d_fake):
    return -np.mean(np.log(1 - np.asarray(d_fake)))


def generator_loss_nonsaturating(d_fake):
    return np.mean(np.log(d_fake))
