"""What a code target is: a Python function contract, its cases by regime, and its known mistakes.

A :class:`CodeTarget` says which function a student writes (name, arguments in order, what it
returns), what the reference returns, how to draw inputs in each :class:`Regime` (T = 1, short
schedules, T = 1000 linear and cosine, underflowing β̄, broadcast shapes, ...) and which
:class:`Mistake` s to look for when the submission disagrees.  Cases are plain data (floats, ints,
strings, float64 arrays) so they travel to the sandboxed child as JSON, and each regime draws
them from an explicit ``np.random.Generator``: the cases are a pure function of (target, seed,
genverify version), whatever else is imported.

The contracts themselves live in :mod:`genverify.grading.contracts`; nothing here runs a
submission.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: One case: argument name -> plain value (int, float, str, bool or a float64 ndarray).
Case = dict


@dataclass(frozen=True)
class Regime:
    """A family of inputs graded together: partial credit is counted per regime."""

    name: str
    #: How many cases this regime contributes.
    count: int
    #: One case drawn from ``rng``; everything random comes from ``rng``.
    draw: Callable[[np.random.Generator], Case]
    #: One sentence for a submission that fails in this regime alone and no mistake explains:
    #: what is special about these inputs; ``""`` for none.
    hint: str = ""


@dataclass(frozen=True)
class Mistake:
    """A named, explainable wrong answer: what a function with this mistake returns."""

    name: str
    #: One sentence: which convention or step went wrong, and what the right one is.
    explanation: str
    #: Same output structure as :attr:`CodeTarget.reference`, computed the mistaken way.
    reference: Callable[[Case], object]


@dataclass(frozen=True)
class CodeTarget:
    """A Python function contract graded by ``grade-code``."""

    #: The target name, e.g. ``"diffusion.q_sample"``.
    name: str
    #: The registry result this target grades.
    result_id: str
    #: The function the submission must define.
    function: str
    #: Its positional arguments, in order (case keys of the same names are passed).
    arguments: tuple[str, ...]
    #: Names of the returned values; one name means a single value, more mean a tuple.
    outputs: tuple[str, ...]
    #: One line for people: the signature with types and conventions.
    signature: str
    #: The correct outputs for one case.
    reference: Callable[[Case], object]
    regimes: tuple[Regime, ...]
    mistakes: tuple[Mistake, ...] = ()
    #: The source of a correct NumPy submission (``genverify targets``, docs, bundle tests).
    example: str = ""
    #: The name of a trailing argument that is a callable, not data: the sandboxed child builds
    #: it as the score ``-(x - mean)/variance`` of a Gaussian from the case's ``"prior_mean"`` and
    #: ``"prior_variance"`` arrays (a function cannot travel as JSON); ``""`` when there is none.
    gaussian_score_argument: str = ""
