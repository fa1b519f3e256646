"""Test-suite set-up.

The networks and matrices in the tests are small: on a shared 2-core machine a multithreaded BLAS
spends more time synchronising threads than computing (measured 12-30x slower for the GAN and
score-matching tests).  Pin one thread before NumPy is first imported.
"""

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

# Hypothesis, for every property test: no deadline (a wall-clock limit per example is a timed
# assertion, and under load an example took 326 ms against the default 200 ms), no example
# database (a failure seen once on one machine is not replayed as if it were a new one), and
# derandomized: the examples are seeded from each test, not drawn afresh, so a run of the whole
# suite draws the same ones every time and a rare draw cannot fail one CI run and pass the next
# (a test run alone, in another context, may draw others).  A test's own @settings still override.
from hypothesis import settings  # noqa: E402  (after the BLAS variables, before NumPy)

settings.register_profile("genverify", deadline=None, database=None, derandomize=True)
settings.load_profile("genverify")
