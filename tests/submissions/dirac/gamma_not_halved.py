"""Dirac-GAN eigenvalues with the trace's -γ given to each eigenvalue (γ for γ/2)."""

import numpy as np


def dirac_eigenvalues(gamma, f_prime):
    root = np.sqrt(complex(gamma**2 - f_prime**2))
    eigenvalues = np.array([-gamma + root, -gamma - root])
    return eigenvalues.real, eigenvalues.imag
