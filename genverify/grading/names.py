"""The names of the grading targets, for ``genverify --help`` and ``list``.

The definitions (``targets.TARGETS``: SymPy; ``contracts.CODE_TARGETS``: NumPy) take
about a second to import, so the help text reads the names from here instead;
``tests/test_cli.py`` fails when these lists and the definitions differ.
"""

SYMBOLIC_TARGETS = (
    "gan.optimal_discriminator",
    "gan.generator_objective",
    "diffusion.forward_mean_coef",
    "diffusion.forward_variance",
    "diffusion.posterior_mean",
    "diffusion.posterior_variance",
    "diffusion.elbo_weight",
    "diffusion.conditional_score",
    "diffusion.likelihood_bound",
    "diffusion.dsm_target",
    "diffusion.probability_flow_drift",
    "gan.nonsaturating_divergence",
    "diffusion.tweedie_x0",
    "diffusion.eps_weight",
    "diffusion.ddim_mean",
    "diffusion.gaussian_kl",
)

CODE_TARGETS = (
    "diffusion.posterior_mean_variance",
    "diffusion.forward_marginal",
    "diffusion.elbo_weight",
    "diffusion.conditional_score",
    "diffusion.q_sample",
    "diffusion.ddpm_step",
    "diffusion.ddim_step",
    "diffusion.gmm_score",
    "gan.optimal_discriminator",
    "gan.discriminator_loss",
    "gan.generator_loss_saturating",
    "gan.generator_loss_nonsaturating",
    "gan.dirac_eigenvalues",
)
