"""Mistake in all three: D's outputs clipped to [1e-7, 1 - 1e-7] first, as Keras's BCE does."""

import numpy as np

EPSILON = 1e-7


def discriminator_loss(d_real, d_fake):
    d_real, d_fake = np.clip(d_real, EPSILON, 1 - EPSILON), np.clip(d_fake, EPSILON, 1 - EPSILON)
    return -np.mean(np.log(d_real)) - np.mean(np.log(1 - d_fake))


def generator_loss_saturating(d_fake):
    return np.mean(np.log(1 - np.clip(d_fake, EPSILON, 1 - EPSILON)))


def generator_loss_nonsaturating(d_fake):
    return -np.mean(np.log(np.clip(d_fake, EPSILON, 1 - EPSILON)))
