"""The Dirac-GAN code contract: the eigenvalues of the training dynamics at the equilibrium.

Mescheder, Geiger & Nowozin 2018, §2 and §4.1 (result ``gan.dirac``; :mod:`genverify.numeric.dirac_gan`):
the gradient field's Jacobian at ``(θ, ψ) = (0, 0)`` is ``[[0, -f'(0)], [f'(0), -γ]]``, whose
eigenvalues are

    λ_± = -γ/2 ± √(γ²/4 - f'(0)²)

(principal complex square root): ``±i f'(0)`` without regularisation (γ = 0), a damped spiral for
``0 < γ < 2f'(0)``, two negative reals for ``γ > 2f'(0)``.  The contract returns them as real and
imaginary parts, λ_+ first, so no complex numbers need to cross the sandbox's JSON pipe.
"""

from __future__ import annotations

import numpy as np

from ..cases import READABLE
from ..contract import Case, CodeTarget, Mistake, Regime


def _eigenvalues(gamma: float, f_prime: float, *, damping: float = 0.5, power: int = 2,
                 sign: float = -1.0) -> tuple[np.ndarray, np.ndarray]:
    """``(real parts, imaginary parts)`` of ``sign·damping·γ ± √((damping γ)² - f'^power)``."""
    centre = sign * damping * gamma
    root = np.sqrt(complex((damping * gamma) ** 2 - f_prime**power))
    values = np.array([centre + root, centre - root])
    return values.real.copy(), values.imag.copy()


def _reference(case: Case) -> tuple[np.ndarray, np.ndarray]:
    return _eigenvalues(case["gamma"], case["f_prime"])


def _draw(gammas, f_primes):
    def draw(rng: np.random.Generator) -> Case:
        f_prime = float(f_primes(rng))
        return {"gamma": float(gammas(rng, f_prime)), "f_prime": f_prime}
    return draw


def _dyadic(rng: np.random.Generator) -> float:
    """A slope with an exact binary square, so at γ = 2f'(0) the root is exactly 0."""
    return float(rng.choice([0.125, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0]))


_REGIMES = (
    Regime(READABLE, 6, _draw(lambda rng, f: rng.choice([0.0, 0.5, 1.0, 2.0, 3.0]),
                              lambda rng: rng.choice([0.5, 1.0]))),
    Regime("standard GAN, f'(0) = 1/2", 6, _draw(lambda rng, f: rng.uniform(0.0, 3.0), lambda rng: 0.5)),
    Regime("no regularisation (γ = 0)", 6, _draw(lambda rng, f: 0.0, lambda rng: rng.uniform(0.05, 5.0)),
           "Only γ = 0 fails: without R1 the eigenvalues are ±i f'(0), purely imaginary."),
    Regime("spiral (0 < γ < 2f'(0))", 10, _draw(lambda rng, f: rng.uniform(0.01, 0.99) * 2 * f,
                                                 lambda rng: rng.uniform(0.05, 5.0))),
    Regime("overdamped (γ > 2f'(0))", 10, _draw(lambda rng, f: rng.uniform(1.01, 20.0) * 2 * f,
                                                 lambda rng: rng.uniform(0.05, 5.0)),
           "Only γ > 2f'(0) fails: there both eigenvalues are real, -γ/2 ± √(γ²/4 - f'(0)²), "
           "λ_+ the larger."),
    Regime("critical damping (γ = 2f'(0))", 4, _draw(lambda rng, f: 2 * f, _dyadic)),
)

DIRAC_EIGENVALUES = CodeTarget(
    name="gan.dirac_eigenvalues",
    result_id="gan.dirac",
    function="dirac_eigenvalues",
    arguments=("gamma", "f_prime"),
    outputs=("Re λ", "Im λ"),
    signature="dirac_eigenvalues(gamma, f_prime) -> (real, imag); the eigenvalues λ_± = -γ/2 ± "
              "√(γ²/4 - f'(0)²) of the Dirac-GAN's Jacobian at the equilibrium with R1 weight "
              "gamma ≥ 0 and f_prime = f'(0) > 0 (Mescheder et al. 2018): two float64 arrays of "
              "shape (2,), λ_+ first (principal complex square root)",
    reference=_reference,
    regimes=_REGIMES,
    mistakes=(
        Mistake("the R1 term dropped",
                "Without R1 the eigenvalues are ±i f'(0); the penalty (γ/2)ψ² adds -γ to the "
                "Jacobian's corner, giving -γ/2 ± √(γ²/4 - f'(0)²).",
                lambda c: _eigenvalues(0.0, c["f_prime"])),
        Mistake("γ for γ/2",
                "The trace of [[0, -f'(0)], [f'(0), -γ]] is -γ, shared by two eigenvalues: each "
                "has real part -γ/2 (when they are complex), not -γ.",
                lambda c: _eigenvalues(c["gamma"], c["f_prime"], damping=1.0)),
        Mistake("f'(0) for f'(0)² under the root",
                "The determinant of the Jacobian is f'(0)², so the discriminant is γ²/4 - f'(0)².",
                lambda c: _eigenvalues(c["gamma"], c["f_prime"], power=1)),
        Mistake("the sign of the damping",
                "R1 damps the dynamics: the real parts are -γ/2 (negative, convergent), not +γ/2.",
                lambda c: _eigenvalues(c["gamma"], c["f_prime"], sign=1.0)),
        Mistake("λ_- first",
                "The contract lists λ_+ = -γ/2 + √(γ²/4 - f'(0)²) first; the two were returned "
                "in the other order.",
                lambda c: tuple(part[::-1].copy() for part in _reference(c))),
    ),
    example='''import numpy as np


def dirac_eigenvalues(gamma, f_prime):
    root = np.sqrt(complex(gamma**2 / 4 - f_prime**2))
    eigenvalues = np.array([-gamma / 2 + root, -gamma / 2 - root])
    return eigenvalues.real, eigenvalues.imag
''',
)

TARGETS = (DIRAC_EIGENVALUES,)
