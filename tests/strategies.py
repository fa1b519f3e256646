"""Hypothesis strategies shared by the tests: schedules within the domain where the claims hold."""

from __future__ import annotations

import hypothesis.extra.numpy as hnp
import numpy as np
from hypothesis import strategies as st

from genverify.numeric.schedules import Schedule, cosine_schedule, linear_schedule


def betas_arrays(max_T: int = 1000, min_beta: float = 1e-5, max_beta: float = 0.999):
    return hnp.arrays(
        np.float64,
        st.integers(1, max_T),
        elements=st.floats(min_beta, max_beta, allow_nan=False, allow_infinity=False),
    )


@st.composite
def schedules(draw, max_T: int = 1000, max_beta: float = 0.999) -> Schedule:
    """A linear, cosine or arbitrary schedule with ``T ≤ max_T`` and every ``β_t ≤ max_beta``."""
    kind = draw(st.sampled_from(["linear", "cosine", "arbitrary"]))
    T = draw(st.integers(1, max_T))
    if kind == "linear":
        beta_1 = draw(st.floats(1e-5, max_beta, allow_nan=False, allow_infinity=False))
        beta_T = draw(st.floats(1e-5, max_beta, allow_nan=False, allow_infinity=False))
        return linear_schedule(T, beta_1, beta_T)
    if kind == "cosine":
        return cosine_schedule(T, max_beta=max_beta)
    return Schedule(draw(betas_arrays(max_T, max_beta=max_beta)))
