"""The pictures of the docs, regenerated from the current code on every build (``genverify figures``).

Each :class:`Figure` is a record: an id, a title, a caption, one sentence saying what to look
for, the registry result it illustrates (or ``None``) and ``make(rng)``, which computes its
numbers with the ``numeric`` references and draws them on a fresh ``matplotlib.figure.Figure``
(object-oriented API on the Agg canvas; pyplot's global state is never touched).

All randomness enters through ``rng``.  :func:`build_figures` hands every figure its own
``np.random.default_rng(seed)``, so a figure is the same whether it is built alone or with the
others; the DDPM figures draw the same key from that stream and so share one cached sampler
run, which makes the step-by-step frames frames of one run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from tqdm import tqdm

from genverify.numeric import dirac_gan, gan
from genverify.numeric.elbo import GaussianDiffusion, negative_elbo_terms, negative_elbo_terms_mc
from genverify.numeric.fast_score import MixtureScore
from genverify.numeric.gmm import GaussianMixture, ring
from genverify.numeric.inpainting import annealed_langevin_inpaint
from genverify.numeric.likelihood import VPSDE, ddpm_elbo, pf_ode_log_likelihood
from genverify.numeric.samplers import SamplerResult, ddpm_sample
from genverify.numeric.schedules import cosine_schedule, linear_schedule

DPI = 110
RING = ring()  # 8 modes of std 0.05 on the circle of radius 2: the homework's target
T = 1000
DDPM_STEPS = (0, 200, 400, 600, 800, 1000)
DDPM_PARTICLES = 4000
DDPM_LIMIT = 3.5  # shared axis limits of the DDPM frames: N(0, I) lies within ±3.5 w.p. > 0.999
N_TRAJECTORIES = 8
GAN_ITERATIONS = 3000
GAN_SNAPSHOTS = (0, 500, 1500, 3000)

MakeFn = Callable[[np.random.Generator], MplFigure]


@dataclass(frozen=True)
class Figure:
    """One picture of the docs; ``make(rng)`` returns the drawn ``matplotlib.figure.Figure``."""

    id: str
    title: str
    caption: str
    what_to_see: str
    result_id: str | None
    make: MakeFn


def _new(ncols: int = 1, *, width: float = 5.2, height: float = 4.4, **subplot_kw):
    fig = MplFigure(figsize=(width * ncols, height), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, ncols, squeeze=False, subplot_kw=subplot_kw)[0]
    return fig, axes


def _mark_modes(ax, mixture: GaussianMixture = RING, label: str | None = "ring modes") -> None:
    ax.scatter(*mixture.means.T, marker="x", s=60, color="crimson", linewidths=2, label=label, zorder=3)


def _plane(ax, limit: float) -> None:
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")


# --- GANs ---------------------------------------------------------------------------------


def _gan_samples(rng: np.random.Generator) -> MplFigure:
    # (32, 32) with batch 128 trains the ring in a few seconds; (64, 64) is 10x slower per step.
    run = gan.train_gan(lambda n, r: RING.sample(n, r), rng, hidden=(32, 32), batch_size=128,
                        lr_d=2e-3, lr_g=2e-3, n_iter=GAN_ITERATIONS, snapshot_at=GAN_SNAPSHOTS, n_snapshot=2000)
    fig, axes = _new(len(GAN_SNAPSHOTS), width=3.4, height=3.6)
    for ax, it in zip(axes, GAN_SNAPSHOTS):
        samples = run.snapshots[it]
        metrics = gan.mode_metrics(samples, RING.means, float(np.sqrt(RING.variances[0])))
        ax.scatter(*samples.T, s=2, alpha=0.35, color="tab:blue", rasterized=True)
        _mark_modes(ax, label=None)
        _plane(ax, 3.0)
        ax.set_title(f"iteration {it}\n{metrics.modes_covered}/8 modes, {metrics.hq_fraction:.0%} high quality",
                     fontsize=9)
    fig.suptitle("GAN samples on the 8-Gaussian ring (non-saturating loss, Adam)")
    return fig


def _discriminator_vs_optimal(rng: np.random.Generator) -> MplFigure:
    mu_r, mu_g = 0.0, 1.5
    fit = gan.fit_discriminator_fixed_generator(rng, mu_r=mu_r, mu_g=mu_g, n_iter=1000)
    fig, (ax,) = _new(width=6.4)
    p_r = np.exp(-0.5 * (fit.x - mu_r) ** 2) / np.sqrt(2 * np.pi)
    p_g = np.exp(-0.5 * (fit.x - mu_g) ** 2) / np.sqrt(2 * np.pi)
    ax.fill_between(fit.x, p_r, alpha=0.2, color="tab:green", label=r"$p_r = \mathcal{N}(0, 1)$")
    ax.fill_between(fit.x, p_g, alpha=0.2, color="tab:orange", label=r"$p_g = \mathcal{N}(1.5, 1)$")
    ax.plot(fit.x, fit.D_star, color="black", lw=2, label=r"$D^* = p_r / (p_r + p_g)$")
    ax.plot(fit.x, fit.D, color="tab:red", lw=1.5, ls="--", label="trained $D$ (MLP, Adam)")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$D(x)$ (probability of real); density")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(f"Trained discriminator vs. the optimum (max |D − D*| = {np.max(np.abs(fit.D - fit.D_star)):.3f})")
    ax.legend(loc="center left", fontsize=8)
    return fig


def _vanishing_gradient(rng: np.random.Generator) -> MplFigure:
    ks = np.logspace(-1, 2.5, 36)
    rows = gan.vanishing_gradient_table(ks, rng)
    fig, (ax,) = _new(width=6.4)
    ax.loglog(ks, [r.saturating for r in rows], lw=2, label=r"saturating $|\nabla_\theta\, \mathbb{E} \log(1 - D(G_\theta(z)))|$")
    ax.loglog(ks, [r.nonsaturating for r in rows], lw=2,
              label=r"non-saturating $|\nabla_\theta\, \mathbb{E}[-\log D(G_\theta(z))]|$")
    bound = np.array([r.bound for r in rows])
    finite = np.isfinite(bound)
    ax.loglog(ks[finite], bound[finite], color="black", ls="--", label=r"Arjovsky–Bottou bound $M\varepsilon/(1-\varepsilon)$")
    ax.set_xlabel(r"discriminator sharpness $k$ in $D(x) = \sigma(k(x - c))$")
    ax.set_ylabel("generator gradient norm")
    ax.set_title("Vanishing gradients as the discriminator approaches $D^*$")
    ax.legend(fontsize=8)
    return fig


def _dirac_gan(rng: np.random.Generator) -> MplFigure:
    fig, axes = _new(2, width=4.6, height=4.4)
    for ax, gamma in zip(axes, (0.0, 1.0)):
        Theta, Psi, V_theta, V_psi = dirac_gan.vector_field_grid(limit=2.0, n=17, gamma=gamma)
        ax.quiver(Theta, Psi, V_theta, V_psi, np.hypot(V_theta, V_psi), cmap="viridis", angles="xy")
        path = dirac_gan.simultaneous_gd(1.5, 0.0, lr=0.1, n_steps=300, gamma=gamma)
        ax.plot(*path.T, color="crimson", lw=1.2, label="simultaneous GD, lr 0.1")
        ax.plot(*path[0], "o", color="crimson")
        ax.plot(0, 0, "*", color="black", ms=12, label="equilibrium")
        ax.set_xlim(-2.1, 2.1)
        ax.set_ylim(-2.1, 2.1)
        ax.set_aspect("equal")
        ax.set_xlabel(r"generator parameter $\theta$")
        ax.set_ylabel(r"discriminator parameter $\psi$")
        ax.set_title("no regularisation" if gamma == 0 else rf"R1 penalty, $\gamma = {gamma:g}$", fontsize=10)
        ax.legend(loc="lower left", fontsize=7)
    fig.suptitle("Dirac-GAN phase portraits")
    return fig


# --- diffusion ------------------------------------------------------------------------------


def _score_field(rng: np.random.Generator) -> MplFigure:
    t = 50
    alpha_bar = float(linear_schedule(T).alpha_bars[t - 1])
    noised = RING.noised(alpha_bar)
    axis = np.linspace(-3, 3, 200)
    X1, X2 = np.meshgrid(axis, axis)
    log_p = noised.logpdf(np.stack([X1, X2], axis=-1))
    fig, (ax,) = _new(width=5.6, height=5.0)
    ax.contourf(X1, X2, np.maximum(log_p, -30), levels=20, cmap="Greys")
    coarse = np.linspace(-3, 3, 21)
    G1, G2 = np.meshgrid(coarse, coarse)
    score = noised.score(np.stack([G1, G2], axis=-1))
    norm = np.linalg.norm(score, axis=-1)
    # Unit arrows show direction; colour shows magnitude, clipped below so that the near-zero
    # score at the ring's centre (a saddle of the density) does not stretch the colour scale.
    log_norm = np.log10(np.maximum(norm, 1e-12))
    quiver = ax.quiver(G1, G2, score[..., 0] / np.maximum(norm, 1e-12), score[..., 1] / np.maximum(norm, 1e-12),
                       log_norm, cmap="plasma", angles="xy", scale=28, width=0.004,
                       clim=(np.percentile(log_norm, 2), log_norm.max()))
    fig.colorbar(quiver, ax=ax, label=r"$\log_{10} \|\nabla_x \log q_t(x)\|$")
    _mark_modes(ax)
    _plane(ax, 3.0)
    ax.set_title(rf"Exact score of the noised ring, $t = {t}$ ($\bar\alpha_t = {alpha_bar:.4f}$)", fontsize=10)
    ax.legend(loc="upper right", fontsize=8)
    return fig


@lru_cache(maxsize=2)
def _ddpm_run_cached(key: int) -> SamplerResult:
    schedule = linear_schedule(T)
    score = MixtureScore(RING)
    return ddpm_sample(lambda x, t: score(x, schedule.alpha_bars[t - 1]), schedule,
                       rng=np.random.default_rng(key), n=DDPM_PARTICLES, dim=2, record=DDPM_STEPS,
                       n_trajectories=N_TRAJECTORIES)


def _ddpm_run(rng: np.random.Generator) -> SamplerResult:
    return _ddpm_run_cached(int(rng.integers(2**63)))


def _ddpm_step_maker(step: int) -> MakeFn:
    def make(rng: np.random.Generator) -> MplFigure:
        x = _ddpm_run(rng).recorded[step]
        fig, (ax,) = _new(width=4.8, height=4.6)
        ax.scatter(*x.T, s=2, alpha=0.35, color="tab:blue", rasterized=True)
        _mark_modes(ax)
        _plane(ax, DDPM_LIMIT)
        ax.set_title(f"DDPM, after {step} of {T} reverse steps: $x_{{{T - step}}}$", fontsize=10)
        ax.legend(loc="upper right", fontsize=8)
        return fig
    return make


def _trajectories(rng: np.random.Generator) -> MplFigure:
    paths = _ddpm_run(rng).trajectories
    fig, (left, right) = _new(2, width=4.8, height=4.6)
    steps = np.arange(paths.shape[0])
    colors = [f"C{i % 10}" for i in range(paths.shape[1])]
    # Every 10th state keeps the shape of a path; all 1001 make a PNG of noise that does not compress.
    thinned = paths[::10]
    for i, color in enumerate(colors):
        left.plot(*thinned[:, i].T, lw=0.6, color=color)
        left.plot(*paths[0, i], "o", ms=4, color=color)
        left.plot(*paths[-1, i], "s", ms=5, color=color, mec="black", zorder=4)
        right.plot(steps[::10], np.linalg.norm(thinned[:, i], axis=1), lw=0.8, color=color)
    _mark_modes(left)
    _plane(left, DDPM_LIMIT)
    left.set_title("paths in the plane (o start, ■ end)", fontsize=10)
    left.legend(loc="upper right", fontsize=8)
    right.axhline(2.0, color="crimson", ls="--", label="ring radius 2")
    right.set_xlabel(f"reverse step (of {T})")
    right.set_ylabel(r"distance from the origin $\|x\|$")
    right.set_title("radius along the chain", fontsize=10)
    right.legend(fontsize=8)
    fig.suptitle(f"{paths.shape[1]} DDPM trajectories with the exact score of the ring")
    return fig


def _noise_schedules(rng: np.random.Generator) -> MplFigure:
    fig, (ax,) = _new(width=6.0)
    t = np.arange(1, T + 1)
    for name, schedule in (("linear (Ho et al. 2020)", linear_schedule(T)),
                           ("cosine (Nichol & Dhariwal 2021)", cosine_schedule(T))):
        ax.plot(t, schedule.one_minus_alpha_bars, lw=2, label=name)
    ax.set_xlabel("diffusion step $t$")
    ax.set_ylabel(r"$1 - \bar\beta_t$ (variance of $q(x_t \mid x_0)$)")
    ax.set_title(f"Noise added by step $t$, T = {T}")
    ax.legend()
    return fig


def _elbo_terms(rng: np.random.Generator) -> MplFigure:
    model = GaussianDiffusion(linear_schedule(T), data_mean=np.array([1.0]), data_std=0.5)
    x_0 = np.array([1.8])
    exact = negative_elbo_terms(model, x_0)
    mc = negative_elbo_terms_mc(model, x_0, 2000, rng)
    t = np.arange(2, T + 1)
    fig, (left, right) = _new(2, width=4.9, height=4.4)
    left.semilogy(t, exact.denoising, color="black", lw=1.5)
    left.set_xlabel("diffusion step $t$")
    left.set_ylabel("denoising term $L_{t-1}$ (nats)")
    left.set_title(f"closed form, all steps; $L_0$ = {exact.reconstruction:.2f}, $L_T$ = {exact.prior_matching:.1e}",
                   fontsize=9)
    # The log-ratio estimator's SE is ~1e-3 at every t, so it resolves the terms only where they
    # are larger than that: the first hundred steps, shown on a linear scale.
    first = slice(0, 99)
    every = slice(0, 99, 4)
    right.plot(t[first], exact.denoising[first], color="black", lw=1.5,
               label=r"closed form $w_t\,\mathbb{E}\|\hat x_\theta(x_t) - x_0\|^2$")
    right.errorbar(t[every], np.asarray(mc.denoising.value)[every], yerr=2 * np.asarray(mc.denoising.se)[every],
                   fmt="o", ms=3, color="tab:orange", label="Monte Carlo log-ratios (2000 chains, ±2 SE)")
    right.set_xlabel("diffusion step $t$")
    right.set_ylabel("denoising term $L_{t-1}$ (nats)")
    right.set_title("first 100 steps: closed form vs. Monte Carlo", fontsize=9)
    right.legend(fontsize=7)
    fig.suptitle(f"Negative ELBO of $x_0 = 1.8$ term by term (total {exact.total:.3f} nats)")
    return fig


def _elbo_vs_likelihood(rng: np.random.Generator) -> MplFigure:
    mixture = ring(std=0.2)
    x = mixture.sample(8, rng)
    log_likelihood = pf_ode_log_likelihood(mixture, x, VPSDE(), rtol=1e-6, atol=1e-6).log_likelihood
    elbo = ddpm_elbo(mixture, x, linear_schedule(T), n=64, rng=rng)
    log_data = mixture.logpdf(x)
    order = np.argsort(log_data)
    i = np.arange(len(x))
    fig, (ax,) = _new(width=6.4)
    ax.plot(i, log_data[order], "k_", ms=18, mew=2, label=r"$\log p_{data}(x_0)$ (exact mixture)")
    ax.plot(i, log_likelihood[order], "o", color="tab:blue", label="log-likelihood by the PF-ODE")
    ax.errorbar(i, np.asarray(elbo.value)[order], yerr=2 * np.asarray(elbo.se)[order], fmt="s", color="tab:orange",
                label="DDPM ELBO (±2 SE)")
    ax.set_xticks(i)
    ax.set_xlabel("data point $x_0$ (sorted by $\\log p_{data}$)")
    ax.set_ylabel("log density (nats)")
    ax.set_title(f"ELBO vs. exact likelihood, ring of std 0.2 (mean gap {np.mean(log_likelihood - elbo.value):.2f} nats)",
                 fontsize=10)
    ax.legend(fontsize=8)
    return fig


def _inpainting(rng: np.random.Generator) -> MplFigure:
    prior = ring(std=0.15)
    score = MixtureScore(prior)
    # Observing x_1 = 0 leaves the modes (0, ±2).  At x_1 = √2 about 19% of the chains stay
    # trapped at the mode (2, 0) (posterior weight 0.5%): the annealing is a heuristic warm start.
    a, sigma2 = 0.0, 0.01
    x_known, mask = np.array([a, 0.0]), np.array([1.0, 0.0])
    samples = annealed_langevin_inpaint(lambda x, ab: score(x, ab), np.linspace(0.2, 1.0, 9), x_known, mask, rng=rng,
                                        sigma2=sigma2, step_size=2e-3, n_steps_each=120, n=2000)
    # Exact posterior marginal of x_2: component k keeps N(μ_k2, s²) with weight ∝ w_k N(a; μ_k1, s² + σ²).
    s2 = prior.variances
    log_w = np.log(prior.weights) - 0.5 * (a - prior.means[:, 0]) ** 2 / (s2 + sigma2) - 0.5 * np.log(s2 + sigma2)
    w = np.exp(log_w - log_w.max())
    w /= w.sum()
    grid = np.linspace(-3, 3, 400)
    density = (w[:, None] * np.exp(-0.5 * (grid - prior.means[:, 1, None]) ** 2 / s2[:, None])
               / np.sqrt(2 * np.pi * s2[:, None])).sum(axis=0)
    fig, (left, right) = _new(2, width=4.8, height=4.4)
    left.scatter(*prior.sample(2000, rng).T, s=2, color="grey", alpha=0.3, rasterized=True, label="prior samples")
    left.scatter(*samples.T, s=2, color="tab:blue", alpha=0.4, rasterized=True, label="inpainted samples")
    left.axvline(a, color="crimson", ls="--", label=rf"observed $x_1 = {a:g}$")
    _plane(left, 3.0)
    left.legend(loc="lower left", fontsize=7, markerscale=4)
    left.set_title("conditional samples", fontsize=10)
    right.hist(samples[:, 1], bins=80, density=True, color="tab:blue", alpha=0.6, label="annealed Langevin")
    right.plot(grid, density, color="black", lw=1.5, label=r"exact $p(x_2 \mid x_1)$")
    right.set_xlabel("$x_2$ (the missing coordinate)")
    right.set_ylabel("density")
    right.set_title("posterior marginal of $x_2$", fontsize=10)
    right.legend(fontsize=8)
    fig.suptitle(r"Inpainting with the conditional score $s(x) - (x - x_{known}) \odot M / \sigma^2$")
    return fig


_DDPM_CAPTION = ("Ancestral DDPM sampling (Ho et al. 2020, Alg. 2) of {n} particles from N(0, I) with the exact "
                 "score of the 8-Gaussian ring, linear schedule, T = 1000; all frames share axis limits and one run.")
_DDPM_SEE = {
    0: "Step 0 is pure noise x_T ~ N(0, I): no trace of the ring yet.",
    200: "After 200 steps the cloud is still nearly Gaussian; the signal is weak at large t.",
    400: "By step 400 the cloud starts to spread outwards towards the ring's radius.",
    600: "At step 600 a ring appears and mass starts to split into the eight directions.",
    800: "At step 800 the eight clusters have formed, still wider than the modes.",
    1000: "The final samples sit on all eight modes, in about equal shares (no mode collapse).",
}

FIGURES: tuple[Figure, ...] = (
    Figure("gan_samples", "GAN samples during training",
           f"A small GAN (MLPs 2-32-32-2, non-saturating loss, Adam) trained for {GAN_ITERATIONS} iterations on "
           "the 8-Gaussian ring; panels show G's output on one fixed latent batch; crosses mark the modes.",
           "The samples move from a blob at the origin onto the ring; count how many modes are covered "
           "(VEEGAN's metric in each panel title) — missing modes are mode collapse.",
           None, _gan_samples),
    Figure("score_field", "The score of a noised mixture",
           "Arrows: direction of the exact score ∇ log q_t of the ring mixture noised to t = 50 (linear schedule); "
           "colour: its magnitude on a log scale; grey: log-density contours.",
           "Every arrow points to the nearest mode and the magnitude grows away from the modes; between two "
           "modes the arrows split, which is what sends particles to different modes.",
           "diffusion.forward_marginal", _score_field),
    *(Figure(f"ddpm_step_{s}" if s < T else "ddpm_final",
             f"DDPM samples after {s} reverse steps" if s < T else "DDPM samples after all reverse steps",
             _DDPM_CAPTION.format(n=DDPM_PARTICLES), _DDPM_SEE[s], "diffusion.posterior", _ddpm_step_maker(s))
      for s in DDPM_STEPS),
    Figure("trajectories", "DDPM trajectories",
           f"{N_TRAJECTORIES} particles of the DDPM run above, through all {T} reverse steps: left their paths in the "
           "plane, right their distance from the origin.",
           "The paths wander like noise for most of the chain and commit to a mode only in the last few hundred "
           "steps, where the radius snaps to 2.",
           "diffusion.posterior", _trajectories),
    Figure("discriminator_vs_optimal", "Trained vs. optimal discriminator",
           "A discriminator MLP trained by Adam against fixed p_r = N(0, 1) and p_g = N(1.5, 1), compared with "
           "D* = p_r / (p_r + p_g) on a grid.",
           "The dashed trained curve lies on D*, crossing 1/2 where p_r = p_g (x = 0.75); it drifts only in "
           "the tails where both densities, and hence the training signal, vanish.",
           "gan.optimal_discriminator", _discriminator_vs_optimal),
    Figure("dirac_gan", "Dirac-GAN dynamics without and with R1",
           "Vector field of simultaneous gradient play on the Dirac-GAN (Mescheder et al. 2018), "
           "L(θ, ψ) = f(ψθ), and a simultaneous-GD trajectory from (1.5, 0); left unregularised, right with R1.",
           "Without regularisation the field rotates around the equilibrium and the trajectory spirals outwards; "
           "with R1 it spirals in to (0, 0).",
           None, _dirac_gan),
    Figure("elbo_terms", "The negative ELBO term by term",
           "Denoising terms L_{t-1} of the negative ELBO for a linear-Gaussian diffusion (data N(1, 0.5²), "
           "point x_0 = 1.8, linear schedule T = 1000): left the closed form for every t, right the first 100 terms "
           "against Monte Carlo averages of log q(x_{t-1}|x_t,x_0) − log p_θ(x_{t-1}|x_t).",
           "The Monte Carlo points, which never use the weight w_t, fall on the closed-form curve within their "
           "error bars; the terms fall by six orders of magnitude over t, so the small-t terms dominate.",
           "diffusion.elbo", _elbo_terms),
    Figure("noise_schedules", "Linear vs. cosine noise schedules",
           "1 − β̄_t, the variance of q(x_t | x_0), for the linear (1e-4 to 0.02) and cosine schedules, T = 1000.",
           "The linear schedule destroys the signal by about t = 600, wasting the last steps on pure noise; "
           "the cosine schedule adds noise evenly across t.",
           "diffusion.forward_marginal", _noise_schedules),
    Figure("elbo_vs_likelihood", "ELBO vs. exact likelihood",
           "For eight points of a ring mixture (std 0.2): the exact data log-density, the PF-ODE log-likelihood "
           "(Song et al. 2021, eq. 39, exact score and Laplacian) and the DDPM ELBO with its Monte Carlo error.",
           "The ELBO sits below the likelihood at every point, which matches log p_data up to the ODE's error.",
           "diffusion.elbo", _elbo_vs_likelihood),
    Figure("vanishing_gradient", "Vanishing gradients of the saturating loss",
           "Generator gradient norms against D(x) = σ(k(x − c)) with disjoint supports (Arjovsky & Bottou 2017, "
           "Thm. 2.4), for the saturating and non-saturating losses, and the bound Mε/(1 − ε).",
           "As D sharpens the saturating gradient dies under the bound while the non-saturating one grows like k.",
           "gan.vanishing_gradient", _vanishing_gradient),
    Figure("inpainting", "Inpainting with the conditional score",
           "Annealed Langevin dynamics on the homework-2.5 conditional score, ring prior (std 0.15), observing "
           "x_1 = 0 with σ² = 0.01; right, the histogram of the missing x_2 against its exact posterior.",
           "The samples land only on the two modes consistent with x_1 = 0, (0, ±2), in equal shares, matching the "
           "exact posterior marginal.",
           "diffusion.conditional_score", _inpainting),
)

BY_ID: dict[str, Figure] = {f.id: f for f in FIGURES}


def select(ids: Iterable[str] = ()) -> list[Figure]:
    """The figures named by ``ids`` (all when empty); ``KeyError`` naming an unknown id."""
    ids = list(ids)
    if not ids:
        return list(FIGURES)
    unknown = [i for i in ids if i not in BY_ID]
    if unknown:
        raise KeyError(f"unknown figure id {unknown[0]!r} (known: {', '.join(BY_ID)})")
    return [BY_ID[i] for i in ids]


def build_figures(out_dir, seed: int = 0, progress: bool = True, only: Iterable[str] = (),
                  timings: dict[str, float] | None = None) -> list[tuple[Figure, Path]]:
    """Draw the figures (those in ``only``, or all) and write ``out_dir/<id>.png``; returns (figure, path).

    ``timings``, when given, receives each figure's seconds.  ``out_dir`` is created if missing;
    ``NotADirectoryError`` if it names an existing file.
    """
    figures = select(only)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{out} exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for figure in tqdm(figures, desc="figures", unit="figure", disable=not progress or None, leave=False):
        start = time.perf_counter()
        drawn = figure.make(np.random.default_rng(seed))
        path = out / f"{figure.id}.png"
        drawn.savefig(path, dpi=DPI)
        if timings is not None:
            timings[figure.id] = time.perf_counter() - start
        written.append((figure, path))
    return written
