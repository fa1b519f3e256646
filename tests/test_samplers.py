"""numeric.samplers and the fast DDPM loop: each sampler, driven by the exact score of a target
whose noised marginals are known (a 2-D Gaussian, the 8-Gaussian ring), produces samples that
the kernel two-sample test cannot tell from exact draws; the same check rejects wrong variants
(score with the wrong sign, β_t where β̄_t belongs, a missing square root).  Each update formula
is also checked exactly, free of discretisation error, on a 1-D Gaussian target, where every step
is affine and the law of the output is known in closed form.

Tolerances.
- Two-sample checks: the permutation p-value with B = 999 is exact, so a sampler whose output
  has the target law passes (p > 1e-3) with probability ≥ 0.999; a wrong variant must reach the
  smallest attainable p-value 1e-3 or blow up.  Each check costs a second, so these tests run one
  seed each, derandomized: CI is reproducible, and the per-check false-alarm rate is ≤ 1e-3 plus
  the sampler's discretisation bias (T = 1000, Ho et al.'s schedule; invisible at n = 500 in
  trial runs of 6 seeds per sampler, whose smallest p-value was 0.008).
- Ring checks use a fixed bandwidth 0.5, a third of the mode spacing: the median heuristic
  (≈ 2.8) smooths the modes away (see tests/test_stats.py).
- Exact Gaussian checks: z-scores of the output mean and variance against the closed form,
  family-wise false-alarm rate 1e-6 (Bonferroni), as in tests/test_diffusion.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from genverify.numeric.fast_score import ddpm_sample_fast
from genverify.numeric.gmm import GaussianMixture, ring
from genverify.numeric.samplers import (
    annealed_langevin_sample,
    ddim_sample,
    ddpm_sample,
    geometric_sigmas,
    probability_flow_sample,
    reverse_sde_sample,
)
from genverify.numeric.schedules import linear_schedule
from genverify.numeric.stats import mmd_permutation_test

SCHEDULE = linear_schedule(1000)
N = 500
N_PERMUTATIONS = 999
ALPHA = 1e-3
FAMILY_FALSE_ALARM = 1e-6
seeds = st.integers(0, 2**32 - 1)
one_fixed_seed = settings(max_examples=1, derandomize=True, deadline=None)

RING = ring(std=0.05)
GAUSSIAN = GaussianMixture([1.0], [[1.0, -0.5]], [0.5**2])
TARGETS = {"ring": (RING, 0.5), "gaussian": (GAUSSIAN, None)}  # target, kernel bandwidth


def vp_score(mixture: GaussianMixture, alpha_bars=SCHEDULE.alpha_bars):
    """Exact ``∇ log q_t`` of the mixture noised with ``alpha_bars[t−1]`` (wrong if the array is)."""
    return lambda x, t: mixture.noised(alpha_bars[t - 1]).score(x)


def missing_sqrt_score(mixture: GaussianMixture):
    """Score of the marginal with means ᾱ_t μ instead of √ᾱ_t μ."""
    def score(x, t):
        a = SCHEDULE.alpha_bars[t - 1]
        return GaussianMixture(mixture.weights, a * mixture.means, a * mixture.variances + 1 - a).score(x)

    return score


SAMPLERS = {
    "ddpm-beta": lambda score, rng, D: ddpm_sample(score, SCHEDULE, rng=rng, n=N, dim=D),
    "ddpm-posterior": lambda score, rng, D: ddpm_sample(score, SCHEDULE, rng=rng, n=N, dim=D, variance="posterior"),
    "ddim-eta0": lambda score, rng, D: ddim_sample(score, SCHEDULE, rng=rng, n=N, dim=D),
    "ddim-eta0-100-steps": lambda score, rng, D: ddim_sample(
        score, SCHEDULE, rng=rng, n=N, dim=D, timesteps=np.arange(10, 1001, 10)
    ),
    "ddim-eta1": lambda score, rng, D: ddim_sample(score, SCHEDULE, rng=rng, n=N, dim=D, eta=1.0),
    "reverse-sde": lambda score, rng, D: reverse_sde_sample(score, SCHEDULE, rng=rng, n=N, dim=D),
    "probability-flow": lambda score, rng, D: probability_flow_sample(score, SCHEDULE, rng=rng, n=N, dim=D),
}

SIGMAS = geometric_sigmas(3.0, 0.05, 10)


def langevin(score, rng, D):
    # ε = 1e-3 keeps α_L/σ_L² = 0.4, inside the stable range, with 100 steps per level.
    return annealed_langevin_sample(score, SIGMAS, rng=rng, n_steps_each=100, step_size=1e-3, n=N, dim=D)


def p_value(samples: np.ndarray, target: GaussianMixture, bandwidth, rng) -> float:
    return mmd_permutation_test(
        samples, target.sample(N, rng), rng=rng, n_permutations=N_PERMUTATIONS, bandwidth=bandwidth
    ).p_value


def rejected(samples: np.ndarray, target: GaussianMixture, bandwidth, rng) -> bool:
    """A wrong sampler is caught when it diverges or the two-sample test rejects at ALPHA."""
    return not np.all(np.isfinite(samples)) or p_value(samples, target, bandwidth, rng) <= ALPHA


# --- exact score: indistinguishable from the target ------------------------------------------


@pytest.mark.parametrize("target_name", TARGETS)
@pytest.mark.parametrize("sampler_name", SAMPLERS)
@given(seed=seeds)
@one_fixed_seed
def test_sampler_with_exact_score_matches_target(sampler_name, target_name, seed):
    target, bandwidth = TARGETS[target_name]
    rng = np.random.default_rng(seed)
    samples = SAMPLERS[sampler_name](vp_score(target), rng, target.dim).samples
    assert p_value(samples, target, bandwidth, rng) > ALPHA


@pytest.mark.parametrize("target_name", TARGETS)
@given(seed=seeds)
@one_fixed_seed
def test_annealed_langevin_matches_the_perturbed_target(target_name, seed):
    # Alg. 1 samples the law perturbed at σ_L, known exactly for a mixture.
    target, bandwidth = TARGETS[target_name]
    rng = np.random.default_rng(seed)
    samples = langevin(lambda x, sigma: target.noised_ve(sigma).score(x), rng, target.dim).samples
    assert p_value(samples, target.noised_ve(SIGMAS[-1]), bandwidth, rng) > ALPHA


@given(seed=seeds)
@one_fixed_seed
def test_fast_ddpm_on_two_threads_matches_target(seed):
    rng = np.random.default_rng(seed)
    samples = ddpm_sample_fast(RING, SCHEDULE, rng=rng, n=N, n_threads=2)
    assert p_value(samples, RING, 0.5, rng) > ALPHA


# --- wrong variants: the same check rejects them ---------------------------------------------

WRONG_VARIANTS = {
    # name: (sampler, wrong score factory, target)
    "ddpm, score with the wrong sign": ("ddpm-beta", lambda m: (lambda x, t: -vp_score(m)(x, t)), "ring"),
    "ddpm, β_t for β̄_t in the score": ("ddpm-beta", lambda m: vp_score(m, SCHEDULE.betas), "ring"),
    "reverse SDE, β_t for β̄_t": ("reverse-sde", lambda m: vp_score(m, SCHEDULE.betas), "ring"),
    "probability flow, β_t for β̄_t": ("probability-flow", lambda m: vp_score(m, SCHEDULE.betas), "ring"),
    "ddim, ᾱ_t μ for √ᾱ_t μ": ("ddim-eta0", missing_sqrt_score, "gaussian"),
    "probability flow, ᾱ_t μ for √ᾱ_t μ": ("probability-flow", missing_sqrt_score, "gaussian"),
}


@pytest.mark.parametrize("variant", WRONG_VARIANTS)
@given(seed=seeds)
@one_fixed_seed
def test_wrong_variant_is_rejected(variant, seed):
    sampler_name, wrong_score, target_name = WRONG_VARIANTS[variant]
    target, bandwidth = TARGETS[target_name]
    rng = np.random.default_rng(seed)
    with np.errstate(all="ignore"):
        samples = SAMPLERS[sampler_name](wrong_score(target), rng, target.dim).samples
    assert rejected(samples, target, bandwidth, rng)


@given(seed=seeds)
@one_fixed_seed
def test_ddpm_with_sigma_beta_instead_of_sqrt_beta_is_rejected(seed):
    rng = np.random.default_rng(seed)
    samples = ddpm_sample(vp_score(GAUSSIAN), SCHEDULE, rng=rng, n=N, dim=2, variance=SCHEDULE.betas**2).samples
    assert rejected(samples, GAUSSIAN, None, rng)


@pytest.mark.parametrize(
    "variant, factor",
    [("score with the wrong sign", -1.0), ("drift without the ½ (targets p²)", 2.0)],
)
@given(seed=seeds)
@one_fixed_seed
def test_wrong_langevin_is_rejected(variant, factor, seed):
    rng = np.random.default_rng(seed)
    with np.errstate(all="ignore"):
        samples = langevin(lambda x, sigma: factor * GAUSSIAN.noised_ve(sigma).score(x), rng, 2).samples
    assert rejected(samples, GAUSSIAN.noised_ve(SIGMAS[-1]), None, rng)


# --- exact identities between samplers -------------------------------------------------------


@given(seed=seeds)
@settings(max_examples=3, deadline=None)
def test_ddim_with_eta_one_is_ddpm_with_posterior_variance(seed):
    # Song et al. (2021, §4.1): σ_t(1)² = σ̃_t² and eq. 12's mean is the posterior mean.
    schedule = linear_schedule(100, 1e-3, 0.2)
    score = vp_score(RING, schedule.alpha_bars)
    ddim = ddim_sample(score, schedule, rng=np.random.default_rng(seed), n=50, dim=2, eta=1.0).samples
    ddpm = ddpm_sample(score, schedule, rng=np.random.default_rng(seed), n=50, dim=2, variance="posterior").samples
    np.testing.assert_allclose(ddim, ddpm, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("variance", ["beta", "posterior"])
@given(seed=seeds)
@settings(max_examples=3, deadline=None)
def test_fast_ddpm_is_the_reference_ddpm(variance, seed):
    # Same rng stream, same arithmetic up to rounding order.
    schedule = linear_schedule(300, 3e-4, 0.06)
    reference = ddpm_sample(
        vp_score(RING, schedule.alpha_bars), schedule, rng=np.random.default_rng(seed), n=300, dim=2, variance=variance
    ).samples
    fast = ddpm_sample_fast(RING, schedule, rng=np.random.default_rng(seed), n=300, variance=variance, chunk=64)
    np.testing.assert_allclose(fast, reference, rtol=1e-9, atol=1e-9)


def test_fast_ddpm_reproducible_per_thread_count():
    schedule = linear_schedule(50, 1e-3, 0.2)
    a = ddpm_sample_fast(RING, schedule, rng=np.random.default_rng(4), n=101, n_threads=3)
    b = ddpm_sample_fast(RING, schedule, rng=np.random.default_rng(4), n=101, n_threads=3)
    np.testing.assert_array_equal(a, b)


# --- each update formula, exactly, on a 1-D Gaussian target ----------------------------------
#
# For q_0 = N(μ, s²), q_t = N(√ᾱ_t μ, v_t) with v_t = ᾱ_t s² + 1 − ᾱ_t, so the exact score is
# affine, s(x) = p x + q with p = −1/v_t and q = √ᾱ_t μ / v_t, every step is x' = a x + b + c z,
# and the output law is N(m, w) with m' = a m + b, w' = a² w + c².  The coefficients below are
# written from the papers' equations independently of numeric.samplers.

MU, S2 = 0.7, 0.3**2
EXACT_SCHEDULE = linear_schedule(200, 5e-4, 0.1)


def _affine_steps(name: str, schedule):
    """(a, b, c) for each step t = T..1 of the named sampler on N(MU, S2)."""
    for t in range(schedule.T, 0, -1):
        beta, alpha_bar = schedule.betas[t - 1], schedule.alpha_bars[t - 1]
        alpha_bar_prev = schedule.alpha_bars_prev[t - 1]
        v = alpha_bar * S2 + 1 - alpha_bar
        p, q = -1 / v, np.sqrt(alpha_bar) * MU / v
        last = t == 1
        if name.startswith("ddpm"):
            sigma2 = beta if name == "ddpm-beta" else beta * (1 - alpha_bar_prev) / (1 - alpha_bar)
            yield (1 + beta * p) / np.sqrt(1 - beta), beta * q / np.sqrt(1 - beta), 0.0 if last else np.sqrt(sigma2)
        elif name == "reverse-sde":
            yield 1 + beta / 2 + beta * p, beta * q, 0.0 if last else np.sqrt(beta)
        elif name == "probability-flow":
            yield 1 + beta / 2 * (1 + p), beta * q / 2, 0.0
        else:  # DDIM "ddim-eta<η>": x' = √ᾱ' x̂_0 + √(1−ᾱ'−σ²) ε̂ + σ z (Song et al. 2021, eq. 12)
            # with σ² = η² (1−ᾱ')/(1−ᾱ) (1 − ᾱ/ᾱ') (eq. 16), ε̂ = −√(1−ᾱ) s, x̂_0 = (x − √(1−ᾱ) ε̂)/√ᾱ.
            eta = float(name.removeprefix("ddim-eta"))
            sigma2 = eta**2 * (1 - alpha_bar_prev) / (1 - alpha_bar) * (1 - alpha_bar / alpha_bar_prev)
            x0_coef = np.sqrt(alpha_bar_prev / alpha_bar)
            eps_coef = -np.sqrt(max(1 - alpha_bar_prev - sigma2, 0.0) * (1 - alpha_bar))
            yield (x0_coef * (1 + (1 - alpha_bar) * p) + eps_coef * p,
                   x0_coef * (1 - alpha_bar) * q + eps_coef * q, np.sqrt(sigma2))


def _exact_output_law(name: str, schedule) -> tuple[float, float]:
    m, w = 0.0, 1.0  # x_T ~ N(0, 1)
    for a, b, c in _affine_steps(name, schedule):
        m, w = a * m + b, a * a * w + c * c
    return m, w


def _mean_variance_z(samples: np.ndarray, m: float, w: float) -> np.ndarray:
    n = samples.size
    x = samples.ravel()
    # SE of the sample variance: √((μ₄ − w²)/n), estimated from the sample's fourth moment.
    z_mean = (x.mean() - m) / np.sqrt(w / n)
    z_var = (x.var(ddof=1) - w) / np.sqrt((np.mean((x - x.mean()) ** 4) - x.var() ** 2) / n)
    return np.array([z_mean, z_var])


EXACT_SAMPLERS = ["ddpm-beta", "ddpm-posterior", "ddim-eta0", "ddim-eta0.5", "reverse-sde", "probability-flow"]
K_SIGMA_2 = float(stats.norm.isf(FAMILY_FALSE_ALARM / 4))  # two comparisons per sampler


def _run(name: str, score, rng, n: int, variance="beta"):
    schedule = EXACT_SCHEDULE
    if name.startswith("ddpm"):
        variance = "posterior" if name == "ddpm-posterior" else variance
        return ddpm_sample(score, schedule, rng=rng, n=n, dim=1, variance=variance).samples
    if name.startswith("ddim-eta"):
        return ddim_sample(score, schedule, rng=rng, n=n, dim=1, eta=float(name.removeprefix("ddim-eta"))).samples
    sampler = {"reverse-sde": reverse_sde_sample, "probability-flow": probability_flow_sample}
    return sampler[name](score, schedule, rng=rng, n=n, dim=1).samples


GAUSSIAN_1D = GaussianMixture([1.0], [[MU]], [S2])


@pytest.mark.parametrize("name", EXACT_SAMPLERS)
@given(seed=seeds)
@settings(max_examples=3, deadline=None)
def test_update_formula_gives_the_exact_gaussian_output_law(name, seed):
    m, w = _exact_output_law(name, EXACT_SCHEDULE)
    samples = _run(name, vp_score(GAUSSIAN_1D, EXACT_SCHEDULE.alpha_bars), np.random.default_rng(seed), 20000)
    z = _mean_variance_z(samples, m, w)
    assert np.abs(z).max() <= K_SIGMA_2, z


@pytest.mark.parametrize("name", EXACT_SAMPLERS)
def test_discretisation_error_on_a_gaussian_is_small_at_1000_steps(name):
    # The exact output law of the discretised sampler against the target N(μ, s²), Ho et al.'s
    # schedule.  Measured: mean errors ≤ 3e-3 and variance errors from −2.5 % (DDPM with σ̃_t²,
    # which under-disperses non-degenerate data, Ho et al. §3.2) to +1.3 % (probability flow);
    # at T = 200 (β_T = 0.1) they grow to −10 % and +7 %.  The bounds guard against regressions.
    m, w = _exact_output_law(name, SCHEDULE)
    assert abs(m - MU) < 5e-3 and abs(w / S2 - 1) < 0.03


def _ddim_two_jump_variance(eta: float, t: int, t_mid: int) -> float:
    """Output variance of DDIM over timesteps (t_mid, t) from a fixed x_t on N(MU, S2).

    The jump t → t_mid adds σ² = η² (1−ᾱ')/(1−ᾱ) (1 − ᾱ/ᾱ') (eq. 16); the last jump to ᾱ_0 = 1
    is deterministic and affine with slope (1 + (1−ᾱ') p')/√ᾱ', so it scales that variance.
    """
    alpha_bar, alpha_bar_mid = EXACT_SCHEDULE.alpha_bars[t - 1], EXACT_SCHEDULE.alpha_bars[t_mid - 1]
    sigma2 = eta**2 * (1 - alpha_bar_mid) / (1 - alpha_bar) * (1 - alpha_bar / alpha_bar_mid)
    p_mid = -1 / (alpha_bar_mid * S2 + 1 - alpha_bar_mid)
    slope = (1 + (1 - alpha_bar_mid) * p_mid) / np.sqrt(alpha_bar_mid)
    return slope**2 * sigma2


@pytest.mark.parametrize("eta", [0.3, 0.5, 1.0])
def test_ddim_step_noise_is_eq_16(eta):
    # From a fixed x_T the output variance pins σ_t(η)²; the output *law* from x_T ~ N(0, 1) cannot,
    # since DDIM has the same marginals for every η.  The same test at η' = √η plays the mutant
    # "η for η² in eq. 16" and must fail.
    score = vp_score(GAUSSIAN_1D, EXACT_SCHEDULE.alpha_bars)
    x_T = np.full((20000, 1), 0.3)
    expected = _ddim_two_jump_variance(eta, 200, 100)

    def z(eta_run):
        x = ddim_sample(score, EXACT_SCHEDULE, rng=np.random.default_rng(1), x_T=x_T, eta=eta_run,
                        timesteps=[100, 200]).samples.ravel()
        # Gaussian output: the sample variance has SE w·√(2/(n−1)).
        return (x.var(ddof=1) - expected) / (expected * np.sqrt(2 / (x.size - 1)))

    assert abs(z(eta)) <= K_SIGMA_2
    if eta < 1:
        assert abs(z(np.sqrt(eta))) > K_SIGMA_2


def test_exact_gaussian_check_sees_sigma_beta_instead_of_sqrt_beta():
    score = vp_score(GAUSSIAN_1D, EXACT_SCHEDULE.alpha_bars)
    samples = _run("ddpm-beta", score, np.random.default_rng(0), 20000, variance=EXACT_SCHEDULE.betas**2)
    assert np.abs(_mean_variance_z(samples, *_exact_output_law("ddpm-beta", EXACT_SCHEDULE))).max() > K_SIGMA_2


# --- recording -------------------------------------------------------------------------------

SMALL = linear_schedule(50, 1e-3, 0.2)
SMALL_SAMPLERS = {
    "ddpm": lambda **kw: ddpm_sample(vp_score(RING, SMALL.alpha_bars), SMALL, **kw),
    "ddim": lambda **kw: ddim_sample(vp_score(RING, SMALL.alpha_bars), SMALL, eta=0.5, **kw),
    "reverse-sde": lambda **kw: reverse_sde_sample(vp_score(RING, SMALL.alpha_bars), SMALL, **kw),
    "probability-flow": lambda **kw: probability_flow_sample(vp_score(RING, SMALL.alpha_bars), SMALL, **kw),
    "langevin": lambda **kw: annealed_langevin_sample(
        lambda x, s: RING.noised_ve(s).score(x), geometric_sigmas(2.0, 0.1, 5), n_steps_each=10, step_size=1e-3,
        **{("x_init" if k == "x_T" else k): v for k, v in kw.items()},
    ),
}


@pytest.mark.parametrize("name", SMALL_SAMPLERS)
def test_record_and_trajectories(name):
    rng = np.random.default_rng(0)
    x_T = rng.standard_normal((20, 2))
    result = SMALL_SAMPLERS[name](rng=rng, x_T=x_T, record=(50, 0, 20, 40), n_trajectories=3)
    assert list(result.recorded) == [0, 20, 40, 50]
    np.testing.assert_array_equal(result.recorded[0], x_T)
    np.testing.assert_array_equal(result.recorded[50], result.samples)
    assert result.samples.shape == (20, 2) and result.trajectories.shape == (51, 3, 2)
    np.testing.assert_array_equal(result.trajectories[0], x_T[:3])
    np.testing.assert_array_equal(result.trajectories[20], result.recorded[20][:3])
    np.testing.assert_array_equal(result.trajectories[-1], result.samples[:3])
    assert not np.shares_memory(result.recorded[20], result.samples)


def test_figure_steps_of_a_1000_step_sampler():
    result = ddim_sample(
        vp_score(RING), SCHEDULE, rng=np.random.default_rng(0), n=5, dim=2, record=(0, 200, 400, 600, 800, 1000)
    )
    assert list(result.recorded) == [0, 200, 400, 600, 800, 1000]
    assert result.trajectories.shape == (1001, 0, 2)


def test_ddim_step_count_follows_timesteps():
    result = ddim_sample(
        vp_score(RING, SMALL.alpha_bars), SMALL, rng=np.random.default_rng(0), n=4, dim=2,
        timesteps=[1, 10, 30, 50], record=(4,), n_trajectories=4,
    )
    assert result.trajectories.shape == (5, 4, 2)
    np.testing.assert_array_equal(result.recorded[4], result.samples)


def test_given_x_T_is_not_modified():
    x_T = np.random.default_rng(0).standard_normal((10, 2))
    copy = x_T.copy()
    ddpm_sample(vp_score(RING, SMALL.alpha_bars), SMALL, rng=np.random.default_rng(1), x_T=x_T)
    ddpm_sample_fast(RING, SMALL, rng=np.random.default_rng(1), x_T=x_T)
    np.testing.assert_array_equal(x_T, copy)


# --- invalid input ---------------------------------------------------------------------------

_score = vp_score(RING, SMALL.alpha_bars)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: ddpm_sample(_score, SMALL, rng=np.random.default_rng(0), n=5, dim=2, record=(51,)), "outside 0..50"),
        (lambda: ddpm_sample(_score, SMALL, rng=np.random.default_rng(0), n=5, dim=2, record=(1.5,)), "integers"),
        (lambda: ddpm_sample(_score, SMALL, rng=np.random.default_rng(0), n=5, dim=2, n_trajectories=6), "n_trajectories"),
        (lambda: ddpm_sample(_score, SMALL, rng=np.random.default_rng(0), x_T=np.zeros((5, 2)), n=5, dim=2), "not both"),
        (lambda: ddpm_sample(_score, SMALL, rng=np.random.default_rng(0), n=5), "both n and dim"),
        (lambda: ddpm_sample(_score, SMALL, rng=np.random.default_rng(0), n=5, dim=2, variance="sigma"), "variance"),
        (lambda: ddpm_sample(_score, SMALL, rng=np.random.default_rng(0), n=5, dim=2, variance=np.ones(3)), r"shape \(50,\)"),
        (lambda: ddpm_sample(_score, SMALL, rng=np.random.RandomState(0), n=5, dim=2), "Generator"),
        (lambda: ddpm_sample(lambda x, t: x[:, :1], SMALL, rng=np.random.default_rng(0), n=5, dim=2), "score returned shape"),
        (lambda: ddim_sample(_score, SMALL, rng=np.random.default_rng(0), n=5, dim=2, eta=1.5), "eta"),
        (lambda: ddim_sample(_score, SMALL, rng=np.random.default_rng(0), n=5, dim=2, timesteps=[5, 3]), "increase"),
        (lambda: ddim_sample(_score, SMALL, rng=np.random.default_rng(0), n=5, dim=2, timesteps=[0, 3]), "increase"),
        (lambda: annealed_langevin_sample(_score, [1.0, 2.0], rng=np.random.default_rng(0), n=5, dim=2), "decreasing"),
        (lambda: geometric_sigmas(0.1, 1.0, 5), "sigma_L < sigma_1"),
        (lambda: ddpm_sample_fast(RING, SMALL, rng=np.random.default_rng(0), n=5, n_threads=0), "n_threads"),
        (lambda: ddpm_sample_fast(RING, SMALL, rng=np.random.default_rng(0), x_T=np.zeros((5, 3))), "x_T"),
    ],
)
def test_invalid_input_is_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()
