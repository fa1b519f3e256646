"""Hostile: tries to import the project's own reference instead of writing the function."""

from genverify.numeric.diffusion import posterior_mean_variance  # noqa: F401
