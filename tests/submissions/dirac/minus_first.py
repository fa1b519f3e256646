"""Dirac-GAN eigenvalues, λ_- listed before λ_+."""

import numpy as np


def dirac_eigenvalues(gamma, f_prime):
    root = np.sqrt(complex(gamma**2 / 4 - f_prime**2))
    eigenvalues = np.array([-gamma / 2 - root, -gamma / 2 + root])
    return eigenvalues.real, eigenvalues.imag
