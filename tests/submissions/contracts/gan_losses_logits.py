"""Mistake in all three: D's outputs fed to BCE-with-logits, as if they were logits (σ twice)."""

import numpy as np


def _bce_with_logits(a, label):
    a = np.asarray(a, dtype=np.float64)
    return np.mean(np.maximum(a, 0) - a * label + np.log1p(np.exp(-np.abs(a))))


def discriminator_loss(d_real, d_fake):
    return _bce_with_logits(d_real, 1.0) + _bce_with_logits(d_fake, 0.0)


def generator_loss_saturating(d_fake):
    return -_bce_with_logits(d_fake, 0.0)


def generator_loss_nonsaturating(d_fake):
    return _bce_with_logits(d_fake, 1.0)
