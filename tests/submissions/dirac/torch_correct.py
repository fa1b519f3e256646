"""Dirac-GAN eigenvalues from the Jacobian itself, with torch (the course environment)."""

import numpy as np
import torch


def dirac_eigenvalues(gamma, f_prime):
    jacobian = torch.tensor([[0.0, -f_prime], [f_prime, -gamma]], dtype=torch.float64)
    values = torch.linalg.eigvals(jacobian).numpy()
    values = values[np.lexsort((-values.real, -values.imag))]
    return values.real, values.imag
