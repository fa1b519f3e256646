"""Mistakes: D's loss with real and fake swapped; each generator loss is the other one."""

import numpy as np


def discriminator_loss(d_real, d_fake):
    return -np.mean(np.log(1 - np.asarray(d_real))) - np.mean(np.log(d_fake))


def generator_loss_saturating(d_fake):
    return -np.mean(np.log(d_fake))


def generator_loss_nonsaturating(d_fake):
    return np.mean(np.log(1 - np.asarray(d_fake)))
