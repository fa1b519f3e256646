"""Name the mistake behind a wrong submission: the code grader's catalogue of mistakes.

A *predictor* maps a case to the outputs a function with one particular mistake returns.  It
explains a submission when, on every case where both give finite values, the submission agrees
with it (at the grading tolerance), and it covers at least half of the failing cases where the
submission returned finite values.  Tried in order, first match wins:

1. the target's own :class:`~.contract.Mistake` s (a formula written the mistaken way);
2. an index shift: the reference at ``t + 1`` (t used 0-based, ``betas[t]`` for ``β_t``) or
   ``t - 1``;
3. a substituted schedule: the reference on improved-diffusion's linear schedule rescaled by
   1000/T (``β`` from ``0.1/T`` to ``20/T``; :func:`genverify.numeric.conventions.improved_diffusion_schedule`)
   instead of the betas passed in (undefined for T ≤ 20, where that schedule reaches β = 1);
4. one output times a factor: ``1/ln 2`` (bits for nats), ``1/D`` or ``D`` (mean for sum over the
   ``D`` numbers of the largest array argument, or the reverse), ``1/SNR(t)`` or ``SNR(t)`` with
   ``SNR(t) = β̄_t/(1-β̄_t)`` (the ε-prediction weight for the x_0-prediction weight: Ho et al.
   2020's ``L_simple`` drops ``β_t²/(2σ_t² α_t (1-ᾱ_t))``, which is ``1/SNR(t)`` times the x_0
   weight), ``2``, ``1/2``, ``-1``, or any other constant the failing cases agree on;
5. float32: every value the submission returned is a float32 number and at least half of the
   failures are within 1e-3 of the reference (relative to the output's largest magnitude).
   Float32 is not a pass: the grading tolerance stays 1e-6, the regimes float32 survives keep
   their credit, and the rest are lost with this explanation;
6. where the failures follow an input pattern, not a formula: every failing case has t = 1
   (β̄_0 = 1 mishandled), or all lie in one regime that has a :attr:`~.contract.Regime.hint`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from genverify.numeric.conventions import improved_diffusion_schedule
from genverify.numeric.schedules import Schedule

from .compare import RTOL, agree, as_outputs
from .contract import Case, CodeTarget

#: Float32 agreement, relative to an output's largest magnitude: float32's rounding (6e-8 per
#: operation) grows to ~1e-5 over a 1000-step product and to ~1e-3 in 1 - β̄_t at β ≈ 1e-4.  At
#: β ≈ 1e-6 float32 cannot hold 1 - β_t at all (errors of several %), so only most failures,
#: not all, need to be this close; the floor absorbs values float32 flushes to 0.
FLOAT32_RTOL = 1e-3
FLOAT32_ATOL = 1e-30


@dataclass(frozen=True)
class Diagnosis:
    """A named mistake and the one sentence that explains it."""

    name: str
    explanation: str


@dataclass(frozen=True)
class Evidence:
    """What the grader saw: the cases, the reference's and the submission's outputs, the failures."""

    target: CodeTarget
    cases: list[Case]
    expected: list[list[np.ndarray]]
    #: The submission's outputs per case; ``None`` where it raised or sent something malformed.
    got: list[list[np.ndarray] | None]
    failed: list[bool]
    #: The regime name of each case (empty: not known).
    regimes: list[str] = field(default_factory=list)


Predictor = Callable[[Case], object]


def diagnose(evidence: Evidence) -> Diagnosis | None:
    """The first catalogued mistake, or failure pattern, that explains the failures; ``None`` if none."""
    if not any(evidence.failed):
        return None
    for name, explanation, predict in _candidates(evidence):
        if _explains(evidence, predict):
            return Diagnosis(name, explanation)
    constant = _constant_ratio(evidence)
    if constant is not None:
        output, c = constant
        return Diagnosis(f"{_label(evidence.target, output)} off by a constant factor {c:.6g}",
                         f"{_label(evidence.target, output).capitalize()} is {c:.6g} times the "
                         "reference's on every failing input: a constant factor is missing or extra.")
    if _float32(evidence):
        return Diagnosis("float32 precision",
                         "Every value you returned is a float32 number and most failures are within "
                         "float32's rounding (about 1e-7 per operation, more after a 1000-step "
                         "product, and 1 - β_t is lost for β_t near 1e-6): compute in float64 "
                         "(np.float64, torch.float64); the tolerance is a relative 1e-6.")
    if _only_at_t_1(evidence):
        return Diagnosis("t = 1 mishandled (β̄_0 = 1)",
                         "Every failure has t = 1, where β̄_{t-1} = β̄_0 = 1 (the empty product): "
                         "code that reads β̄_{t-1} as alpha_bar[t-2] gets alpha_bar[-1] = β̄_T there.")
    return _only_regime(evidence)


def _label(target: CodeTarget, output: int) -> str:
    return "the result" if len(target.outputs) == 1 else f"the {target.outputs[output]}"


def _candidates(evidence: Evidence):
    target = evidence.target
    for mistake in target.mistakes:
        yield mistake.name, mistake.explanation, mistake.reference
    scheduled = "t" in target.arguments and "betas" in target.arguments
    if scheduled:
        yield ("t used 0-based (index shift)",
               "Your values are the reference's at t + 1: t was used as a 0-based index (betas[t] "
               "for β_t); in the contract t runs 1..T and β_t = betas[t-1].",
               _shifted(target, 1))
        yield ("t - 1 for t (index shift)",
               "Your values are the reference's at t - 1: every quantity is read one step early "
               "(β_t = betas[t-1] and β̄_t = cumprod(1 - betas)[t-1] already).",
               _shifted(target, -1))
        yield ("1000/T-rescaled linear schedule",
               "Your values are the reference's on improved-diffusion's linear schedule rescaled by "
               "1000/T, not on the betas passed in: use the given betas.",
               _rescaled(target))
    for output in range(len(target.outputs)):
        label = _label(target, output)
        factors: list[tuple[str, str, Callable[[Case], float]]] = [
            (f"{label} in bits, not nats",
             f"{label.capitalize()} is the reference's divided by ln 2: that is log base 2 (bits); "
             "the contract uses the natural log (nats).", lambda c: 1 / math.log(2)),
            (f"{label} in nats, not bits",
             f"{label.capitalize()} is the reference's times ln 2: the natural log where log base 2 "
             "belongs.", lambda c: math.log(2)),
            (f"{label} a mean, not a sum",
             f"{label.capitalize()} is the reference's divided by D, the number of elements: a mean "
             "where the contract has a sum.", lambda c: 1 / _elements(target, c)),
            (f"{label} a sum, not a mean",
             f"{label.capitalize()} is the reference's times D, the number of elements: a sum where "
             "the contract has a mean.", lambda c: float(_elements(target, c))),
            (f"{label} off by a factor 2",
             f"{label.capitalize()} is twice the reference's: a factor ½ is missing.", lambda c: 2.0),
            (f"{label} off by a factor ½",
             f"{label.capitalize()} is half the reference's: a factor 2 is missing.", lambda c: 0.5),
            (f"sign of {label}",
             f"{label.capitalize()} has the wrong sign.", lambda c: -1.0),
        ]
        if scheduled:
            factors += [
                ("ε-prediction weight for x_0-prediction (ratio 1/SNR(t))",
                 f"{label.capitalize()} is the reference's times 1/SNR(t) = (1-β̄_t)/β̄_t: that "
                 "converts between the weights of ‖ε̂ - ε‖² (Ho et al.) and ‖x̂_0 - x_0‖²; the "
                 "contract asks for the x_0-prediction one.",
                 lambda c: 1 / _snr(c)),
                ("x_0-prediction weight for ε-prediction (ratio SNR(t))",
                 f"{label.capitalize()} is the reference's times SNR(t) = β̄_t/(1-β̄_t): the "
                 "conversion between ε- and x_0-prediction weights went the wrong way.",
                 _snr),
            ]
        for name, explanation, factor in factors:
            yield name, explanation, _scaled(target, output, factor)


def _explains(evidence: Evidence, predict: Predictor) -> bool:
    covered = failing = 0
    for case, got, failed in zip(evidence.cases, evidence.got, evidence.failed):
        # Where the submission raised or returned NaN or inf, no mistake is claimed either way.
        if got is None or not all(np.all(np.isfinite(g)) for g in got):
            continue
        failing += failed
        prediction = _predict(evidence.target, predict, case)
        if prediction is None:
            continue
        if not agree(evidence.target, prediction, got):
            return False
        covered += failed
    return covered >= 1 and 2 * covered >= failing


def _predict(target: CodeTarget, predict: Predictor, case: Case) -> list[np.ndarray] | None:
    """A predictor's finite outputs, or ``None`` where it is undefined (raises or is not finite)."""
    try:
        with np.errstate(all="ignore"):
            outputs = as_outputs(target, predict(case))
    # A mistaken formula may be undefined anywhere (an index past T, 1/0, a shape): there it
    # predicts nothing, and a diagnosis is never worth losing the verdict over.
    except Exception:  # noqa: BLE001
        return None
    if len(outputs) != len(target.outputs) or not all(np.all(np.isfinite(o)) for o in outputs):
        return None
    return outputs


def _shifted(target: CodeTarget, delta: int) -> Predictor:
    return lambda case: target.reference({**case, "t": case["t"] + delta})


def _rescaled(target: CodeTarget) -> Predictor:
    def predict(case: Case):
        betas = improved_diffusion_schedule("linear", len(case["betas"])).betas
        return target.reference({**case, "betas": betas})
    return predict


def _scaled(target: CodeTarget, output: int, factor: Callable[[Case], float]) -> Predictor:
    def predict(case: Case):
        outputs = as_outputs(target, target.reference(case))
        outputs[output] = outputs[output] * factor(case)
        return tuple(outputs) if len(outputs) > 1 else outputs[0]
    return predict


def _snr(case: Case) -> float:
    return float(Schedule(case["betas"]).snr[case["t"] - 1])


def _elements(target: CodeTarget, case: Case) -> int:
    sizes = [case[name].size for name in target.arguments
             if isinstance(case.get(name), np.ndarray) and name != "betas"]
    if not sizes:
        raise ValueError("no array argument")
    return max(sizes)


def _constant_ratio(evidence: Evidence) -> tuple[int, float] | None:
    """``(output, c)`` when one output is ``c`` times the reference's on every failing case (and
    every other output agrees); ``None`` otherwise."""
    target = evidence.target
    for output in range(len(target.outputs)):
        ratios = []
        for expected, got, failed in zip(evidence.expected, evidence.got, evidence.failed):
            if not failed or got is None:
                continue
            try:
                want = np.broadcast_to(expected[output], got[output].shape)
            except ValueError:
                return None
            usable = np.isfinite(got[output]) & (np.abs(want) > 1e-300)
            ratios.append((got[output][usable] / want[usable]).ravel())
        ratio = np.concatenate(ratios) if ratios else np.empty(0)
        if ratio.size == 0 or not np.all(np.isfinite(ratio)):
            continue
        c = float(np.median(ratio))
        if c != 0 and abs(c - 1) > 1e-6 and np.allclose(ratio, c, rtol=RTOL, atol=0.0):
            factor = _scaled(target, output, lambda case: c)
            if _explains(evidence, factor):
                return output, c
    return None


def _float32(evidence: Evidence) -> bool:
    """Every value returned is a float32 number, and most failures are within float32's reach."""
    returned = [g for g in evidence.got if g is not None]
    failing = [(e, g) for e, g, f in zip(evidence.expected, evidence.got, evidence.failed)
               if f and g is not None]
    if not failing:
        return False
    for outputs in returned:
        for value in outputs:
            if not np.array_equal(value.astype(np.float32).astype(np.float64), value):
                return False
    close = sum(all(_near(w, g) for w, g in zip(expected, got)) for expected, got in failing)
    return 2 * close >= len(failing)


def _near(want: np.ndarray, got: np.ndarray) -> bool:
    """Within FLOAT32_RTOL of the output's own scale (its largest magnitude)."""
    try:
        error = np.abs(got - want)
    except ValueError:
        return False
    return bool(np.all(error <= FLOAT32_RTOL * np.max(np.abs(want), initial=0.0) + FLOAT32_ATOL))


def _only_at_t_1(evidence: Evidence) -> bool:
    """Every failing case has t = 1, one of them in a schedule longer than one step (else it is
    T = 1 that fails, which its regime's hint explains), and some case with t > 1 passes."""
    if "t" not in evidence.target.arguments or "betas" not in evidence.target.arguments:
        return False
    failing = [case for case, failed in zip(evidence.cases, evidence.failed) if failed]
    return (all(case["t"] == 1 for case in failing)
            and any(len(case["betas"]) > 1 for case in failing)
            and any(not failed and case["t"] > 1
                    for case, failed in zip(evidence.cases, evidence.failed)))


def _only_regime(evidence: Evidence) -> Diagnosis | None:
    """The hint of the one regime every failure lies in, when another regime passes."""
    failing = {name for name, failed in zip(evidence.regimes, evidence.failed) if failed}
    if len(failing) != 1 or set(evidence.regimes) == failing:
        return None
    (name,) = failing
    hint = next((r.hint for r in evidence.target.regimes if r.name == name), "")
    return Diagnosis(f"fails only in the regime {name!r}", hint) if hint else None
