"""Run results' proofs and Monte Carlo cross-checks from one seed, as ``genverify check`` does.

``genverify check`` and ``genverify docs`` both call ``check_results``, so the site's tables
show the numbers the command prints for the same ``--seed`` and profile.

Every run re-proves everything: nothing is cached between runs.  The proofs (and the
cross-checks) run as independent tasks on ``processes`` worker processes; each task draws from
its own child of the seed, so the verdicts do not depend on the number of processes or on the
order in which tasks finish.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from genverify.derivations.engine import Derivation, Report, StepReport, Verdict, check
from genverify.numeric.crosschecks import CHECKS, PROFILES, REFERENCE, CrossCheck, Outcome
from genverify.registry import Result

#: Worker processes of ``genverify check``: the proofs are CPU-bound SymPy, one per core of a
#: two-core machine.
PROCESSES = 2


#: The derivations being checked, by result id: set by ``check_results`` before the workers fork,
#: so they inherit the parent's objects (imports and SymPy's cache included) instead of building
#: their own, and each report pairs its verdicts with the very derivation that was checked.
_DERIVATIONS: dict[str, Derivation] = {}


@dataclass(frozen=True)
class _Proof:
    """What a worker sends back: verdicts and timings only (derivations hold SymPy objects, fresh
    ``Dummy`` symbols and custom ``Basic`` subclasses, that do not survive pickling)."""

    steps: tuple[tuple[Verdict, float], ...]
    claim: Verdict
    seconds: float


def _prove(result_id: str, rng: np.random.Generator) -> _Proof:
    report = check(_DERIVATIONS[result_id], rng)
    return _Proof(tuple((s.verdict, s.seconds) for s in report.steps), report.claim, report.seconds)


def _cross_check(index: int, rng: np.random.Generator, n: int) -> Outcome:
    return CHECKS[index].run(REFERENCE, rng, n)


def _report(derivation: Derivation, proof: _Proof) -> Report:
    steps = tuple(StepReport(step, verdict, seconds) for step, (verdict, seconds) in zip(derivation.steps, proof.steps))
    return Report(derivation, steps, proof.claim, proof.seconds)


class _InProcess:
    """The executor interface, run on the spot: ``processes=1`` without a pool."""

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        future.set_result(fn(*args))
        return future

    def shutdown(self) -> None:
        pass


def check_results(results: list[Result], seed: int, profile: str, progress: bool = True,
                  processes: int | None = None
                  ) -> tuple[list[Report], list[tuple[CrossCheck, Outcome]], np.random.Generator]:
    """Each result's proof report, each cross-check's outcome (in registry order), and a
    generator for further engine checks (the docs refute the mutants with it).

    The seed splits into one stream for the proofs, one for the cross-checks and one returned;
    each proof and each cross-check gets its own child, so adding one does not change the
    others' draws, and ``processes`` (default ``PROCESSES``) changes the speed, never a verdict.
    """
    processes = PROCESSES if processes is None else processes
    proof_rng, mc_rng, further_rng = np.random.default_rng(seed).spawn(3)
    _DERIVATIONS.clear()
    _DERIVATIONS.update((r.id, r.derivation()) for r in results)
    checks = [c for result in results for c in result.crosschecks]
    n = PROFILES[profile]
    # Forked workers inherit the imported SymPy and registry; a fresh interpreter per worker
    # would pay the imports again, which cost as much as the proofs they would share.
    pool = (ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"))
            if processes > 1 else _InProcess())
    try:
        # Proofs first: they are the long tasks, and the cross-checks fill in behind them.
        proofs = [pool.submit(_prove, r.id, rng) for r, rng in zip(results, proof_rng.spawn(len(results)))]
        outcomes = [pool.submit(_cross_check, CHECKS.index(c), rng, n)
                    for c, rng in zip(checks, mc_rng.spawn(len(checks)))]
        with tqdm(total=len(proofs) + len(outcomes), desc="proofs and cross-checks", unit="task", leave=False,
                  disable=None if progress else True) as bar:
            for future in [*proofs, *outcomes]:
                future.add_done_callback(lambda _: bar.update())
            reports = [_report(_DERIVATIONS[r.id], f.result()) for r, f in zip(results, proofs)]
            outcomes = [(c, f.result()) for c, f in zip(checks, outcomes)]
    finally:
        pool.shutdown()
    return reports, outcomes, further_rng
