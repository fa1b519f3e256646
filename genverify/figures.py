"""The pictures of the docs, regenerated from the current code on every build (``genverify figures``).

Each :class:`Figure` is a record: an id, a title, a caption, one sentence saying what to look
for, the registry result it illustrates (or ``None``) and ``make(rng)``, which computes its
numbers with the ``numeric`` references and returns a :class:`~genverify.plots.Drawing` (the
figure and what it measured).  Captions quote the measurements through ``$name`` placeholders,
filled by :func:`build_figures`, so a caption says what this build's data show.  The drawing
functions live in ``plots_gan`` and ``plots_diffusion``.

All randomness enters through ``rng``.  :func:`build_figures` hands every figure its own
``np.random.default_rng(seed)``, so a figure is the same whether it is built alone or with the
others; the DDPM figures draw the same key from that stream and so share one cached sampler
run, which makes the frames and the trajectories frames of one run.
"""

from __future__ import annotations

import dataclasses
import string
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from genverify import plots_diffusion as diffusion
from genverify import plots_gan as gan
from genverify.plots import Drawing

DPI = 110

MakeFn = Callable[[np.random.Generator], Drawing]


@dataclass(frozen=True)
class Figure:
    """One picture of the docs; ``make(rng)`` returns its :class:`~genverify.plots.Drawing`."""

    id: str
    title: str
    caption: str
    what_to_see: str
    result_id: str | None
    make: MakeFn

    def described(self, facts: dict[str, str]) -> "Figure":
        """This record with ``$name`` in its caption and what-to-see replaced by the measured ``facts``."""
        return dataclasses.replace(self, caption=string.Template(self.caption).safe_substitute(facts),
                                   what_to_see=string.Template(self.what_to_see).safe_substitute(facts))


def _frame_id(t: int) -> str:
    return "ddpm_final" if t == 0 else f"ddpm_t{t}"


_DDPM_CAPTION = (f"Ancestral DDPM sampling (Ho et al. 2020, Alg. 2) of {diffusion.DDPM_PARTICLES} particles from "
                 "N(0, I) with the exact score of the 8-Gaussian ring, linear schedule, T = 1000; all frames share "
                 "axis limits and one run.  Frames are chosen by signal-to-noise ratio SNR(t) = ᾱ_t/(1 − ᾱ_t) "
                 "(here $snr), not by equal steps: with the linear schedule the first ~600 reverse steps change "
                 "little.")
_DDPM_SEE = ("At this frame $hq of the particles lie within 3 standard deviations of a ring mode and $modes of 8 modes "
             "are covered (VEEGAN's metric, ≥ 20 particles); their mean distance from the origin is $radius "
             "(the ring's radius is 2; for N(0, I) it is 1.25).")


def _ddpm_frame(t: int) -> Figure:
    title = ("DDPM samples x_0 after all reverse steps" if t == 0 else
             "Pure noise x_T, the start of DDPM sampling" if t == diffusion.T else f"DDPM frame x_{t}")
    return Figure(_frame_id(t), title, _DDPM_CAPTION, _DDPM_SEE, "diffusion.posterior", diffusion.ddpm_frame_maker(t))


FIGURES: tuple[Figure, ...] = (
    Figure("gan_samples", "GAN samples during training",
           f"A small GAN (MLPs 2-32-32-2, non-saturating loss, Adam) trained for {gan.GAN_ITERATIONS} iterations on "
           "the 8-Gaussian ring; panels show G's output on one fixed latent batch; crosses mark the modes.",
           "The samples move from a blob at the origin towards the ring; at the end $modes of 8 modes are covered and "
           "$hq of the samples are high quality (VEEGAN's metrics; missing modes are mode collapse).",
           None, gan.gan_samples),
    Figure("score_field", "The score of a noised mixture",
           "Arrows: direction of the exact score ∇ log q_t of the ring mixture noised to t = $t (linear schedule); "
           "arrow colour: its magnitude on a log scale; blue shading: log-density.",
           "Every arrow points to the nearest mode and the magnitude grows away from the modes; between two "
           "modes the arrows split, which is what sends particles to different modes.",
           "diffusion.forward_marginal", diffusion.score_field),
    *(_ddpm_frame(t) for t in diffusion.FRAME_TIMES),
    Figure("trajectories", "DDPM trajectories",
           f"$n particles of the DDPM run above, through all {diffusion.T} reverse steps, one per destination mode "
           "where possible: left their paths in the plane, faint early and solid late, coloured by the mode they "
           "end on (the crosses of the same colour); right their distance from the origin.",
           "The paths wander like noise for most of the chain; their radius stays within 0.5 of its final value "
           "only after reverse step $settled (median over the $n paths), when each commits to its mode.",
           "diffusion.posterior", diffusion.trajectories),
    Figure("discriminator_vs_optimal", "Trained vs. optimal discriminator",
           "A discriminator MLP trained by Adam against fixed p_r = N(0, 1) and p_g = N(1.5, 1), compared with "
           "D* = p_r / (p_r + p_g) on a grid.",
           "The dashed trained curve follows D* (largest gap $gap), crossing 1/2 where p_r = p_g (x = 0.75); it "
           "drifts in the tails where both densities, and hence the training signal, vanish.",
           "gan.optimal_discriminator", gan.discriminator_vs_optimal),
    Figure("dirac_gan", "Dirac-GAN dynamics without and with R1",
           "Vector field of simultaneous gradient play on the Dirac-GAN (Mescheder et al. 2018), "
           "L(θ, ψ) = f(ψθ), and a simultaneous-GD trajectory from (1.5, 0); left unregularised, right with R1.",
           "Without regularisation the field rotates around the equilibrium and the trajectory spirals outwards; "
           "with R1 it spirals in to (0, 0).",
           None, gan.dirac_gan_portraits),
    Figure("elbo_terms", "The negative ELBO term by term",
           "Denoising terms L_{t-1} of the negative ELBO for a linear-Gaussian diffusion (data N(1, 0.5²), "
           "point x_0 = 1.8, linear schedule T = 1000): left the closed form for every t, right the first 100 terms "
           "against Monte Carlo averages of log q(x_{t-1}|x_t,x_0) − log p_θ(x_{t-1}|x_t).",
           "The Monte Carlo points, which never use the weight w_t, fall on the closed-form curve ($within within "
           "2 SE); the terms fall by about $decades orders of magnitude over t, so the small-t terms dominate.",
           "diffusion.elbo", diffusion.elbo_terms),
    Figure("noise_schedules", "Linear vs. cosine noise schedules",
           "1 − β̄_t, the variance of q(x_t | x_0), for the linear (1e-4 to 0.02) and cosine schedules, T = 1000.",
           "The linear schedule leaves less than 1% of the signal's variance (β̄_t < 0.01) from t = $gone on, "
           "spending the last steps on nearly pure noise; the cosine schedule adds noise evenly across t.",
           "diffusion.forward_marginal", diffusion.noise_schedules),
    Figure("elbo_vs_likelihood", "ELBO vs. exact likelihood",
           "For eight points of a ring mixture (std 0.2): the exact data log-density, the PF-ODE log-likelihood "
           "(Song et al. 2021, eq. 39, exact score and Laplacian) and the DDPM ELBO with its Monte Carlo error.",
           "The ELBO sits below the PF-ODE likelihood at $below points (mean gap $gap nats); the PF-ODE "
           "likelihood matches log p_data within $ode nats.",
           "diffusion.elbo", diffusion.elbo_vs_likelihood),
    Figure("vanishing_gradient", "Vanishing gradients of the saturating loss",
           "Generator gradient norms against D(x) = σ(k(x − c)) with disjoint supports (Arjovsky & Bottou 2017, "
           "Thm. 2.4), for the saturating and non-saturating losses, and the bound Mε/(1 − ε).",
           "As D sharpens the saturating gradient dies under the bound while the non-saturating one grows like k.",
           "gan.vanishing_gradient", gan.vanishing_gradient),
    Figure("inpainting", "Inpainting with the conditional score",
           "Annealed Langevin dynamics on the conditional score of homework 2.5 with the likelihood sharpened to "
           "exp(−λ‖(x − x_known) ⊙ M‖²): ∇_x log p(x | x_known) = s(x) − 2λ (x − x_known) ⊙ M, which is the "
           "result's s(x) − 2 (x − x_known) ⊙ M at λ = 1; here λ = $lambda, with a ring prior (std 0.15), observing "
           "x_1 = 0 (M = (1, 0)); right, the histogram of the missing x_2 against its exact posterior.",
           "The samples land on the two modes consistent with x_1 = 0, in the exact posterior's shares: $shares "
           "(the other six modes hold $rest of the exact posterior).  At λ = 1 the observation is soft (variance ½) "
           "and the posterior keeps mass on six modes, between which Langevin dynamics does not mix.",
           "diffusion.conditional_score", diffusion.inpainting),
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
    """Draw the figures (those in ``only``, or all) and write ``out_dir/<id>.png``; returns
    ``(figure, path)`` with each figure's caption filled with what this drawing measured.

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
        drawing = figure.make(np.random.default_rng(seed))
        path = out / f"{figure.id}.png"
        drawing.figure.savefig(path, dpi=DPI)
        if timings is not None:
            timings[figure.id] = time.perf_counter() - start
        written.append((figure.described(drawing.facts), path))
    return written
