"""The diffusion ELBO: its decomposition and the weight of each denoising term.

Ho et al. (2020), eqs. (5) and (8); Luo (2022), *Understanding Diffusion Models: A Unified
Perspective*, eqs. (45)–(58) and (99)–(108); Kingma et al. (2021), *Variational Diffusion
Models*, eq. (13) for the SNR form; homework 2.1.

1. Decomposition.  With Bayes and the Markov property,
   ``q(x_t | x_{t-1}) = q(x_{t-1} | x_t, x_0) q(x_t | x_0) / q(x_{t-1} | x_0)`` for t ≥ 2, and
   the log-ratio inside the ELBO telescopes into
   ``log p_θ(x_0|x_1)`` (reconstruction) ``+ log p(x_T)/q(x_T|x_0)`` (−prior matching)
   ``+ Σ_{t≥2} log p_θ(x_{t-1}|x_t)/q(x_{t-1}|x_t,x_0)`` (−denoising matching); taking
   expectations under ``q`` turns the last two into −KL terms.  Checked for T = 3 and T = 5
   with the log-densities as free symbols tied only by Bayes' rule.
2. Two Gaussians with equal covariance ``σ²I``: ``KL = ‖μ_1 - μ_2‖²/(2σ²)`` (per coordinate,
   the expectation computed by ``sympy.stats``).
3. With ``μ_θ(x_t) = μ̃_t(x_t, x̂_θ(x_t))`` the means differ by ``√β̄_{t-1}β_t/(1-β̄_t)·(x̂_θ - x_0)``,
   so the t-th term of the ELBO is ``-(1/(2σ_q(t)²))·β̄_{t-1}β_t²/(1-β̄_t)²·‖x̂_θ - x_0‖²``,
   and with ``σ_q(t)² = σ̃_t²`` the weight is ``½(SNR(t-1) - SNR(t))``.

The homework writes the weight with ``β_t`` for ``β_t²`` and drops the minus sign; the engine
refutes that version (see ``mutants``).
"""

from __future__ import annotations

import sympy as sp
from .engine import All, Derivation, Domain, Equal, Step, chain
from .notation import GaussianKL, beta, beta_bar, beta_bar_recursion, posterior_variance, snr

t = sp.Symbol("t", integer=True, positive=True)
x_t = sp.Symbol("x_t", real=True)
x_0 = sp.Symbol("x_0", real=True)
x0_hat = sp.Symbol("x̂_θ(x_t)", real=True)
x = sp.Symbol("x", real=True)
mu_1, mu_2 = sp.symbols("μ_1 μ_2", real=True)
sigma2 = sp.Symbol("σ²", positive=True)
sigma_q2 = sp.Symbol("σ_q(t)²", positive=True)

#: Lengths of the chain for which the telescoping decomposition is checked.
LENGTHS = (3, 5)


def mu_tilde(x_t, x_0):
    """``μ̃_t(x_t, x_0)``, the mean of ``q(x_{t-1} | x_t, x_0)`` (``diffusion.posterior``)."""
    return (sp.sqrt(1 - beta(t)) * (1 - beta_bar(t - 1)) / (1 - beta_bar(t)) * x_t
            + sp.sqrt(beta_bar(t - 1)) * beta(t) / (1 - beta_bar(t)) * x_0)


WEIGHT = beta_bar(t - 1) * beta(t) ** 2 / (2 * sigma_q2 * (1 - beta_bar(t)) ** 2)
SNR_WEIGHT = (snr(t - 1) - snr(t)) / 2


class _LogDensities:
    """The log-densities of a T-step chain as free symbols, tied by Bayes' rule."""

    def __init__(self, T: int):
        def symbols(name, steps):
            return {s: sp.Symbol(f"log {name.format(s=s, p=s - 1)} [T={T}]", real=True) for s in steps}

        self.T = T
        self.prior = sp.Symbol(f"log p(x_{T}) [T={T}]", real=True)
        self.p = symbols("p_θ(x_{p}|x_{s})", range(1, T + 1))
        self.forward = symbols("q(x_{s}|x_{p})", range(1, T + 1))
        self.posterior = symbols("q(x_{p}|x_{s},x_0)", range(2, T + 1))
        self.marginal = symbols("q(x_{s}|x_0)", range(1, T + 1))

    def bayes(self) -> dict:
        """``log q(x_t|x_{t-1}) = log q(x_{t-1}|x_t,x_0) + log q(x_t|x_0) - log q(x_{t-1}|x_0)``."""
        rules = {self.forward[1]: self.marginal[1]}
        for s in range(2, self.T + 1):
            rules[self.forward[s]] = self.posterior[s] + self.marginal[s] - self.marginal[s - 1]
        return rules

    def log_ratio(self):
        """``log p_θ(x_{0:T}) - log q(x_{1:T} | x_0)``, whose expectation is the ELBO."""
        return self.prior + sum(self.p.values()) - sum(self.forward.values())

    def decomposition(self):
        """Reconstruction − prior matching − Σ denoising matching (before expectations)."""
        return (self.p[1] + (self.prior - self.marginal[self.T])
                + sum(self.p[s] - self.posterior[s] for s in range(2, self.T + 1)))


CHAINS = [_LogDensities(T) for T in LENGTHS]

DOMAIN = Domain(
    intervals={beta(t): (0, 1), beta_bar(t - 1): (0, 1), sigma_q2: (0, sp.oo), sigma2: (0, sp.oo),
               x_t: (-sp.oo, sp.oo), x_0: (-sp.oo, sp.oo), x0_hat: (-sp.oo, sp.oo),
               mu_1: (-sp.oo, sp.oo), mu_2: (-sp.oo, sp.oo),
               **{s: (-sp.oo, sp.oo) for chain_ in CHAINS
                  for s in [chain_.prior, *chain_.p.values(), *chain_.posterior.values(), *chain_.marginal.values()]}},
    definitions={beta_bar(t): beta_bar_recursion(t), **{k: v for c in CHAINS for k, v in c.bayes().items()}},
    hypotheses=("t ≥ 2, 0 < β_t < 1, 0 < β̄_{t-1} < 1, β̄_t = (1-β_t) β̄_{t-1}",
                "p_θ(x_{t-1}|x_t) = N(μ̃_t(x_t, x̂_θ(x_t)), σ_q(t)² I); one coordinate of ‖x̂_θ - x_0‖²"),
)


def derivation(weight=WEIGHT, sign=-1, snr_weight=SNR_WEIGHT) -> Derivation:
    """The derivation: the ELBO's t-th term is ``sign · weight · ‖x̂_θ - x_0‖²``."""
    error2 = (x0_hat - x_0) ** 2
    term = -GaussianKL(mu_tilde(x_t, x_0), mu_tilde(x_t, x0_hat), sigma_q2)
    steps = (
        *(Step(Equal(c.log_ratio(), c.decomposition()),
               f"T = {c.T}: Bayes' rule for each q(x_t|x_{{t-1}}), t ≥ 2; the q(x_t|x_0) telescope")
          for c in CHAINS),
        Step(Equal(GaussianKL(mu_1, mu_2, sigma2), (mu_1 - mu_2) ** 2 / (2 * sigma2)),
             "KL of Gaussians with equal variance: E over N(μ_1, σ²) of the log-ratio"),
        Step(Equal(mu_tilde(x_t, x_0) - mu_tilde(x_t, x0_hat),
                   sp.sqrt(beta_bar(t - 1)) * beta(t) / (1 - beta_bar(t)) * (x_0 - x0_hat)),
             "μ_θ = μ̃_t(x_t, x̂_θ): the x_t terms cancel"),
        *chain(
            term,
            (-(beta_bar(t - 1) * beta(t) ** 2 / (1 - beta_bar(t)) ** 2) * error2 / (2 * sigma_q2),
             "square the coefficient of (x̂_θ - x_0)"),
            (sign * weight * error2, "the t-th ELBO term, a weighted reconstruction error"),
        ),
        Step(Equal(weight.subs(sigma_q2, posterior_variance(t)), snr_weight),
             "with σ_q(t)² = σ̃_t² = β_t(1-β̄_{t-1})/(1-β̄_t) the weight is ½(SNR(t-1) - SNR(t))"),
    )
    return Derivation(
        claim=All((
            ("t-th ELBO term", Equal(term, sign * weight * error2)),
            ("SNR form", Equal(weight.subs(sigma_q2, posterior_variance(t)), snr_weight)),
        )),
        statement="ELBO_t = -(1/(2σ_q(t)²))·β̄_{t-1}β_t²/(1-β̄_t)²·‖x̂_θ-x_0‖², "
                  "weight = ½(SNR(t-1)-SNR(t)) when σ_q(t)² = σ̃_t²",
        domain=DOMAIN,
        steps=steps,
    )


def mutants() -> dict[str, Derivation]:
    """Wrong weights the engine must refute (the first is the homework's)."""
    linear = beta_bar(t - 1) * beta(t) / (2 * sigma_q2 * (1 - beta_bar(t)) ** 2)
    return {
        "the homework's: β_t for β_t² and the minus sign dropped": derivation(
            weight=linear, sign=1, snr_weight=linear.subs(sigma_q2, posterior_variance(t))),
        "β_t for β_t² (sign kept)": derivation(weight=linear, snr_weight=linear.subs(sigma_q2, posterior_variance(t))),
        "the factor ½ missing": derivation(weight=2 * WEIGHT, snr_weight=2 * SNR_WEIGHT),
        "SNR difference reversed, ½(SNR(t) - SNR(t-1))": derivation(snr_weight=(snr(t) - snr(t - 1)) / 2),
        "t-1 for t in the denominator (1-β̄_t)²": derivation(
            weight=beta_bar(t - 1) * beta(t) ** 2 / (2 * sigma_q2 * (1 - beta_bar(t - 1)) ** 2)),
    }
