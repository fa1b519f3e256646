"""Correct GAN losses, all three in one file, written with log1p as a careful student would."""

import numpy as np


def discriminator_loss(d_real, d_fake):
    return -np.mean(np.log(d_real)) - np.mean(np.log1p(-np.asarray(d_fake)))


def generator_loss_saturating(d_fake):
    return float(np.mean(np.log1p(-np.asarray(d_fake))))


def generator_loss_nonsaturating(d_fake):
    return float(-np.mean(np.log(d_fake)))
