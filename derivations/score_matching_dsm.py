"""Denoising score matching equals explicit score matching up to a constant.

Vincent (2011), *A Connection Between Score Matching and Denoising Autoencoders*, eqs. 4–7 and
Appendix; Song & Ermon (2019), eq. 2.  Noise data ``x_0 ~ p`` with the kernel
``q(x_t | x_0) = N(√ᾱ x_0, 1 - ᾱ)`` (Ho et al. 2020, eq. 4), so ``q(x_t) = E_p q(x_t | x_0)``.  For
any score model ``s``,

    J_ESM(s) = E_{q(x_t)} ½‖s(x_t) - ∇ log q(x_t)‖²,
    J_DSM(s) = E_{q(x_0, x_t)} ½‖s(x_t) - ∇ log q(x_t | x_0)‖²,   ∇ log q(x_t | x_0) = -(x_t - √ᾱ x_0)/(1 - ᾱ),

and ``J_DSM(s) = J_ESM(s) + C`` with ``C`` independent of ``s``.  The two ``½‖s‖²`` terms agree
(both have ``x_t``-marginal ``q``); the cross terms agree because
``q(x_t) ∇ log q(x_t) = ∇ q(x_t) = E_p[q(x_t | x_0) ∇ log q(x_t | x_0)]``; what is left,
``C = E ½‖∇ log q(x_t | x_0)‖² - E ½‖∇ log q(x_t)‖²``, does not involve ``s``.  So both losses
have the same minimiser, the score of ``q``: a denoiser trained on pairs learns it.

Scope (what the engine checks): one coordinate; data on 3 atoms ``x_1, x_2, x_3`` (any positions,
any positive probabilities), where ``E_p`` is a finite sum.  The Gaussian kernel's score and gradient
are checked as functions of ``x_t`` (that the mixture's gradient is the sum of its terms' is
linearity); the identity of the integrands of
``J_DSM`` and ``J_ESM`` is checked at one ``x_t`` for any positive kernel values ``q(x_t | x_i)``,
any conditional scores and any value ``s`` of the model there, with ``∇ log q(x_t)`` the
posterior-weighted average of the conditional scores (the previous step).  That integrating the
pointwise identity over ``x_t`` gives the losses (the integrals are finite) is argued, not checked.
"""

from __future__ import annotations

import sympy as sp

from .engine import All, Derivation, Domain, Equal, Step, chain
from .diffusion_probability_flow import Normal

x_t = sp.Symbol("x_t", real=True)
x_0 = sp.Symbol("x_0", real=True)
s = sp.Symbol("s", real=True)
alpha_bar = sp.Symbol("ᾱ", positive=True)
p_1, p_2, p_3 = sp.symbols("p_1 p_2 p_3", positive=True)
probabilities = (p_1, p_2, p_3)


def kernel(x0: sp.Expr) -> sp.Expr:
    """``q(x_t | x_0) = N(x_t; √ᾱ x_0, 1 - ᾱ)``."""
    return Normal(x_t, sp.sqrt(alpha_bar) * x0, 1 - alpha_bar)


#: ``∇_{x_t} log q(x_t | x_0) = -(x_t - √ᾱ x_0)/(1 - ᾱ) = -ε/√(1 - ᾱ)``: DSM's regression target.
TARGET = -(x_t - sp.sqrt(alpha_bar) * x_0) / (1 - alpha_bar)

#: Values at the point x_t: ``k_i = q(x_t | x_i)``, ``g_i = ∇ log q(x_t | x_i)``, and the data score.
kernels = tuple(sp.Symbol(f"q(x_t|x_{i})", positive=True) for i in (1, 2, 3))
conditional_scores = tuple(sp.Symbol(f"∇log q(x_t|x_{i})", real=True) for i in (1, 2, 3))
score = sp.Symbol("∇log q(x_t)", real=True)

#: ``q(x_t) = Σ_i p_i q(x_t | x_i)`` in the kernels' values.
Q = sp.Add(*(p * k for p, k in zip(probabilities, kernels)))
#: ``∇ log q = ∇q / q = Σ_i p_i k_i g_i / q``: the posterior mean of the conditional scores.
SCORE = sp.Add(*(p * k * g for p, k, g in zip(probabilities, kernels, conditional_scores))) / Q


def integrands() -> tuple[sp.Expr, sp.Expr]:
    """``(DSM, ESM)`` integrands at ``x_t``: ``Σ_i p_i k_i ½(s - g_i)²`` and ``q ½(s - ∇log q)²``."""
    dsm = sp.Add(*(p * k * (s - g) ** 2 / 2 for p, k, g in zip(probabilities, kernels, conditional_scores)))
    return dsm, Q * (s - score) ** 2 / 2


#: ``C(x_t) = Σ_i p_i k_i ½ g_i² - q ½ (∇ log q)²``, the integrand of ``C``.
CONSTANT = (sp.Add(*(p * k * g**2 / 2 for p, k, g in zip(probabilities, kernels, conditional_scores)))
            - Q * score**2 / 2)


def domain(score_value: sp.Expr = SCORE) -> Domain:
    """The domain, ``∇ log q(x_t)`` defined as ``score_value``."""
    return Domain(
        intervals={x_t: (-sp.oo, sp.oo), x_0: (-sp.oo, sp.oo), s: (-sp.oo, sp.oo), alpha_bar: (0, 1),
                   **{k: (0, sp.oo) for k in kernels},
                   **{g: (-sp.oo, sp.oo) for g in conditional_scores}, p_1: (0, 1), p_2: (0, 1 - p_1)},
        definitions={p_3: 1 - p_1 - p_2, score: score_value},
        hypotheses=("x_t = √ᾱ x_0 + √(1-ᾱ) ε, ε ~ N(0, 1), 0 < ᾱ < 1",
                    "x_0 takes the values x_1, x_2, x_3 with probabilities p_1, p_2, p_3 = 1 - p_1 - p_2 > 0",
                    "at the point x_t: q(x_t|x_i) > 0 and ∇log q(x_t|x_i) are the kernel's values (steps 1-2), "
                    "∇log q(x_t) = Σ_i p_i q(x_t|x_i) ∇log q(x_t|x_i) / q(x_t)",
                    "s is the model's value s(x_t) at the point, any real number"),
    )


def derivation(target: sp.Expr = TARGET, c: sp.Expr = CONSTANT, score_value: sp.Expr = SCORE) -> Derivation:
    """The derivation; the arguments let a test substitute a wrong target, constant or data score."""
    dsm, esm = integrands()
    cross = sp.Add(*(p * k * g for p, k, g in zip(probabilities, kernels, conditional_scores)))
    steps = (
        Step(Equal(sp.Derivative(sp.log(kernel(x_0)), x_t), target),
             "the kernel is Gaussian: ∇ log q(x_t | x_0) = -(x_t - √ᾱ x_0)/(1-ᾱ), so DSM regresses s on -ε/√(1-ᾱ)"),
        Step(Equal(sp.Derivative(kernel(x_0), x_t), kernel(x_0) * target),
             "∇q(x_t | x_0) = q(x_t | x_0) ∇log q(x_t | x_0); summed over the atoms, ∇q(x_t) = Σ_i p_i q(x_t | x_i) "
             "∇log q(x_t | x_i)"),
        Step(Equal(Q * score, cross),
             "so, at x_t, q ∇log q = ∇q = Σ_i p_i q(x_t|x_i) ∇log q(x_t|x_i): hence E_q[s·∇log q] = "
             "E[s·∇log q(x_t | x_0)] for every s"),
        *chain(
            dsm - esm,
            (s * (Q * score - cross) + c,
             "expanding both squares, the ½s² terms cancel: both are weighted by Σ_i p_i q(x_t | x_i) = q(x_t)"),
            (c, "the cross terms cancel by the identity of step 3"),
        ),
        Step(Equal(sp.Derivative(dsm - esm, s), 0),
             "the difference does not involve the model: integrated over x_t, J_DSM(s) = J_ESM(s) + C"),
    )
    return Derivation(
        claim=All((
            ("the DSM target", Equal(sp.Derivative(sp.log(kernel(x_0)), x_t), target)),
            ("the kernel's gradient", Equal(sp.Derivative(kernel(x_0), x_t), kernel(x_0) * target)),
            ("DSM integrand = ESM integrand + C(x_t)", Equal(dsm - esm, c)),
            ("C(x_t) is free of the model's value s", Equal(sp.Derivative(c, s), 0)),
        )),
        statement="for data on 3 atoms and q(x_t | x_0) = N(√ᾱ x_0, 1-ᾱ), whose score is -(x_t - √ᾱ x_0)/(1-ᾱ): at "
                  "every x_t and for every model value s, Σ_i p_i q(x_t|x_i) ½(s - ∇log q(x_t|x_i))² = "
                  "q(x_t) ½(s - ∇log q(x_t))² + C(x_t) with C free of s, so J_DSM(s) = J_ESM(s) + ∫C",
        domain=domain(score_value),
        steps=steps,
        display_claim=r"\mathbb{E}_{q(x_0, x_t)} \tfrac12 \bigl\|s(x_t) - \nabla \log q(x_t \mid x_0)\bigr\|^2 "
                      r"= \mathbb{E}_{q(x_t)} \tfrac12 \bigl\|s(x_t) - \nabla \log q(x_t)\bigr\|^2 + C, \qquad "
                      r"\nabla \log q(x_t \mid x_0) = -\frac{x_t - \sqrt{\bar\alpha}\, x_0}{1 - \bar\alpha}",
    )


def mutants() -> dict[str, Derivation]:
    """Wrong targets, constants and data scores the engine must refute."""
    return {
        "target +(x_t - √ᾱ x_0)/(1-ᾱ): sign flipped": derivation(target=-TARGET),
        "target -(x_t - √ᾱ x_0)/√(1-ᾱ): standard deviation for variance": derivation(
            target=-(x_t - sp.sqrt(alpha_bar) * x_0) / sp.sqrt(1 - alpha_bar)),
        "target -(x_t - x_0)/(1-ᾱ): the √ᾱ scaling of x_0 dropped": derivation(target=-(x_t - x_0) / (1 - alpha_bar)),
        "DSM = ESM exactly (C = 0)": derivation(c=sp.Integer(0)),
        "the data score as the prior average Σ_i p_i ∇log q(x_t|x_i), not the posterior one": derivation(
            score_value=sp.Add(*(p * g for p, g in zip(probabilities, conditional_scores)))),
    }
