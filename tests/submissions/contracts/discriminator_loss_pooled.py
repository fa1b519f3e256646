"""Mistake: one mean over the concatenated real and fake batches."""

import numpy as np


def discriminator_loss(d_real, d_fake):
    terms = np.concatenate([np.log(np.ravel(d_real)), np.log(1 - np.ravel(d_fake))])
    return -np.mean(terms)
