"""The KL divergence between two Gaussians with unequal variances, the lemma behind every ELBO term:

    KL(N(μ_1, σ_1²) ‖ N(μ_2, σ_2²)) = log(σ_2/σ_1) + (σ_1² + (μ_1-μ_2)²)/(2σ_2²) - ½,

nonnegative, and zero only when μ_1 = μ_2 and σ_1 = σ_2.  Kingma & Welling (2014),
*Auto-Encoding Variational Bayes*, Appendix B; Ho et al. (2020), eq. 5 (every term of the
negative ELBO is such a KL); Bishop (2006), *Pattern Recognition and Machine Learning*, ex. 1.30.

By definition ``KL = E_{X ~ N(μ_1, σ_1²)}[log N(X; μ_1, σ_1²) - log N(X; μ_2, σ_2²)]``.  The
log-ratio is a quadratic in X; writing ``X = μ_1 + σ_1 Z`` with ``Z ~ N(0, 1)`` it is a quadratic
in Z, whose expectation needs only ``E Z = 0`` and ``E Z² = 1``.  Both moments are checked from
the standard normal density ``φ``: ``z φ(z) = -φ'(z)`` and ``z² φ(z) = φ(z) - (z φ(z))'``, with
``φ(z)`` and ``z φ(z)`` tending to 0 at ±∞, so ``∫ z φ = 0`` and ``∫ z² φ = ∫ φ = 1``.  Writing
``ρ = σ_1²/σ_2²``, ``KL = ½(ρ - 1 - log ρ) + (μ_1-μ_2)²/(2σ_2²)``; ``ρ - 1 - log ρ`` is strictly
convex on (0, ∞) with its only stationary point at ρ = 1, where it is 0, which gives the sign.

One coordinate; for ``N(μ_1, σ_1² I)`` and ``N(μ_2, σ_2² I)`` in d dimensions the KL is the sum
over coordinates (the densities factorise).
"""

from __future__ import annotations

import sympy as sp

from .engine import All, ArgMax, Derivation, Domain, Equal, LimitIs, Step
from .notation import GaussianKL, Quantity, gaussian_logpdf

mu_1, mu_2 = sp.symbols("μ_1 μ_2", real=True)
sigma_1, sigma_2 = sp.symbols("σ_1 σ_2", positive=True)
z = sp.Symbol("z", real=True)
rho = sp.Symbol("ρ", positive=True)

#: The standard normal density φ(z), shown by its name.
PHI = Quantity("φ(z)", r"\varphi(z)", sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi))

#: ``log N(X; μ_1, σ_1²) - log N(X; μ_2, σ_2²)`` at ``X = μ_1 + σ_1 z``: the integrand of the KL.
LOG_RATIO = (gaussian_logpdf(mu_1 + sigma_1 * z, mu_1, sigma_1**2)
             - gaussian_logpdf(mu_1 + sigma_1 * z, mu_2, sigma_2**2))

KL_CLOSED = sp.log(sigma_2 / sigma_1) + (sigma_1**2 + (mu_1 - mu_2) ** 2) / (2 * sigma_2**2) - sp.Rational(1, 2)

#: ``ρ - 1 - log ρ``, twice the variance part of the KL at ``ρ = σ_1²/σ_2²``.
GIBBS = rho - 1 - sp.log(rho)

DOMAIN = Domain(
    intervals={mu_1: (-sp.oo, sp.oo), mu_2: (-sp.oo, sp.oo), sigma_1: (0, sp.oo), sigma_2: (0, sp.oo),
               z: (-sp.oo, sp.oo), rho: (0, sp.oo)},
    hypotheses=("μ_1, μ_2 real; σ_1, σ_2 > 0", "φ(z) = exp(-z²/2)/√(2π)",
                "one coordinate (isotropic covariances add over coordinates)",
                "Z ~ N(0, 1) with density φ; ∫ φ = 1 and linearity of expectation are used, not checked"),
)


def derivation(closed=KL_CLOSED, second_moment=sp.Integer(1)) -> Derivation:
    """The derivation; ``closed`` is the claimed closed form and ``second_moment`` the claimed
    ``E Z²`` (a test substitutes wrong ones)."""
    # The log-ratio as c_0 + c_1 z + c_2 z², its coefficients read off by SymPy.  Derivatives and
    # substitutions stay unevaluated so that each step shows what it differentiates or substitutes.
    c_0, c_1, c_2 = (sp.expand(LOG_RATIO).coeff(z, k) for k in range(3))
    steps = (
        Step(Equal(LOG_RATIO, c_0 + c_1 * z + c_2 * z**2),
             "with X = μ_1 + σ_1 Z the log-ratio of the two densities is a quadratic in Z"),
        Step(Equal(-sp.Derivative(PHI, z), z * PHI), "z φ(z) = -φ'(z), so ∫ z φ(z) dz = [-φ(z)] between ±∞"),
        Step(All((("z → ∞", LimitIs(PHI, z, sp.oo, 0)), ("z → -∞", LimitIs(PHI, z, -sp.oo, 0)))),
             "φ(z) → 0 as z → ±∞: E Z = 0"),
        Step(Equal(PHI - sp.Derivative(z * PHI, z), z**2 * PHI),
             "z² φ(z) = φ(z) - (z φ(z))', so ∫ z² φ = ∫ φ - [z φ(z)] between ±∞"),
        Step(All((("z → ∞", LimitIs(z * PHI, z, sp.oo, 0)), ("z → -∞", LimitIs(z * PHI, z, -sp.oo, 0)))),
             "z φ(z) → 0 as z → ±∞: E Z² = ∫ φ = 1"),
        Step(Equal(c_0 + c_2 * second_moment, closed),
             "E[c_0 + c_1 Z + c_2 Z²] = c_0 + c_1 E Z + c_2 E Z² = c_0 + c_2 by linearity: the closed form"),
        Step(Equal(GaussianKL(mu_1, mu_2, sigma_1**2, sigma_2**2), KL_CLOSED),
             "in variances, ½[log(v_2/v_1) + (v_1 + (μ_1-μ_2)²)/v_2 - 1]: the form the ELBO's terms use"),
        Step(Equal(KL_CLOSED, GIBBS.subs(rho, sigma_1**2 / sigma_2**2) / 2 + (mu_1 - mu_2) ** 2 / (2 * sigma_2**2)),
             "with ρ = σ_1²/σ_2²: a variance part ½(ρ - 1 - log ρ) plus a mean part (μ_1-μ_2)²/(2σ_2²) ≥ 0"),
        Step(ArgMax(GIBBS, rho, 1, (0, sp.oo), sense="min"),
             "ρ - 1 - log ρ is strictly convex on (0, ∞) and stationary only at ρ = 1 ..."),
        Step(Equal(sp.Subs(GIBBS, rho, 1), 0), "... where it is 0: so KL ≥ 0, with equality iff σ_1 = σ_2 and μ_1 = μ_2"),
    )
    return Derivation(
        claim=All((
            ("the expectation of the log-ratio", steps[5].relation),
            ("a variance part and a mean part", steps[7].relation),
            ("the variance part's unique minimiser", steps[8].relation),
            ("its minimum", steps[9].relation),
        )),
        statement="KL(N(μ_1, σ_1²) ‖ N(μ_2, σ_2²)) = log(σ_2/σ_1) + (σ_1² + (μ_1-μ_2)²)/(2σ_2²) - 1/2 "
                  "for all real μ_1, μ_2 and σ_1, σ_2 > 0 (one coordinate), with E Z = 0 and E Z² = 1 checked "
                  "from φ; it is ≥ 0, and 0 only at μ_1 = μ_2, σ_1 = σ_2",
        display_claim=r"D_{\mathrm{KL}}\left(\mathcal{N}(\mu_1, \sigma_1^2) \,\|\, \mathcal{N}(\mu_2, \sigma_2^2)\right) = "
                      r"\log \frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1 - \mu_2)^2}{2 \sigma_2^2} - \frac{1}{2} "
                      r"\ge 0, \quad \text{with equality iff } \mu_1 = \mu_2,\ \sigma_1 = \sigma_2",
        domain=DOMAIN,
        steps=steps,
    )


def mutants() -> dict[str, Derivation]:
    """Wrong closed forms (and a wrong moment) the engine must refute."""
    return {
        "log(σ_1/σ_2): the log-ratio of the scales inverted": derivation(
            closed=KL_CLOSED - 2 * sp.log(sigma_2 / sigma_1)),
        "log(σ_2²/σ_1²) for log(σ_2/σ_1): the ½ on the log of the variances dropped": derivation(
            closed=KL_CLOSED + sp.log(sigma_2 / sigma_1)),
        "the -½ dropped": derivation(closed=KL_CLOSED + sp.Rational(1, 2)),
        "divided by σ_1² instead of σ_2²": derivation(
            closed=sp.log(sigma_2 / sigma_1) + (sigma_1**2 + (mu_1 - mu_2) ** 2) / (2 * sigma_1**2) - sp.Rational(1, 2)),
        "E Z² = 0 (the variance of X forgotten)": derivation(second_moment=sp.Integer(0)),
    }
