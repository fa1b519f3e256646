"""The forward posterior is Gaussian: ``q(x_{t-1} | x_t, x_0) = N(μ̃_t(x_t, x_0), σ̃_t² I)``.

Ho et al. (2020), eqs. (6)–(7); homework 2.4 (following Chan 2024, *Tutorial on Diffusion
Models for Imaging and Vision*, §2.2).  By Bayes and the Markov property,
``q(x_{t-1} | x_t, x_0) = q(x_t | x_{t-1}) q(x_{t-1} | x_0) / q(x_t | x_0)``; its log-density is
quadratic in ``x_{t-1}``, and completing the square gives

    μ̃_t = √(1-β_t)(1-β̄_{t-1})/(1-β̄_t) · x_t + √β̄_{t-1} β_t/(1-β̄_t) · x_0,
    σ̃_t² = β_t (1-β̄_{t-1}) / (1-β̄_t).

All covariances are multiples of ``I``, so the density factorises over coordinates and one
coordinate carries the whole argument.
"""

from __future__ import annotations

import sympy as sp

from .engine import All, Derivation, Domain, Equal, Step, chain
from .notation import beta, beta_bar, beta_bar_recursion, gaussian_logpdf, posterior_variance

t = sp.Symbol("t", integer=True, positive=True)
x_t = sp.Symbol("x_t", real=True)
x_prev = sp.Symbol("x_{t-1}", real=True)
x_0 = sp.Symbol("x_0", real=True)

MU_TILDE = (sp.sqrt(1 - beta(t)) * (1 - beta_bar(t - 1)) / (1 - beta_bar(t)) * x_t
            + sp.sqrt(beta_bar(t - 1)) * beta(t) / (1 - beta_bar(t)) * x_0)
SIGMA2_TILDE = posterior_variance(t)

#: ``log q(x_t | x_{t-1}) + log q(x_{t-1} | x_0) - log q(x_t | x_0)``: Bayes' rule in logs.
LOG_BAYES = (gaussian_logpdf(x_t, sp.sqrt(1 - beta(t)) * x_prev, beta(t))
             + gaussian_logpdf(x_prev, sp.sqrt(beta_bar(t - 1)) * x_0, 1 - beta_bar(t - 1))
             - gaussian_logpdf(x_t, sp.sqrt(beta_bar(t)) * x_0, 1 - beta_bar(t)))

DOMAIN = Domain(
    intervals={beta(t): (0, 1), beta_bar(t - 1): (0, 1),
               x_t: (-sp.oo, sp.oo), x_prev: (-sp.oo, sp.oo), x_0: (-sp.oo, sp.oo)},
    definitions={beta_bar(t): beta_bar_recursion(t)},
    hypotheses=("t ≥ 2, 0 < β_t < 1, 0 < β̄_{t-1} < 1", "β̄_t = (1-β_t) β̄_{t-1}",
                "one coordinate (all covariances are multiples of I)"),
)


def derivation(mu_tilde=MU_TILDE, sigma2_tilde=SIGMA2_TILDE) -> Derivation:
    """The derivation; the arguments let a test substitute a wrong mean or variance."""
    precision = -sp.Derivative(LOG_BAYES, (x_prev, 2))
    steps = (
        Step(Equal(precision, (1 - beta(t)) / beta(t) + 1 / (1 - beta_bar(t - 1))),
             "the log-density is quadratic in x_{t-1}: its curvature is the sum of the two precisions"),
        *chain(
            (1 - beta(t)) / beta(t) + 1 / (1 - beta_bar(t - 1)),
            ((1 - beta_bar(t)) / (beta(t) * (1 - beta_bar(t - 1))),
             "common denominator, with (1-β_t)(1-β̄_{t-1}) + β_t = 1 - β̄_t"),
            (1 / sigma2_tilde, "so the posterior variance is its reciprocal"),
        ),
        Step(Equal(sp.diff(LOG_BAYES, x_prev).subs(x_prev, mu_tilde), 0),
             "completing the square: the gradient in x_{t-1} vanishes at μ̃_t"),
        Step(Equal(LOG_BAYES, gaussian_logpdf(x_prev, mu_tilde, sigma2_tilde)),
             "normalising constants included: ½log 2πβ_t + ½log 2π(1-β̄_{t-1}) - ½log 2π(1-β̄_t) = ½log 2πσ̃_t²"),
    )
    return Derivation(
        # One labelled part, so a table showing the start of the formal claim says what it is.
        claim=All((("log q(x_{t-1}|x_t, x_0) by Bayes = log N(x_{t-1}; μ̃_t, σ̃_t²)",
                    Equal(LOG_BAYES, gaussian_logpdf(x_prev, mu_tilde, sigma2_tilde))),)),
        statement="q(x_{t-1} | x_t, x_0) = N(μ̃_t, σ̃_t² I), σ̃_t² = β_t(1-β̄_{t-1})/(1-β̄_t)",
        display_claim=r"q(x_{t-1} \mid x_t, x_0) = \mathcal{N}\left(x_{t-1};\ \tilde\mu_t(x_t, x_0),\ \tilde\sigma_t^2 I\right), \quad \tilde\mu_t = \frac{\sqrt{1 - \beta_t}\,(1 - \bar\beta_{t-1})}{1 - \bar\beta_t}\, x_t + \frac{\sqrt{\bar\beta_{t-1}}\, \beta_t}{1 - \bar\beta_t}\, x_0, \quad \tilde\sigma_t^2 = \frac{\beta_t (1 - \bar\beta_{t-1})}{1 - \bar\beta_t}",
        domain=DOMAIN,
        steps=steps,
    )


def mutants() -> dict[str, Derivation]:
    """Wrong means and variances the engine must refute."""
    swap = {x_t: x_0, x_0: x_t}
    return {
        "missing square root on (1-β_t) in the mean": derivation(
            mu_tilde=MU_TILDE.subs(sp.sqrt(1 - beta(t)), 1 - beta(t))),
        "β̄_t for β̄_{t-1} in the variance (t for t-1)": derivation(
            sigma2_tilde=beta(t) * (1 - beta_bar(t)) / (1 - beta_bar(t - 1))),
        "coefficients of x_t and x_0 swapped": derivation(mu_tilde=MU_TILDE.xreplace(swap)),
        "variance β_t (the forward step's) instead of σ̃_t²": derivation(sigma2_tilde=beta(t)),
    }
