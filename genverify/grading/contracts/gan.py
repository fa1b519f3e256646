"""The GAN code contract: the optimal discriminator ``D*(x) = p_r/(p_r + p_g)``.

Goodfellow et al. 2014, Prop. 1; the reference is :func:`genverify.numeric.gan.optimal_discriminator`.
"""

from __future__ import annotations

import numpy as np

from genverify.numeric import gan

from ..cases import BROADCAST, READABLE, ROUND, arrays
from ..contract import Case, CodeTarget, Mistake, Regime


def _densities(rng: np.random.Generator, kind: str) -> Case:
    """Non-negative densities that broadcast together and never both vanish at a point."""
    if kind == ROUND:
        p_r, p_g = (rng.integers(0, 5, size=2).astype(np.float64) for _ in range(2))
    else:
        shape_kind = BROADCAST if kind == BROADCAST else "random"
        p_r, p_g = arrays(rng, shape_kind, 2)
        low, high = (-300.0, 300.0) if kind == "extreme" else (-6.0, 3.0)
        p_r, p_g = (10.0 ** rng.uniform(low, high, size=np.shape(p)) for p in (p_r, p_g))
        if kind == "zeros":
            p_r = np.where(rng.random(np.shape(p_r)) < 0.3, 0.0, p_r)
    # D* is undefined where both densities vanish; there every answer is right, so none is drawn.
    both_zero = np.broadcast_to(p_r == 0, np.broadcast_shapes(np.shape(p_r), np.shape(p_g))) & (p_g == 0)
    if both_zero.any():
        p_r = np.where(both_zero, 1.0, p_r)
    return {"p_r": p_r, "p_g": p_g}


def _regime(name: str, count: int, kind: str) -> Regime:
    return Regime(name, count, lambda rng: _densities(rng, kind))


def _ratio(case: Case) -> np.ndarray:
    with np.errstate(all="ignore"):
        return case["p_r"] / case["p_g"]


OPTIMAL_DISCRIMINATOR = CodeTarget(
    name="gan.optimal_discriminator",
    result_id="gan.optimal_discriminator",
    function="optimal_discriminator",
    arguments=("p_r", "p_g"),
    outputs=("D",),
    signature="optimal_discriminator(p_r, p_g) -> ndarray; non-negative density values that "
              "broadcast together, never both 0 at a point",
    reference=lambda c: gan.optimal_discriminator(c["p_r"], c["p_g"]),
    regimes=(
        _regime(READABLE, 6, ROUND),
        _regime("random densities (1e-6 to 1e3)", 20, "random"),
        _regime("zero densities", 10, "zeros"),
        _regime("extreme densities (1e-300 to 1e300)", 12, "extreme"),
        _regime("broadcast shapes", 12, BROADCAST),
    ),
    mistakes=(
        Mistake("p_r and p_g swapped",
                "D*(x) is the probability that x is real: p_r/(p_r + p_g), not p_g/(p_r + p_g).",
                lambda c: gan.optimal_discriminator(c["p_g"], c["p_r"])),
        Mistake("density ratio",
                "p_r/p_g is a density ratio, not a probability: divide by p_r + p_g.", _ratio),
    ),
    example='''import numpy as np


def optimal_discriminator(p_r, p_g):
    p_r = np.asarray(p_r, dtype=np.float64)
    return p_r / (p_r + np.asarray(p_g, dtype=np.float64))
''',
)

TARGETS = (OPTIMAL_DISCRIMINATOR,)
