"""Every ``grade-code`` contract, by target name: each module holds one family's targets.

A module adds its targets by listing them in its ``TARGETS`` tuple and being named in
``_MODULES``; the order here is the order of ``genverify.grading.names.CODE_TARGETS``.
"""

from __future__ import annotations

from ..contract import CodeTarget
from . import diffusion, dirac, gan, gan_losses, mixture, sampling

_MODULES = (diffusion, sampling, mixture, gan, gan_losses, dirac)

CODE_TARGETS: dict[str, CodeTarget] = {
    target.name: target for module in _MODULES for target in module.TARGETS}
