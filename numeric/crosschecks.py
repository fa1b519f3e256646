"""Monte Carlo cross-checks of the reference closed forms, as data: what ``genverify check`` runs.

Each :class:`CrossCheck` compares a closed form computed by an :class:`Implementation` (the
project's own :data:`REFERENCE`, or a practitioner's code) with a Monte Carlo estimate from a
simulation that does not call that closed form: the chain run step by step (Ho et al. 2020,
eq. 2) against ``q(x_t | x_0)`` (eq. 4), simulated triples ``(x_0, x_{t-1}, x_t)`` against the
posterior (eqs. 6–7), log-density ratios along trajectories against the ELBO weight, Stein's
identity under the exact Gaussian posterior against the conditional score (homework 2.5), the
first-order condition of ``max_D V(G, D)`` against ``D*`` (Goodfellow et al. 2014, Prop. 1),
``V(G, D*)`` by sampling against ``-log 4 + 2·JSD`` (Thm. 1), quadrature of the generator
losses against their gradients (§3), moments of the ring and of DDPM samples against exact ones,
importance weights along forward trajectories against a diffusion model's exact likelihood and ELBO,
Dirac-GAN flows near the equilibrium against the Jacobian's eigenvalues (``numeric.dirac_gan_flow``),
``J_DSM - J_ESM`` for several models against one constant (``numeric.dsm_identity``), particles
moved back by the PF-ODE and the reverse SDE against the forward marginals
(``numeric.probability_flow``), the non-saturating gradient at ``D*`` against
``∇[KL - 2JSD]`` (``numeric.ns_gradient``), the normal equations of Tweedie's posterior means and
the ELBO's terms against the ε-weight (``numeric.tweedie``), sampled log-ratios against the Gaussian
KL (``numeric.gaussian_kl``), and the states DDIM visits against the forward marginals
(``numeric.ddim``).

Every check returns an :class:`Outcome` ``(estimate, se, expected, n)``, scalars or arrays of
one shape (the coordinates of the check); ``z = (estimate - expected)/se`` and the check passes
at ``k`` when every ``|z| ≤ k``.  With the default :data:`K` = 5 a coordinate whose ``z`` is
standard normal raises a false alarm with probability ``2(1 - Φ(5)) = 5.7·10⁻⁷``; a check with
``m`` coordinates has, by Bonferroni, a false-alarm rate of at most ``m · 5.7·10⁻⁷``, and the
whole suite (142 coordinates) at most ``8.1·10⁻⁵``.  The measured rates are in
``benchmarks/false_alarm_crosschecks.py``.  Sample sizes come from ``n``; :data:`PROFILES` maps
the CLI's profiles to ``n``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

import numpy as np
from scipy import integrate

from . import (ddim, diffusion, dirac_gan, dirac_gan_flow, dsm_identity, gan, gaussian_kl, gmm, ns_gradient,
               probability_flow, samplers, tweedie)
from .elbo import GaussianDiffusion, log_likelihood, negative_elbo_terms, negative_elbo_terms_mc
# K and Outcome live in ``estimates`` so that a result's own numeric module can return an Outcome.
from .estimates import K, Outcome
from .schedules import Schedule

PROFILES = {"quick": 2_000, "default": 20_000, "thorough": 200_000}
"""Monte Carlo sample size ``n`` passed to every check, per ``genverify check --profile``."""


@dataclass(frozen=True)
class Implementation:
    """The functions under test, each with the reference's signature."""

    forward_marginal: Callable
    """``(x_0, t, betas) -> (mean, variance)`` of ``q(x_t | x_0)``."""
    q_sample: Callable
    """``(x_0, t, schedule, rng) -> x_t``, a draw of ``q(x_t | x_0)``."""
    posterior_mean_variance: Callable
    """``(x_t, x_0, t, betas) -> (mean, variance)`` of ``q(x_{t-1} | x_t, x_0)``."""
    elbo_weight: Callable
    """``(t, betas) -> w_t``, the weight of ``E‖x̂_θ(x_t) - x_0‖²`` in ``L_{t-1}``."""
    ddpm_sample: Callable
    """``(score, schedule, *, rng, x_T, variance) -> SamplerResult``, Ho et al. 2020 Alg. 2."""
    conditional_score: Callable
    """``(x, x_known, mask, prior_score) -> ∇_x log p(x | x_known)``."""
    optimal_discriminator: Callable
    """``(p_r, p_g) -> D*``, from density values."""
    generator_objective: Callable
    """``(mu_r, sigma_r, mu_g, sigma_g) -> C(G) = max_D V(G, D)`` for 1-D Gaussians."""
    generator_loss_saturating: Callable
    """``logits -> (mean log(1 - σ(a)), ∂/∂a)``."""
    generator_loss_nonsaturating: Callable
    """``logits -> (-mean log σ(a), ∂/∂a)``."""
    ring: Callable
    """``(n_modes, radius, std) -> GaussianMixture``, equal-weight modes at angles ``2πk/n_modes``."""
    dirac_gan_eigenvalues: Callable
    """``gamma -> (λ+, λ-)``, the Dirac-GAN Jacobian's eigenvalues at (0, 0) with R1 weight γ."""
    dsm_target: Callable
    """``(x_t, x_0, alpha_bar) -> ∇_{x_t} log q(x_t | x_0)``, denoising score matching's target."""
    probability_flow_drift: Callable
    """``(x, beta, score) -> f - ½g²·score``, the VP SDE's probability-flow ODE drift (f = -½βx, g² = β)."""
    reverse_sde_drift: Callable
    """``(x, beta, score) -> f - g²·score``, the VP SDE's reverse-SDE drift."""
    kl_minus_2jsd_gradient: Callable
    """``(mu_r, sigma_r, mu_g, sigma_g) -> ∂/∂μ_g [KL(p_g‖p_r) - 2 JSD(p_g‖p_r)]`` for 1-D Gaussians."""
    x0_from_score: Callable
    """``(x_t, t, score, schedule) -> E[x_0 | x_t]`` by Tweedie's formula."""
    eps_from_score: Callable
    """``(score, t, schedule) -> E[ε | x_t] = -√(1-β̄_t) score``."""
    x0_from_eps: Callable
    """``(x_t, t, eps, schedule) -> (x_t - √(1-β̄_t) ε)/√β̄_t``."""
    eps_weight: Callable
    """``(t, betas) -> w^ε_t``, the weight of ``E‖ε - ε_θ(x_t)‖²`` in ``L_{t-1}`` (Ho et al. 2020, eq. 12)."""
    gaussian_kl: Callable
    """``(mean_1, variance_1, mean_2, variance_2) -> KL(N(mean_1, variance_1) ‖ N(mean_2, variance_2))``."""
    ddim_sample: Callable
    """``(score, schedule, *, rng, eta, timesteps, x_T, record) -> SamplerResult``, DDIM (Song et al. 2021, eq. 12)."""


def generator_objective_jsd(mu_r: float, sigma_r: float, mu_g: float, sigma_g: float) -> float:
    """``C(G) = -log 4 + 2·JSD(p_r ‖ p_g)`` (Goodfellow et al. 2014, Thm. 1), JSD by quadrature."""
    return -math.log(4.0) + 2.0 * gan.jsd_quad(mu_r, sigma_r, mu_g, sigma_g)


REFERENCE = Implementation(
    forward_marginal=diffusion.forward_marginal,
    q_sample=diffusion.q_sample,
    posterior_mean_variance=diffusion.posterior_mean_variance,
    elbo_weight=diffusion.elbo_weight,
    ddpm_sample=samplers.ddpm_sample,
    conditional_score=diffusion.conditional_score,
    optimal_discriminator=gan.optimal_discriminator,
    generator_objective=generator_objective_jsd,
    generator_loss_saturating=gan.generator_loss_saturating,
    generator_loss_nonsaturating=gan.generator_loss_nonsaturating,
    ring=gmm.ring,
    dirac_gan_eigenvalues=dirac_gan.equilibrium_eigenvalues,
    dsm_target=dsm_identity.dsm_target,
    probability_flow_drift=probability_flow.probability_flow_drift,
    reverse_sde_drift=probability_flow.reverse_sde_drift,
    kl_minus_2jsd_gradient=ns_gradient.kl_minus_2jsd_gradient,
    x0_from_score=diffusion.x0_from_score,
    eps_from_score=diffusion.eps_from_score,
    x0_from_eps=diffusion.x0_from_eps,
    eps_weight=tweedie.eps_weight,
    gaussian_kl=gaussian_kl.gaussian_kl,
    ddim_sample=samplers.ddim_sample,
)
"""The project's own references from ``numeric/``."""

IMPLEMENTATION_FUNCTIONS = tuple(f.name for f in fields(Implementation))


@dataclass(frozen=True)
class CrossCheck:
    """A named Monte Carlo check of result ``result_id``; ``run(impl, rng, n)`` gives its
    :class:`Outcome`, and ``uses`` names the :class:`Implementation` functions it tests."""

    name: str
    result_id: str
    run: Callable[[Implementation, np.random.Generator, int], Outcome]
    uses: tuple[str, ...]
    #: What is simulated, in one sentence (the docs print it above the check's table).
    simulates: str = ""
    #: One label per coordinate of the outcome, in its flattened order (the docs' table rows).
    labels: tuple[str, ...] = ()


# A short schedule with large β_t: every step moves β̄_t by 5–30%, so an index shift or α_t in
# place of β̄_t changes the closed forms by far more than the Monte Carlo error at n = 2000.
SCHEDULE = Schedule.from_betas(np.linspace(0.05, 0.3, 10))
BETAS = np.asarray(SCHEDULE.betas)


def _moments(samples: np.ndarray, axis: int = -1) -> tuple[np.ndarray, np.ndarray]:
    """Sample mean and its standard error ``std(ddof=1)/√n`` along ``axis``."""
    n = samples.shape[axis]
    return samples.mean(axis=axis), samples.std(axis=axis, ddof=1) / np.sqrt(n)


def _difference(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``mean a - mean b`` over the last axis of independent samples, with ``SE² = SE_a² + SE_b²``."""
    (mean_a, se_a), (mean_b, se_b) = _moments(a), _moments(b)
    return mean_a - mean_b, np.hypot(se_a, se_b)


# --- diffusion.forward_marginal --------------------------------------------------------

FORWARD_X0 = 3.0
FORWARD_TIMES = (1, 3, 10)


def _forward_centres() -> np.ndarray:
    """``√β̄_t x_0`` at :data:`FORWARD_TIMES`, from ``cumprod(1 - β)``: centring the second moment
    there removes the ``x_0²``-sized spread of ``x_t²`` that would hide a variance error."""
    alpha_bars = np.cumprod(1.0 - BETAS)
    return FORWARD_X0 * np.sqrt(alpha_bars[np.array(FORWARD_TIMES) - 1])


def forward_chain_moments(impl: Implementation, rng: np.random.Generator, n: int) -> Outcome:
    """``E x_t`` and ``E (x_t - c_t)²`` of the chain run step by step,
    ``x_t = √(1-β_t) x_{t-1} + √β_t ε`` (Ho et al. 2020, eq. 2), against ``m`` and
    ``(m - c_t)² + v`` for ``(m, v)`` = ``forward_marginal`` (eq. 4), at ``t`` ∈
    :data:`FORWARD_TIMES` from ``x_0`` = :data:`FORWARD_X0`; ``c_t`` from :func:`_forward_centres`."""
    _, states = diffusion.forward_chain(np.full(n, FORWARD_X0), SCHEDULE, rng, record=FORWARD_TIMES)
    closed = [impl.forward_marginal(FORWARD_X0, t, BETAS) for t in FORWARD_TIMES]
    mean = np.array([float(m) for m, _ in closed])
    variance = np.array([float(v) for _, v in closed])
    c = _forward_centres()
    (m1, se1), (m2, se2) = _moments(states), _moments((states - c[:, None]) ** 2)
    return Outcome(np.concatenate([m1, m2]), np.concatenate([se1, se2]),
                   np.concatenate([mean, (mean - c) ** 2 + variance]), n)


def q_sample_vs_chain(impl: Implementation, rng: np.random.Generator, n: int) -> Outcome:
    """``E x_t`` and ``E (x_t - c_t)²`` of ``q_sample`` minus those of the step-by-step chain: 0
    when ``q_sample`` draws from ``q(x_t | x_0)`` (two independent samples)."""
    _, states = diffusion.forward_chain(np.full(n, FORWARD_X0), SCHEDULE, rng, record=FORWARD_TIMES)
    draws = np.stack([np.asarray(impl.q_sample(np.full(n, FORWARD_X0), t, SCHEDULE, rng))
                      for t in FORWARD_TIMES])
    c = _forward_centres()[:, None]
    d1, se1 = _difference(draws, states)
    d2, se2 = _difference((draws - c) ** 2, (states - c) ** 2)
    return Outcome(np.concatenate([d1, d2]), np.concatenate([se1, se2]), np.zeros(2 * len(FORWARD_TIMES)), n)


# --- diffusion.posterior ---------------------------------------------------------------

POSTERIOR_TIMES = (2, 6, 10)


def posterior_regression(impl: Implementation, rng: np.random.Generator, n: int) -> Outcome:
    """Residuals ``r = x_{t-1} - μ̃_t(x_t, x_0)`` of simulated triples, ``x_0 ~ N(1, 1)`` and
    ``x_{1:T}`` from the chain: under ``q(x_{t-1} | x_t, x_0) = N(μ̃_t, σ̃_t²)`` (Ho et al. 2020,
    eqs. 6–7) ``r`` is independent of ``(x_t, x_0)`` with mean 0 and variance ``σ̃_t²``, so
    ``E r = E r x_t = E r x_0 = E (r² - σ̃_t²) = 0`` (the normal equations of regressing
    ``x_{t-1}`` on ``(1, x_t, x_0)``, plus the residual variance), at ``t`` ∈ :data:`POSTERIOR_TIMES`."""
    x_0 = 1.0 + rng.standard_normal(n)
    record = sorted({s for t in POSTERIOR_TIMES for s in (t - 1, t)})
    _, states = diffusion.forward_chain(x_0, SCHEDULE, rng, record=record)
    stats = []
    for t in POSTERIOR_TIMES:
        x_prev, x_t = states[record.index(t - 1)], states[record.index(t)]
        mean, variance = impl.posterior_mean_variance(x_t, x_0, t, BETAS)
        r = x_prev - mean
        stats += [r, r * x_t, r * x_0, r**2 - variance]
    estimate, se = _moments(np.stack(stats))
    return Outcome(estimate, se, np.zeros(len(stats)), n)


# Data N(m, s²) in one dimension: every marginal q_t = N(√β̄_t m, β̄_t s² + 1 - β̄_t) is Gaussian,
# so its score is exact and DDPM's output law follows from pushing two moments through the steps.
DDPM_DATA_MEAN, DDPM_DATA_VARIANCE = 1.0, 0.25


def _gaussian_data_score(x: np.ndarray, t: int) -> np.ndarray:
    alpha_bar = SCHEDULE.alpha_bars[t - 1]
    return -(x - math.sqrt(alpha_bar) * DDPM_DATA_MEAN) / (alpha_bar * DDPM_DATA_VARIANCE + 1.0 - alpha_bar)


def ddpm_output_moments() -> tuple[float, float]:
    """Mean and variance of DDPM's output (Alg. 2, ``σ_t² = σ̃_t²``) from ``x_T ~ N(0, 1)`` with
    the exact score of Gaussian data: each step ``x ↦ (x + β_t s_t(x))/√α_t + σ̃_t z`` is affine
    in ``x`` for ``s_t(x) = -(x - √β̄_t m)/v_t``, so the mean maps affinely and the variance by
    ``v ↦ slope² v + σ̃_t²``."""
    mean, variance = 0.0, 1.0
    for t in range(SCHEDULE.T, 0, -1):
        beta, alpha_bar = SCHEDULE.betas[t - 1], SCHEDULE.alpha_bars[t - 1]
        v_t = alpha_bar * DDPM_DATA_VARIANCE + 1.0 - alpha_bar
        slope = (1.0 - beta / v_t) / math.sqrt(1.0 - beta)
        mean = slope * mean + beta * math.sqrt(alpha_bar) * DDPM_DATA_MEAN / v_t / math.sqrt(1.0 - beta)
        variance = slope**2 * variance + SCHEDULE.posterior_variance[t - 1]
    return mean, variance


def ddpm_sampler_moments(impl: Implementation, rng: np.random.Generator, n: int) -> Outcome:
    """``E x_0`` and ``E (x_0 - μ)²`` of ``n`` DDPM samples (Ho et al. 2020, Alg. 2, posterior
    variance) driven by the exact score, against ``(μ, v)`` of :func:`ddpm_output_moments`."""
    x_T = rng.standard_normal((n, 1))
    x_0 = np.asarray(impl.ddpm_sample(_gaussian_data_score, SCHEDULE, rng=rng, x_T=x_T,
                                      variance="posterior").samples)[:, 0]
    mean, variance = ddpm_output_moments()
    estimate, se = _moments(np.stack([x_0, (x_0 - mean) ** 2]))
    return Outcome(estimate, se, np.array([mean, variance]), n)


# --- diffusion.elbo --------------------------------------------------------------------

ELBO_MODEL = GaussianDiffusion(SCHEDULE, data_mean=np.array([0.5, -1.0]), data_std=0.6)
ELBO_X0 = np.array([1.0, 0.3])


def denoising_terms(impl: Implementation, rng: np.random.Generator, n: int) -> Outcome:
    """``L_{t-1} = E_q [log q(x_{t-1}|x_t,x_0) - log p_θ(x_{t-1}|x_t)]``, t = 2..T, averaged over
    ``n`` forward trajectories (``negative_elbo_terms_mc``, which never reads a weight), against
    ``w_t E‖x̂_θ(x_t) - x_0‖²`` with ``w_t`` = ``elbo_weight`` (homework 2.1; Luo 2022, eq. 99)
    and the error in closed form, for the Gaussian model of ``numeric.elbo``."""
    terms = negative_elbo_terms_mc(ELBO_MODEL, ELBO_X0, n, rng).denoising
    expected = np.array([float(impl.elbo_weight(t, BETAS)) * ELBO_MODEL.expected_x0_error(ELBO_X0, t)
                         for t in range(2, SCHEDULE.T + 1)])
    return Outcome(terms.value, terms.se, expected, n)


# --- diffusion.likelihood_bound --------------------------------------------------------

# At the data mean the model's posterior p_θ(x_{1:T} | x_0) is close to q (gap 0.56 nats), so the
# importance weights p_θ/q stay light-tailed enough for a normal z at n = 2000 (measured).
BOUND_X0 = ELBO_MODEL.data_mean


def _log_normal(x: np.ndarray, mean, variance) -> np.ndarray:
    """``log N(x; mean, variance I)`` summed over the last axis."""
    return np.sum(-0.5 * np.log(2.0 * np.pi * variance) - (x - mean) ** 2 / (2.0 * variance), axis=-1)


def importance_sampling_identity(impl: Implementation, rng: np.random.Generator, n: int) -> Outcome:
    """The two sides of ``log p_θ(x_0) ≥ ELBO`` (homework 2.2) for the linear-Gaussian DDPM of
    ``numeric.elbo``, whose ``log p_θ(x_0)`` is exact, at ``x_0`` = :data:`BOUND_X0`.

    Along ``n`` forward trajectories ``x_{1:T} ~ q(· | x_0)`` (the chain run step by step) the
    log-weight is ``w = log p_θ(x_{0:T}) - log q(x_{1:T} | x_0)``, with ``log q(x_{1:T} | x_0)``
    written as the ELBO derivation writes it, ``log q(x_T | x_0) + Σ_{t≥2} log q(x_{t-1} | x_t, x_0)``
    from ``forward_marginal`` and ``posterior_mean_variance``.  Then ``E e^{w - log p_θ(x_0)} = 1``
    (importance sampling, the identity Jensen turns into the bound; Kingma & Welling 2019, eq. 2.8)
    and ``E w = ELBO`` in closed form (``numeric.elbo.negative_elbo_terms``).  The gap between the
    two expected values, ``log p_θ(x_0) - ELBO = KL(q ‖ p_θ(· | x_0)) > 0``, is the theorem's.
    A wrong posterior or marginal makes ``q`` of the weights another density ``r`` and shifts
    ``E w`` by ``KL(q ‖ r)`` and ``E e^w`` by a χ²-type factor."""
    T, x_0 = SCHEDULE.T, BOUND_X0
    x_0s = np.broadcast_to(x_0, (n, x_0.size))
    _, path = diffusion.forward_chain(x_0s, SCHEDULE, rng, record=range(1, T + 1))
    mean_T, variance_T = impl.forward_marginal(x_0, T, BETAS)
    log_q = _log_normal(path[-1], mean_T, variance_T)
    log_p = _log_normal(path[-1], 0.0, 1.0)
    for t in range(1, T + 1):
        x_prev = x_0s if t == 1 else path[t - 2]
        log_p += _log_normal(x_prev, *ELBO_MODEL.reverse_mean_variance(path[t - 1], t))
        if t >= 2:
            log_q += _log_normal(x_prev, *impl.posterior_mean_variance(path[t - 1], x_0s, t, BETAS))
    w = log_p - log_q
    estimate, se = _moments(np.stack([np.exp(w - log_likelihood(ELBO_MODEL, x_0)), w]))
    return Outcome(estimate, se, np.array([1.0, -negative_elbo_terms(ELBO_MODEL, x_0).total]), n)


# --- diffusion.conditional_score -------------------------------------------------------

# Gaussian prior N(m, s² I) and the homework likelihood exp(-‖(x - x_known) ⊙ M‖²): the posterior
# is N(μ, P⁻¹) per coordinate with precision P = 1/s² + 2M and μ = (m/s² + 2M x_known)/P.
PRIOR_MEAN = np.array([0.5, -1.0, 2.0, 0.0])
PRIOR_VARIANCE = 0.8
X_KNOWN = np.array([1.5, 0.5, -1.0, 1.0])
MASK = np.array([1.0, 0.0, 1.0, 0.0])


def _gaussian_prior_score(x: np.ndarray) -> np.ndarray:
    return -(x - PRIOR_MEAN) / PRIOR_VARIANCE


def stein_identities(impl: Implementation, rng: np.random.Generator, n: int) -> Outcome:
    """Stein's identity ``E_p[s(x) f(x)] = -E_p[∇·f]`` under the exact posterior
    ``p(x | x_known)``, for ``s`` = ``conditional_score`` (homework 2.5) and ``f = e_i`` and
    ``f = x_i e_i``: ``E s_i = 0`` and ``E s_i x_i = -1`` for every coordinate ``i``.  The first
    rejects a wrong pull towards ``x_known`` or a missing prior, the second a wrong scale."""
    precision = 1.0 / PRIOR_VARIANCE + 2.0 * MASK
    mean = (PRIOR_MEAN / PRIOR_VARIANCE + 2.0 * MASK * X_KNOWN) / precision
    x = mean + rng.standard_normal((n, PRIOR_MEAN.size)) / np.sqrt(precision)
    s = np.asarray(impl.conditional_score(x, X_KNOWN, MASK, _gaussian_prior_score))
    estimate, se = _moments(np.concatenate([s, s * x], axis=1).T)
    return Outcome(estimate, se, np.concatenate([np.zeros(PRIOR_MEAN.size), -np.ones(PRIOR_MEAN.size)]), n)


# --- gan.optimal_discriminator and gan.generator_objective ------------------------------

GAUSSIAN_PAIRS = ((0.0, 1.0, 1.5, 0.7), (0.0, 1.0, 0.0, 2.0))
"""``(μ_r, σ_r, μ_g, σ_g)``: shifted and narrower, and same mean with twice the spread."""


def _normal_pdf(x: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    return np.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * math.sqrt(2.0 * math.pi))


def _discriminator_on_draws(impl: Implementation, rng: np.random.Generator, n: int,
                            pair: tuple[float, float, float, float]):
    mu_r, sigma_r, mu_g, sigma_g = pair
    x_r, x_g = rng.normal(mu_r, sigma_r, n), rng.normal(mu_g, sigma_g, n)
    D_r, D_g = (np.asarray(impl.optimal_discriminator(_normal_pdf(x, mu_r, sigma_r), _normal_pdf(x, mu_g, sigma_g)))
                for x in (x_r, x_g))
    return x_r, x_g, D_r, D_g


def discriminator_first_order(impl: Implementation, rng: np.random.Generator, n: int) -> Outcome:
    """``E_{p_r}[f (1 - D)] - E_{p_g}[f D] = 0`` for ``f`` ∈ {1, x, cos x}, ``D`` = ``optimal_discriminator``.

    This is ``d/dε V(G, D + ε D(1-D) f)`` at ε = 0 (Goodfellow et al. 2014, eq. 1), zero for every
    ``f`` exactly when D maximises ``p_r log D + p_g log(1-D)`` pointwise (Prop. 1), estimated from
    independent draws of ``p_r`` and ``p_g`` for each pair in :data:`GAUSSIAN_PAIRS`.  ``cos x``
    rather than ``x²``: the heavy right tail of ``x² D`` under the wide ``p_g`` skews z at small n.
    """
    estimates, ses = [], []
    for pair in GAUSSIAN_PAIRS:
        x_r, x_g, D_r, D_g = _discriminator_on_draws(impl, rng, n, pair)
        f_r, f_g = (np.stack([np.ones(n), x, np.cos(x)]) for x in (x_r, x_g))
        estimate, se = _difference(f_r * (1.0 - D_r), f_g * D_g)
        estimates.append(estimate)
        ses.append(se)
    estimate = np.concatenate(estimates)
    return Outcome(estimate, np.concatenate(ses), np.zeros(estimate.size), n)


def value_at_optimum(impl: Implementation, rng: np.random.Generator, n: int) -> Outcome:
    """``V(G, D*) = E_{p_r} log D* + E_{p_g} log(1 - D*)`` by sampling, ``D*`` from
    ``optimal_discriminator``, against ``generator_objective`` (Thm. 1: ``-log 4 + 2·JSD``) for
    each pair in :data:`GAUSSIAN_PAIRS`."""
    estimates, ses, expected = [], [], []
    for pair in GAUSSIAN_PAIRS:
        _, _, D_r, D_g = _discriminator_on_draws(impl, rng, n, pair)
        # A wrong D* may reach 0 or 1 on a draw; log gives -inf there and the SE is then taken as 0,
        # so z is infinite instead of Estimate refusing a NaN standard error.
        with np.errstate(divide="ignore", invalid="ignore"):
            (m_r, se_r), (m_g, se_g) = _moments(np.log(D_r)), _moments(np.log1p(-D_g))
        estimates.append(m_r + m_g)
        ses.append(math.hypot(se_r, se_g) if np.isfinite(se_r + se_g) else 0.0)
        expected.append(float(impl.generator_objective(*pair)))
    return Outcome(np.array(estimates), np.array(ses), np.array(expected), n)


# --- gan.vanishing_gradient ------------------------------------------------------------

# Arjovsky & Bottou's setting (as in gan.vanishing_gradient_table): G_θ(z) = θ + s z, z ~ U[-1, 1],
# D(x) = σ(k(x - c)) confident that every fake is fake; logits a = k(G_θ(z) - c) ∈ [-6.25, -3.75].
THETA, SPREAD, EDGE, SHARPNESS = 0.0, 0.25, 1.0, 5.0
N_BATCHES = 200
FD_STEP = 1e-4


def _expected_loss(log_term: Callable[[float], float], theta: float) -> float:
    """``½ ∫_{-1}^{1} ℓ(k(θ + s z - c)) dz`` by quadrature."""
    value, _ = integrate.quad(lambda z: log_term(SHARPNESS * (theta + SPREAD * z - EDGE)), -1.0, 1.0,
                              epsabs=1e-13, epsrel=1e-13)
    return 0.5 * value


def _loss_check(loss: Callable, log_term: Callable[[float], float], rng: np.random.Generator, n: int) -> Outcome:
    """The batch-mean loss and ``∂_θ`` of it (the loss's logit gradient times ``∂a/∂θ = k``), over
    :data:`N_BATCHES` batches, against quadrature of the loss's definition ``ℓ`` and its central
    difference in θ (error ``O(FD_STEP²)``, far below the SE)."""
    if n < 2 * N_BATCHES:
        raise ValueError(f"need n >= {2 * N_BATCHES} for {N_BATCHES} batches, got {n}")
    z = rng.uniform(-1.0, 1.0, size=(N_BATCHES, n // N_BATCHES))
    a = SHARPNESS * (THETA + SPREAD * z - EDGE)
    values, grads = zip(*(loss(batch) for batch in a))
    batch_grad_theta = SHARPNESS * np.sum(np.asarray(grads), axis=1)
    estimate, se = _moments(np.stack([np.asarray(values, dtype=np.float64), batch_grad_theta]))
    expected_grad = (_expected_loss(log_term, THETA + FD_STEP) - _expected_loss(log_term, THETA - FD_STEP)) / (2 * FD_STEP)
    return Outcome(estimate, se, np.array([_expected_loss(log_term, THETA), expected_grad]), n)


def saturating_loss(impl: Implementation, rng: np.random.Generator, n: int) -> Outcome:
    """``generator_loss_saturating`` against ``ℓ(a) = log(1 - σ(a)) = -log(1 + e^a)`` (Goodfellow et
    al. 2014, §3): value and θ-gradient, which vanishes as D grows confident."""
    return _loss_check(impl.generator_loss_saturating, lambda a: -np.logaddexp(0.0, a), rng, n)


def nonsaturating_loss(impl: Implementation, rng: np.random.Generator, n: int) -> Outcome:
    """``generator_loss_nonsaturating`` against ``ℓ(a) = -log σ(a) = log(1 + e^{-a})`` (§3): value
    and θ-gradient, which stays of order ``k``."""
    return _loss_check(impl.generator_loss_nonsaturating, lambda a: np.logaddexp(0.0, -a), rng, n)


RING_MODES, RING_RADIUS, RING_STD = 8, 2.0, 0.05


def ring_moments(impl: Implementation, rng: np.random.Generator, n: int) -> Outcome:
    """Complex moments of the ring target (the 8-mode mixture of the GAN experiments, VEEGAN §5.1).

    With ``w = (x_1 + i x_2)/r`` and modes ``e^{2πik/8}``: ``E w^j = mean_k e^{2πijk/8} = 0`` for
    j = 1..7 and ``1`` for j = 8, because the noise ``ζ`` is circular (``E ζ^j = 0``); and
    ``E|w|² = 1 + 2 std²/r²``.  Real and imaginary parts of ``E w^j`` and ``E|w|²``: 17
    coordinates, which are all right only for 8 equal-weight modes at the 8 distinct angles ``2πk/8``.
    """
    x = np.asarray(impl.ring(RING_MODES, RING_RADIUS, RING_STD).sample(n, rng))
    w = (x[:, 0] + 1j * x[:, 1]) / RING_RADIUS
    powers = w[None, :] ** np.arange(1, RING_MODES + 1)[:, None]
    estimate, se = _moments(np.concatenate([powers.real, powers.imag, np.abs(w[None, :]) ** 2]))
    expected = np.zeros(2 * RING_MODES + 1)
    expected[RING_MODES - 1] = 1.0
    expected[-1] = 1.0 + 2.0 * RING_STD**2 / RING_RADIUS**2
    return Outcome(estimate, se, expected, n)


# What each check simulates and the label of each coordinate of its outcome, for the docs' tables.
_FORWARD_LABELS = (*(f"E[x_{t}]" for t in FORWARD_TIMES), *(f"E[(x_{t} − c_{t})²]" for t in FORWARD_TIMES))
_PAIR_NAMES = tuple(f"p_g = N({mu_g:g}, {sigma_g:g}²)" for _, _, mu_g, sigma_g in GAUSSIAN_PAIRS)
_LOSS_LABELS = ("mean loss", "∂/∂θ of the mean loss")
_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "forward_chain_moments": (
        f"the chain x_t = √(1−β_t) x_{{t−1}} + √β_t ε run step by step from x_0 = {FORWARD_X0:g} (a 10-step "
        "schedule); c_t = √β̄_t x_0 centres the second moment", _FORWARD_LABELS),
    "q_sample_vs_chain": (
        f"one-shot draws of q(x_t | x_0) minus the step-by-step chain, both from x_0 = {FORWARD_X0:g}: every "
        "difference is 0 in expectation", tuple(f"{label}: q_sample − chain" for label in _FORWARD_LABELS)),
    "posterior_regression": (
        "triples (x_0, x_{t−1}, x_t) of the forward chain with x_0 ~ N(1, 1); the residual "
        "r = x_{t−1} − μ̃_t(x_t, x_0) has mean 0, is uncorrelated with x_t and x_0, and has variance σ̃_t²",
        tuple(f"t = {t}: {m}" for t in POSTERIOR_TIMES for m in ("E[r]", "E[r x_t]", "E[r x_0]", "E[r² − σ̃_t²]"))),
    "ddpm_sampler_moments": (
        f"DDPM ancestral sampling (Alg. 2) with the exact score of data N({DDPM_DATA_MEAN:g}, {DDPM_DATA_VARIANCE:g}); "
        "μ and v are the output's mean and variance pushed through the steps in closed form",
        ("E[x_0]", "E[(x_0 − μ)²]")),
    "denoising_terms": (
        "forward trajectories of a 2-D linear-Gaussian diffusion; each term L_{t−1} averaged as "
        "log q(x_{t−1} | x_t, x_0) − log p_θ(x_{t−1} | x_t), which never uses the weight w_t",
        tuple(f"L_{t - 1} (t = {t})" for t in range(2, SCHEDULE.T + 1))),
    "stein_identities": (
        f"draws of the exact posterior p(x | x_known) for a Gaussian prior in {PRIOR_MEAN.size} dimensions, mask "
        f"M = {MASK.astype(int).tolist()}; Stein's identity gives E[s_i] = 0 and E[s_i x_i] = −1",
        (*(f"E[s_{i}]" for i in range(1, PRIOR_MEAN.size + 1)),
         *(f"E[s_{i} x_{i}]" for i in range(1, PRIOR_MEAN.size + 1)))),
    "discriminator_first_order": (
        "draws of p_r = N(0, 1) and of p_g; E_{p_r}[f (1 − D*)] − E_{p_g}[f D*] is 0 for every f exactly when D* "
        "maximises V(G, D)", tuple(f"{pair}, f = {f}" for pair in _PAIR_NAMES for f in ("1", "x", "cos x"))),
    "value_at_optimum": (
        "V(G, D*) = E_{p_r} log D* + E_{p_g} log(1 − D*) by sampling p_r = N(0, 1) and p_g, against "
        "−log 4 + 2·JSD by quadrature", tuple(f"V(G, D*), {pair}" for pair in _PAIR_NAMES)),
    "saturating_loss": (
        f"{N_BATCHES} batches of G_θ(z) = θ + {SPREAD:g} z, z ~ U[−1, 1], against D = σ({SHARPNESS:g}(x − {EDGE:g})), "
        "sure that every fake is fake; loss log(1 − D)", _LOSS_LABELS),
    "nonsaturating_loss": (
        f"{N_BATCHES} batches of G_θ(z) = θ + {SPREAD:g} z, z ~ U[−1, 1], against D = σ({SHARPNESS:g}(x − {EDGE:g})), "
        "sure that every fake is fake; loss −log D", _LOSS_LABELS),
    "ring_moments": (
        f"draws of the {RING_MODES}-mode ring (radius {RING_RADIUS:g}, std {RING_STD:g}); w = (x_1 + i x_2)/r",
        (*(f"Re E[w^{j}]" for j in range(1, RING_MODES + 1)), *(f"Im E[w^{j}]" for j in range(1, RING_MODES + 1)),
         "E[|w|²]")),
    "importance_sampling_identity": (
        "forward trajectories x_{1:T} ~ q(· | x_0) of the linear-Gaussian DDPM; w = log p_θ(x_{0:T}) − log q(x_{1:T} | x_0)",
        ("E[exp(w − log p_θ(x_0))] (importance sampling)", "E[w] (the ELBO)")),
}

CHECKS: tuple[CrossCheck, ...] = (
    CrossCheck("forward_chain_moments", "diffusion.forward_marginal", forward_chain_moments, ("forward_marginal",),
               *_TABLES["forward_chain_moments"]),
    CrossCheck("q_sample_vs_chain", "diffusion.forward_marginal", q_sample_vs_chain, ("q_sample",),
               *_TABLES["q_sample_vs_chain"]),
    CrossCheck("posterior_regression", "diffusion.posterior", posterior_regression, ("posterior_mean_variance",),
               *_TABLES["posterior_regression"]),
    CrossCheck("ddpm_sampler_moments", "diffusion.posterior", ddpm_sampler_moments, ("ddpm_sample",),
               *_TABLES["ddpm_sampler_moments"]),
    CrossCheck("denoising_terms", "diffusion.elbo", denoising_terms, ("elbo_weight",), *_TABLES["denoising_terms"]),
    CrossCheck("stein_identities", "diffusion.conditional_score", stein_identities, ("conditional_score",),
               *_TABLES["stein_identities"]),
    CrossCheck("discriminator_first_order", "gan.optimal_discriminator", discriminator_first_order,
               ("optimal_discriminator",), *_TABLES["discriminator_first_order"]),
    CrossCheck("value_at_optimum", "gan.generator_objective", value_at_optimum,
               ("optimal_discriminator", "generator_objective"), *_TABLES["value_at_optimum"]),
    CrossCheck("saturating_loss", "gan.vanishing_gradient", saturating_loss, ("generator_loss_saturating",),
               *_TABLES["saturating_loss"]),
    CrossCheck("nonsaturating_loss", "gan.vanishing_gradient", nonsaturating_loss, ("generator_loss_nonsaturating",),
               *_TABLES["nonsaturating_loss"]),
    # The 8-Gaussian ring is the target of the GAN experiments (modes covered, high-quality fraction).
    CrossCheck("ring_moments", "gan.generator_objective", ring_moments, ("ring",), *_TABLES["ring_moments"]),
    CrossCheck("importance_sampling_identity", "diffusion.likelihood_bound", importance_sampling_identity,
               ("forward_marginal", "posterior_mean_variance"), *_TABLES["importance_sampling_identity"]),
    CrossCheck("dirac_flow_trace", "gan.dirac", dirac_gan_flow.trace_of_flow, ("dirac_gan_eigenvalues",),
               dirac_gan_flow.SIMULATES, dirac_gan_flow.LABELS),
    CrossCheck("dsm_minus_esm", "diffusion.dsm", dsm_identity.dsm_minus_esm, ("dsm_target",),
               dsm_identity.SIMULATES, dsm_identity.LABELS),
    CrossCheck("backward_marginals", "diffusion.probability_flow", probability_flow.backward_marginals,
               ("probability_flow_drift", "reverse_sde_drift"), probability_flow.SIMULATES, probability_flow.LABELS),
    CrossCheck("ns_gradient_at_optimum", "gan.nonsaturating_gradient", ns_gradient.ns_gradient_at_optimum,
               ("generator_loss_nonsaturating", "kl_minus_2jsd_gradient"), ns_gradient.SIMULATES, ns_gradient.LABELS),
    CrossCheck("tweedie_regression", "diffusion.tweedie", tweedie.tweedie_regression,
               ("x0_from_score", "eps_from_score", "x0_from_eps"), tweedie.TWEEDIE_SIMULATES, tweedie.TWEEDIE_LABELS),
    CrossCheck("eps_denoising_terms", "diffusion.tweedie", tweedie.eps_denoising_terms, ("eps_weight",),
               tweedie.EPS_SIMULATES, tweedie.EPS_LABELS),
    CrossCheck("kl_monte_carlo", "diffusion.gaussian_kl", gaussian_kl.kl_monte_carlo, ("gaussian_kl",),
               gaussian_kl.KL_SIMULATES, gaussian_kl.KL_LABELS),
    CrossCheck("ddim_oracle_marginals", "diffusion.ddim_marginals", ddim.ddim_oracle_marginals, ("ddim_sample",),
               ddim.DDIM_SIMULATES, ddim.DDIM_LABELS),
)


def run_checks(impl: Implementation, n: int, rng: np.random.Generator,
               result_ids: Iterable[str] | None = None) -> list[tuple[CrossCheck, Outcome]]:
    """Every check of ``result_ids`` (all by default) on ``impl``, each with its own child of ``rng``
    so one check's draws never depend on which others ran."""
    wanted = None if result_ids is None else set(result_ids)
    children = rng.spawn(len(CHECKS))
    return [(check, check.run(impl, child, n)) for check, child in zip(CHECKS, children)
            if wanted is None or check.result_id in wanted]
