"""The DCGAN tutorial's losses with D's outputs cast to float32 (``.float()``), as a network's would be."""

import torch
import torch.nn.functional as F


def _bce(d, label):
    d = torch.as_tensor(d).float()
    return F.binary_cross_entropy(d, torch.full_like(d, label))


def discriminator_loss(d_real, d_fake):
    return (_bce(d_real, 1.0) + _bce(d_fake, 0.0)).item()


def generator_loss_saturating(d_fake):
    return (-_bce(d_fake, 0.0)).item()


def generator_loss_nonsaturating(d_fake):
    return _bce(d_fake, 1.0).item()
