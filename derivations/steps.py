"""Derivations as lists of checked steps, and the check of a whole derivation."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import sympy as sp

from .domain import Domain
from .relations import Equal, Relation, reusing_verdicts
from .verdicts import Verdict, combine


@dataclass(frozen=True)
class Step:
    """One step of a derivation: what it asserts and why."""

    relation: Relation
    why: str
    #: Shown as ``= rhs`` continuing the previous line (a chain of equalities).
    chained: bool = False


def chain(start: sp.Expr, *steps: tuple[sp.Expr, str]) -> tuple[Step, ...]:
    """``start = e_1 = e_2 = ...``: each consecutive pair is one checked step."""
    out, previous = [], start
    for expr, why in steps:
        out.append(Step(Equal(previous, expr), why, chained=bool(out)))
        previous = expr
    return tuple(out)


@dataclass(frozen=True)
class Derivation:
    """A claim, the domain it holds on, and the steps that establish it."""

    claim: Relation
    statement: str
    domain: Domain
    steps: tuple[Step, ...]
    #: The claim as a person writes it (LaTeX), shown by the docs above the formal ``claim`` that
    #: the engine checks; empty when the formal claim is all there is to show.
    display_claim: str = ""


@dataclass(frozen=True)
class StepReport:
    step: Step
    verdict: Verdict
    seconds: float


@dataclass(frozen=True)
class Report:
    derivation: Derivation
    steps: tuple[StepReport, ...]
    claim: Verdict
    seconds: float

    @property
    def status(self) -> str:
        """Proved only when every step and the claim are proved."""
        return combine([("", s.verdict) for s in self.steps] + [("", self.claim)]).status

    @property
    def first_failure(self) -> int | None:
        """Index of the first step that is not proved (``len(steps)`` for the claim)."""
        for i, s in enumerate(self.steps):
            if not s.verdict.proved:
                return i
        return None if self.claim.proved else len(self.steps)


def check(derivation: Derivation, rng: np.random.Generator) -> Report:
    """Check every step and the claim of ``derivation`` on its domain."""
    start = time.perf_counter()
    reports = []
    # The claim restates relations the steps prove: one proof serves both, within this check.
    with reusing_verdicts():
        for step in derivation.steps:
            t0 = time.perf_counter()
            verdict = step.relation.check(derivation.domain, rng)
            reports.append(StepReport(step, verdict, time.perf_counter() - t0))
        claim = derivation.claim.check(derivation.domain, rng)
    return Report(derivation, tuple(reports), claim, time.perf_counter() - start)
