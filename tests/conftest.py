"""Test-suite set-up.

The networks and matrices in the tests are small: on a shared 2-core machine a multithreaded BLAS
spends more time synchronising threads than computing (measured 12-30x slower for the GAN and
score-matching tests).  Pin one thread before NumPy is first imported.
"""

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
