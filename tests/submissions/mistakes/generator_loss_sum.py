"""The non-saturating generator loss summed over the batch, where the contract takes the mean."""

import numpy as np


def generator_loss_nonsaturating(d_fake):
    return -np.sum(np.log(np.asarray(d_fake, dtype=np.float64)))
