"""Dirac-GAN eigenvalues with f'(0) where the determinant f'(0)² belongs under the root."""

import numpy as np


def dirac_eigenvalues(gamma, f_prime):
    root = np.sqrt(complex(gamma**2 / 4 - f_prime))
    eigenvalues = np.array([-gamma / 2 + root, -gamma / 2 - root])
    return eigenvalues.real, eigenvalues.imag
