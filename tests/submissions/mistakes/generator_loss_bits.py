"""The non-saturating generator loss in bits (log base 2), where the contract uses nats."""

import numpy as np


def generator_loss_nonsaturating(d_fake):
    return -np.mean(np.log2(np.asarray(d_fake, dtype=np.float64)))
