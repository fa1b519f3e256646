"""The diffusion figures of the docs: the score of the noised ring, DDPM frames and trajectories
(one cached sampler run), noise schedules, the ELBO term by term and against the exact
likelihood, and inpainting with the homework's conditional score."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap, to_rgba
from matplotlib import colormaps

from genverify.numeric.elbo import GaussianDiffusion, negative_elbo_terms, negative_elbo_terms_mc
from genverify.numeric.fast_score import MixtureScore
from genverify.numeric.gan import mode_metrics
from genverify.numeric.gmm import ring
from genverify.numeric.inpainting import annealed_langevin_inpaint
from genverify.numeric.likelihood import VPSDE, ddpm_elbo, pf_ode_log_likelihood
from genverify.numeric.samplers import SamplerResult, ddpm_sample
from genverify.numeric.schedules import cosine_schedule, linear_schedule
from genverify.plots import MODE_COLOURS, RING, RING_STD, Drawing, mark_modes, nearest_mode, new, plane

T = 1000
SCHEDULE = linear_schedule(T)
DDPM_PARTICLES = 4000
DDPM_LIMIT = 3.5  # shared axis limits of the DDPM frames: N(0, I) lies within ±3.5 w.p. > 0.999
N_TRAJECTORIES = 8
SHOWN_TRAJECTORIES = 5
#: Signal-to-noise ratios SNR(t) = ᾱ_t/(1 − ᾱ_t) of the intermediate DDPM frames.  Equal steps in
#: t look alike for most of the linear schedule (SNR(600) ≈ 0.03, SNR(400) ≈ 0.2), so the frames
#: are the last t with SNR(t) at least each value: the ring emerges between SNR 1 and 10.
FRAME_SNRS = (1.0, 2.0, 4.0, 10.0)


def _last_t_with_snr(snr: float) -> int:
    return int(np.nonzero(SCHEDULE.snr >= snr)[0].max()) + 1


#: Diffusion times of the frames, from x_T (pure noise) to x_0 (the samples).
FRAME_TIMES = (T, *(_last_t_with_snr(s) for s in FRAME_SNRS), 0)


def score_field(rng: np.random.Generator) -> Drawing:
    t = 50
    alpha_bar = float(SCHEDULE.alpha_bars[t - 1])
    noised = RING.noised(alpha_bar)
    axis = np.linspace(-3, 3, 200)
    X1, X2 = np.meshgrid(axis, axis)
    log_p = noised.logpdf(np.stack([X1, X2], axis=-1))
    fig, (ax,) = new(width=5.6, height=5.0)
    # A pale background and dark arrows: the contours must not hide the arrows.
    floor = -12
    ax.contourf(X1, X2, np.maximum(log_p, floor), levels=12, cmap="Blues", alpha=0.5)
    ax.contour(X1, X2, np.maximum(log_p, floor), levels=6, colors="steelblue", linewidths=0.5, alpha=0.6)
    coarse = np.linspace(-3, 3, 21)
    G1, G2 = np.meshgrid(coarse, coarse)
    score = noised.score(np.stack([G1, G2], axis=-1))
    norm = np.linalg.norm(score, axis=-1)
    # Unit arrows show direction; colour shows magnitude, clipped below so that the near-zero
    # score at the ring's centre (a saddle of the density) does not stretch the colour scale.
    log_norm = np.log10(np.maximum(norm, 1e-12))
    dark = ListedColormap(colormaps["magma"](np.linspace(0.0, 0.75, 256)))
    quiver = ax.quiver(G1, G2, score[..., 0] / np.maximum(norm, 1e-12), score[..., 1] / np.maximum(norm, 1e-12),
                       log_norm, cmap=dark, angles="xy", scale=24, width=0.005,
                       clim=(np.percentile(log_norm, 2), log_norm.max()))
    fig.colorbar(quiver, ax=ax, label=r"$\log_{10} \|\nabla_x \log q_t(x)\|$")
    mark_modes(ax)
    plane(ax, 3.0)
    ax.set_title(rf"Exact score of the noised ring, $t = {t}$ ($\bar\alpha_t = {alpha_bar:.4f}$)", fontsize=10)
    ax.legend(loc="upper right", fontsize=8)
    return Drawing(fig, {"t": str(t)})


@lru_cache(maxsize=2)
def _ddpm_run_cached(key: int) -> SamplerResult:
    score = MixtureScore(RING)
    return ddpm_sample(lambda x, t: score(x, SCHEDULE.alpha_bars[t - 1]), SCHEDULE,
                       rng=np.random.default_rng(key), n=DDPM_PARTICLES, dim=2,
                       record=tuple(T - t for t in FRAME_TIMES), n_trajectories=N_TRAJECTORIES)


def ddpm_run(rng: np.random.Generator) -> SamplerResult:
    """The one DDPM run all DDPM figures show (same key from the same seed, so one cached run)."""
    return _ddpm_run_cached(int(rng.integers(2**63)))


def ddpm_frame_maker(t: int):
    def make(rng: np.random.Generator) -> Drawing:
        x = ddpm_run(rng).recorded[T - t]
        metrics = mode_metrics(x, RING.means, RING_STD)
        radius = float(np.mean(np.linalg.norm(x, axis=1)))
        fig, (ax,) = new(width=4.8, height=4.6)
        ax.scatter(*x.T, s=2, alpha=0.35, color="tab:blue", rasterized=True)
        mark_modes(ax)
        plane(ax, DDPM_LIMIT)
        snr = "∞" if t == 0 else f"{SCHEDULE.snr[t - 1]:.2g}"
        ax.set_title(f"$x_{{{t}}}$ after {T - t} of {T} reverse steps (SNR {snr})\n"
                     f"{metrics.hq_fraction:.0%} within 3 std of a mode, {metrics.modes_covered}/8 modes covered",
                     fontsize=9)
        ax.legend(loc="upper right", fontsize=8)
        return Drawing(fig, {"hq": f"{metrics.hq_fraction:.0%}", "modes": str(metrics.modes_covered),
                             "radius": f"{radius:.2f}", "snr": snr})
    return make


def _faded(colour: str, n: int) -> np.ndarray:
    """``n`` RGBA colours of one hue, from faint to solid: a path's early, noisy part recedes."""
    rgba = np.tile(to_rgba(colour), (n, 1))
    rgba[:, 3] = np.linspace(0.08, 1.0, n) ** 2
    return rgba


def trajectories(rng: np.random.Generator) -> Drawing:
    paths = ddpm_run(rng).trajectories
    destination, _ = nearest_mode(paths[-1])
    # One path per destination mode first, so the few shown go to different modes.
    first_per_mode = [int(np.nonzero(destination == m)[0][0]) for m in dict.fromkeys(destination)]
    shown = (first_per_mode + [i for i in range(paths.shape[1]) if i not in first_per_mode])[:SHOWN_TRAJECTORIES]
    fig, (left, right) = new(2, width=4.8, height=4.6)
    # Every 5th state keeps the shape of a path; all 1001 make a PNG of noise that does not compress.
    thinned = paths[::5]
    steps = np.arange(paths.shape[0])[::5]
    for i in shown:
        colour = MODE_COLOURS[destination[i]]
        segments = np.stack([thinned[:-1, i], thinned[1:, i]], axis=1)
        left.add_collection(LineCollection(segments, colors=_faded(colour, len(segments)), linewidths=1.2))
        left.plot(*paths[0, i], "o", ms=11, mfc="white", mec=colour, mew=2.5, zorder=4)
        left.plot(*paths[-1, i], "s", ms=8, color=colour, mec="black", zorder=5)
        right.plot(steps, np.linalg.norm(thinned[:, i], axis=1), lw=1, color=colour)
    mark_modes(left, coloured=True)
    plane(left, DDPM_LIMIT)
    left.set_title("paths in the plane (○ start x_T, ■ end x_0;\ncolour = the mode it ends on)", fontsize=9)
    left.legend(loc="upper right", fontsize=8)
    right.axhline(2.0, color="crimson", ls="--", label="ring radius 2")
    right.set_xlabel(f"reverse step (of {T})")
    right.set_ylabel(r"distance from the origin $\|x\|$")
    right.set_title("radius along the chain", fontsize=10)
    right.legend(fontsize=8)
    fig.suptitle(f"{len(shown)} DDPM trajectories with the exact score of the ring")
    # The step after which each shown path stays within 0.5 of the radius it ends at.
    radius = np.linalg.norm(paths[:, shown], axis=2)
    settled = [int(np.nonzero(np.abs(radius[:, j] - radius[-1, j]) > 0.5)[0].max()) + 1 for j in range(len(shown))]
    return Drawing(fig, {"n": str(len(shown)), "modes": str(len({int(destination[i]) for i in shown})),
                         "settled": str(int(np.median(settled)))})


def noise_schedules(rng: np.random.Generator) -> Drawing:
    fig, (ax,) = new(width=6.0)
    t = np.arange(1, T + 1)
    for name, schedule in (("linear (Ho et al. 2020)", SCHEDULE),
                           ("cosine (Nichol & Dhariwal 2021)", cosine_schedule(T))):
        ax.plot(t, schedule.one_minus_alpha_bars, lw=2, label=name)
    ax.set_xlabel("diffusion step $t$")
    ax.set_ylabel(r"$1 - \bar\beta_t$ (variance of $q(x_t \mid x_0)$)")
    ax.set_title(f"Noise added by step $t$, T = {T}")
    ax.legend()
    signal_gone = int(np.nonzero(SCHEDULE.alpha_bars < 0.01)[0][0]) + 1
    return Drawing(fig, {"gone": str(signal_gone)})


def elbo_terms(rng: np.random.Generator) -> Drawing:
    model = GaussianDiffusion(SCHEDULE, data_mean=np.array([1.0]), data_std=0.5)
    x_0 = np.array([1.8])
    exact = negative_elbo_terms(model, x_0)
    mc = negative_elbo_terms_mc(model, x_0, 2000, rng)
    t = np.arange(2, T + 1)
    fig, (left, right) = new(2, width=4.9, height=4.4)
    left.semilogy(t, exact.denoising, color="black", lw=1.5)
    left.set_xlabel("diffusion step $t$")
    left.set_ylabel("denoising term $L_{t-1}$ (nats)")
    left.set_title(f"closed form, all steps; $L_0$ = {exact.reconstruction:.2f}, $L_T$ = {exact.prior_matching:.1e}",
                   fontsize=9)
    # The log-ratio estimator's SE is ~1e-3 at every t, so it resolves the terms only where they
    # are larger than that: the first hundred steps, shown on a linear scale.
    first = slice(0, 99)
    every = slice(0, 99, 4)
    value, se = np.asarray(mc.denoising.value), np.asarray(mc.denoising.se)
    right.plot(t[first], exact.denoising[first], color="black", lw=1.5,
               label=r"closed form $w_t\,\mathbb{E}\|\hat x_\theta(x_t) - x_0\|^2$")
    right.errorbar(t[every], value[every], yerr=2 * se[every],
                   fmt="o", ms=3, color="tab:orange", label="Monte Carlo log-ratios (2000 chains, ±2 SE)")
    right.set_xlabel("diffusion step $t$")
    right.set_ylabel("denoising term $L_{t-1}$ (nats)")
    right.set_title("first 100 steps: closed form vs. Monte Carlo", fontsize=9)
    right.legend(fontsize=7)
    fig.suptitle(f"Negative ELBO of $x_0 = 1.8$ term by term (total {exact.total:.3f} nats)")
    within = np.abs(value[every] - exact.denoising[every]) <= 2 * se[every]
    ratio = exact.denoising[0] / exact.denoising[-1]
    return Drawing(fig, {"within": f"{int(within.sum())} of {within.size}", "decades": f"{np.log10(ratio):.0f}"})


def elbo_vs_likelihood(rng: np.random.Generator) -> Drawing:
    mixture = ring(std=0.2)
    x = mixture.sample(8, rng)
    log_likelihood = pf_ode_log_likelihood(mixture, x, VPSDE(), rtol=1e-6, atol=1e-6).log_likelihood
    elbo = ddpm_elbo(mixture, x, SCHEDULE, n=64, rng=rng)
    log_data = mixture.logpdf(x)
    order = np.argsort(log_data)
    i = np.arange(len(x))
    fig, (ax,) = new(width=6.4)
    ax.plot(i, log_data[order], "k_", ms=18, mew=2, label=r"$\log p_{data}(x_0)$ (exact mixture)")
    ax.plot(i, log_likelihood[order], "o", color="tab:blue", label="log-likelihood by the PF-ODE")
    ax.errorbar(i, np.asarray(elbo.value)[order], yerr=2 * np.asarray(elbo.se)[order], fmt="s", color="tab:orange",
                label="DDPM ELBO (±2 SE)")
    ax.set_xticks(i)
    ax.set_xlabel("data point $x_0$ (sorted by $\\log p_{data}$)")
    ax.set_ylabel("log density (nats)")
    gap = float(np.mean(log_likelihood - elbo.value))
    ax.set_title(f"ELBO vs. exact likelihood, ring of std 0.2 (mean gap {gap:.2f} nats)", fontsize=10)
    ax.legend(fontsize=8)
    below = int(np.sum(np.asarray(elbo.value) < log_likelihood))
    ode_error = float(np.max(np.abs(log_likelihood - log_data)))
    return Drawing(fig, {"below": f"{below} of {len(x)}", "gap": f"{gap:.2f}", "ode": f"{ode_error:.1e}"})


#: The homework's likelihood p(x_known | x) ∝ exp(−‖(x − x_known) ⊙ M‖²) scaled by λ: the score term
#: is −2λ (x − x_known) ⊙ M, the homework's at λ = 1.  λ = 1 is a soft observation (variance ½) that
#: leaves mass on six modes, between which annealed Langevin does not mix (the shares it reaches
#: depend on the annealing path); λ = 50 (variance 0.01) leaves the two modes (0, ±2), which it
#: samples in the exact proportions.
INPAINT_LAMBDA = 50.0
INPAINT_SIGMA2 = 1.0 / (2.0 * INPAINT_LAMBDA)


def inpainting(rng: np.random.Generator) -> Drawing:
    prior = ring(std=0.15)
    score = MixtureScore(prior)
    a = 0.0
    x_known, mask = np.array([a, 0.0]), np.array([1.0, 0.0])
    samples = annealed_langevin_inpaint(lambda x, ab: score(x, ab), np.linspace(0.2, 1.0, 9), x_known, mask, rng=rng,
                                        sigma2=INPAINT_SIGMA2, step_size=2e-3, n_steps_each=120, n=2000)
    # Exact posterior: component k keeps N(μ_k, s² I) in x_2, with weight ∝ w_k N(a; μ_k1, s² + σ²).
    s2 = prior.variances
    log_w = (np.log(prior.weights) - 0.5 * (a - prior.means[:, 0]) ** 2 / (s2 + INPAINT_SIGMA2)
             - 0.5 * np.log(s2 + INPAINT_SIGMA2))
    w = np.exp(log_w - log_w.max())
    w /= w.sum()
    grid = np.linspace(-3, 3, 400)
    density = (w[:, None] * np.exp(-0.5 * (grid - prior.means[:, 1, None]) ** 2 / s2[:, None])
               / np.sqrt(2 * np.pi * s2[:, None])).sum(axis=0)
    fig, (left, right) = new(2, width=4.8, height=4.4)
    left.scatter(*prior.sample(2000, rng).T, s=2, color="grey", alpha=0.3, rasterized=True, label="prior samples")
    left.scatter(*samples.T, s=2, color="tab:blue", alpha=0.4, rasterized=True, label="inpainted samples")
    left.axvline(a, color="crimson", ls="--", label=rf"observed $x_1 = {a:g}$")
    plane(left, 3.0)
    left.legend(loc="lower left", fontsize=7, markerscale=4)
    left.set_title("conditional samples", fontsize=10)
    right.hist(samples[:, 1], bins=80, density=True, color="tab:blue", alpha=0.6, label="annealed Langevin")
    right.plot(grid, density, color="black", lw=1.5, label=r"exact $p(x_2 \mid x_{known})$")
    right.set_xlabel("$x_2$ (the missing coordinate)")
    right.set_ylabel("density")
    right.set_title("posterior marginal of $x_2$", fontsize=10)
    right.legend(fontsize=8)
    fig.suptitle(rf"Inpainting with $\nabla_x \log p(x \mid x_{{known}}) = s(x) - 2\lambda\,(x - x_{{known}}) \odot M$,"
                 rf" $\lambda = {INPAINT_LAMBDA:g}$")
    nearest, _ = nearest_mode(samples, prior)
    top = np.argsort(w)[::-1][:2]
    shares = ", ".join(f"({round(prior.means[k, 0])}, {round(prior.means[k, 1])}): {np.mean(nearest == k):.0%} "
                       f"(exact {w[k]:.0%})" for k in top)
    return Drawing(fig, {"shares": shares, "rest": f"{1 - w[top].sum():.1%}", "lambda": f"{INPAINT_LAMBDA:g}"})
