"""The GAN figures of the docs: samples during training, the trained discriminator against D*,
the vanishing gradient of the saturating loss, and Dirac-GAN phase portraits."""

from __future__ import annotations

import numpy as np

from genverify.numeric import dirac_gan, gan
from genverify.plots import RING, RING_STD, Drawing, mark_modes, new, plane

GAN_ITERATIONS = 3000
GAN_SNAPSHOTS = (0, 500, 1500, 3000)


def gan_samples(rng: np.random.Generator) -> Drawing:
    # (32, 32) with batch 128 trains the ring in a few seconds; (64, 64) is 10x slower per step.
    run = gan.train_gan(lambda n, r: RING.sample(n, r), rng, hidden=(32, 32), batch_size=128,
                        lr_d=2e-3, lr_g=2e-3, n_iter=GAN_ITERATIONS, snapshot_at=GAN_SNAPSHOTS, n_snapshot=2000)
    fig, axes = new(len(GAN_SNAPSHOTS), width=3.4, height=3.6)
    metrics = {}
    for ax, it in zip(axes, GAN_SNAPSHOTS):
        samples = run.snapshots[it]
        metrics[it] = gan.mode_metrics(samples, RING.means, RING_STD)
        ax.scatter(*samples.T, s=2, alpha=0.35, color="tab:blue", rasterized=True)
        mark_modes(ax, label=None)
        plane(ax, 3.0)
        ax.set_title(f"iteration {it}\n{metrics[it].modes_covered}/8 modes, {metrics[it].hq_fraction:.0%} high quality",
                     fontsize=9)
    fig.suptitle("GAN samples on the 8-Gaussian ring (non-saturating loss, Adam)")
    last = metrics[GAN_SNAPSHOTS[-1]]
    return Drawing(fig, {"modes": str(last.modes_covered), "hq": f"{last.hq_fraction:.0%}"})


def discriminator_vs_optimal(rng: np.random.Generator) -> Drawing:
    mu_r, mu_g = 0.0, 1.5
    fit = gan.fit_discriminator_fixed_generator(rng, mu_r=mu_r, mu_g=mu_g, n_iter=1000)
    fig, (ax,) = new(width=6.4)
    p_r = np.exp(-0.5 * (fit.x - mu_r) ** 2) / np.sqrt(2 * np.pi)
    p_g = np.exp(-0.5 * (fit.x - mu_g) ** 2) / np.sqrt(2 * np.pi)
    ax.fill_between(fit.x, p_r, alpha=0.2, color="tab:green", label=r"$p_r = \mathcal{N}(0, 1)$")
    ax.fill_between(fit.x, p_g, alpha=0.2, color="tab:orange", label=r"$p_g = \mathcal{N}(1.5, 1)$")
    ax.plot(fit.x, fit.D_star, color="black", lw=2, label=r"$D^* = p_r / (p_r + p_g)$")
    ax.plot(fit.x, fit.D, color="tab:red", lw=1.5, ls="--", label="trained $D$ (MLP, Adam)")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$D(x)$ (probability of real); density")
    ax.set_ylim(-0.02, 1.02)
    gap = float(np.max(np.abs(fit.D - fit.D_star)))
    ax.set_title(f"Trained discriminator vs. the optimum (max |D − D*| = {gap:.3f})")
    ax.legend(loc="center left", fontsize=8)
    return Drawing(fig, {"gap": f"{gap:.3f}"})


def vanishing_gradient(rng: np.random.Generator) -> Drawing:
    ks = np.logspace(-1, 2.5, 36)
    rows = gan.vanishing_gradient_table(ks, rng)
    fig, (ax,) = new(width=6.4)
    ax.loglog(ks, [r.saturating for r in rows], lw=2,
              label=r"saturating $|\nabla_\theta\, \mathbb{E} \log(1 - D(G_\theta(z)))|$")
    ax.loglog(ks, [r.nonsaturating for r in rows], lw=2,
              label=r"non-saturating $|\nabla_\theta\, \mathbb{E}[-\log D(G_\theta(z))]|$")
    bound = np.array([r.bound for r in rows])
    finite = np.isfinite(bound)
    ax.loglog(ks[finite], bound[finite], color="black", ls="--",
              label=r"Arjovsky–Bottou bound $M\varepsilon/(1-\varepsilon)$")
    ax.set_xlabel(r"discriminator sharpness $k$ in $D(x) = \sigma(k(x - c))$")
    ax.set_ylabel("generator gradient norm")
    ax.set_title("Vanishing gradients as the discriminator approaches $D^*$")
    ax.legend(fontsize=8)
    return Drawing(fig)


def dirac_gan_portraits(rng: np.random.Generator) -> Drawing:
    fig, axes = new(2, width=4.6, height=4.4)
    for ax, gamma in zip(axes, (0.0, 1.0)):
        Theta, Psi, V_theta, V_psi = dirac_gan.vector_field_grid(limit=2.0, n=17, gamma=gamma)
        ax.quiver(Theta, Psi, V_theta, V_psi, np.hypot(V_theta, V_psi), cmap="viridis", angles="xy")
        path = dirac_gan.simultaneous_gd(1.5, 0.0, lr=0.1, n_steps=300, gamma=gamma)
        ax.plot(*path.T, color="crimson", lw=1.2, label="simultaneous GD, lr 0.1")
        ax.plot(*path[0], "o", color="crimson", ms=8, mec="black")
        ax.plot(0, 0, "*", color="black", ms=12, label="equilibrium")
        ax.set_xlim(-2.1, 2.1)
        ax.set_ylim(-2.1, 2.1)
        ax.set_aspect("equal")
        ax.set_xlabel(r"generator parameter $\theta$")
        ax.set_ylabel(r"discriminator parameter $\psi$")
        ax.set_title("no regularisation" if gamma == 0 else rf"R1 penalty, $\gamma = {gamma:g}$", fontsize=10)
        ax.legend(loc="lower left", fontsize=7)
    fig.suptitle("Dirac-GAN phase portraits")
    return Drawing(fig)
