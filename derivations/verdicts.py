"""Verdicts of the proof engine: proved, refuted or undecided, and how parts combine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

PROVED, REFUTED, UNDECIDED = "proved", "refuted", "undecided"


@dataclass(frozen=True)
class Verdict:
    """Outcome of checking one relation."""

    status: str
    method: str
    counterexample: Mapping[str, str] | None = None

    @property
    def proved(self) -> bool:
        return self.status == PROVED


def combine(verdicts: Sequence[tuple[str, Verdict]]) -> Verdict:
    """All parts proved → proved; any part refuted → refuted (naming it); else undecided."""
    for label, v in verdicts:
        if v.status == REFUTED:
            method = f"{label}: {v.method}" if label else v.method
            return Verdict(REFUTED, method, v.counterexample)
    methods = list(dict.fromkeys(v.method for _, v in verdicts))
    if all(v.proved for _, v in verdicts):
        return Verdict(PROVED, "; ".join(methods))
    undecided = [label or v.method for label, v in verdicts if v.status == UNDECIDED]
    return Verdict(UNDECIDED, "could not decide: " + "; ".join(undecided))
