"""genverify: verify, teach and grade the theory of GANs and diffusion models."""

__version__ = "0.1.0"
