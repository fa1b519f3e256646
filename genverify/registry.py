"""The registry: one record per result, tying its proof to everything built on it.

``genverify check``, ``genverify show``, the test suite (and later the docs and the grader)
iterate over ``RESULTS``; adding a result means adding one record and its modules.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from genverify.derivations.engine import Derivation
    from genverify.numeric.crosschecks import CrossCheck


@dataclass(frozen=True)
class Result:
    """One verified result: what it says, where it comes from, and how it is proved."""

    id: str
    title: str
    section: str
    references: tuple[str, ...]
    #: Builds the machine-checked derivation.
    derivation: Callable[[], Derivation]
    #: Wrong variants (name → derivation) that the engine must refute.
    mutants: Callable[[], dict[str, Derivation]]

    @property
    def crosschecks(self) -> tuple[CrossCheck, ...]:
        """The Monte Carlo cross-checks of this result (``numeric.crosschecks.CHECKS``)."""
        from genverify.numeric.crosschecks import CHECKS

        return tuple(c for c in CHECKS if c.result_id == self.id)

    @classmethod
    def from_module(cls, id: str, title: str, section: str, references: tuple[str, ...],
                    module: str) -> "Result":
        """The record of ``genverify.derivations.<module>``, imported at the first call of its
        ``derivation`` or ``mutants``: SymPy and the proofs load only for the commands that use
        them, so ``genverify list`` and ``--help`` start fast."""
        return cls(id, title, section, references, _deferred(module, "derivation"), _deferred(module, "mutants"))


def _deferred(module: str, name: str) -> Callable:
    def call():
        return getattr(importlib.import_module(f"genverify.derivations.{module}"), name)()

    return call


RESULTS: tuple[Result, ...] = (
    Result.from_module(
        "gan.optimal_discriminator", "Optimal discriminator for a fixed generator", "1.1",
        ("Goodfellow et al. 2014, Generative Adversarial Nets, Prop. 1",),
        "gan_optimal_discriminator"),
    Result.from_module(
        "gan.generator_objective", "The generator's objective is -log 4 + 2·JSD", "1.2",
        ("Goodfellow et al. 2014, Generative Adversarial Nets, Thm. 1",),
        "gan_generator_objective"),
    Result.from_module(
        "gan.vanishing_gradient", "Vanishing gradients of the saturating generator loss", "1.3",
        ("Goodfellow et al. 2014, §3", "Arjovsky & Bottou 2017, Towards Principled Methods for Training GANs, Thm. 2.4"),
        "gan_vanishing_gradient"),
    Result.from_module(
        "diffusion.forward_marginal", "Closed-form forward marginal q(x_t | x_0)", "2.3",
        ("Ho et al. 2020, Denoising Diffusion Probabilistic Models, eq. 4",),
        "diffusion_forward_marginal"),
    Result.from_module(
        "diffusion.posterior", "Forward posterior q(x_{t-1} | x_t, x_0)", "2.4",
        ("Ho et al. 2020, eqs. 6-7", "Chan 2024, Tutorial on Diffusion Models for Imaging and Vision, §2.2"),
        "diffusion_posterior"),
    Result.from_module(
        "diffusion.elbo", "ELBO decomposition and the weight of each denoising term", "2.1",
        ("Ho et al. 2020, eqs. 5 and 8", "Luo 2022, Understanding Diffusion Models: A Unified Perspective",
         "Kingma et al. 2021, Variational Diffusion Models, eq. 13"),
        "diffusion_elbo"),
    Result.from_module(
        "diffusion.conditional_score", "Conditional (inpainting) score", "2.5",
        ("Song et al. 2021, Score-Based Generative Modeling through SDEs, §5",
         "Chung et al. 2022, Diffusion Posterior Sampling, eq. 5"),
        "diffusion_conditional_score"),
)

BY_ID: dict[str, Result] = {r.id: r for r in RESULTS}


def lookup(ids: list[str]) -> list[Result]:
    """The records for ``ids`` (all of them when empty); ``KeyError`` naming an unknown id."""
    if not ids:
        return list(RESULTS)
    unknown = [i for i in ids if i not in BY_ID]
    if unknown:
        raise KeyError(f"unknown result id {unknown[0]!r} (known: {', '.join(BY_ID)})")
    return [BY_ID[i] for i in ids]
