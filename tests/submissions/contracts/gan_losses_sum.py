"""Mistake in all three: a sum over the batch where the loss takes the mean."""

import numpy as np


def discriminator_loss(d_real, d_fake):
    return -np.sum(np.log(d_real)) - np.sum(np.log(1 - np.asarray(d_fake)))


def generator_loss_saturating(d_fake):
    return np.sum(np.log(1 - np.asarray(d_fake)))


def generator_loss_nonsaturating(d_fake):
    return -np.sum(np.log(d_fake))
