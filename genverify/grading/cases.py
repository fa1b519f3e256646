"""Reproducible, stratified cases for ``grade-code``: a pure function of (target, seed, version).

Each :class:`~.contract.Regime` of a target draws its fixed number of cases from its own
``np.random.default_rng``, seeded by ``np.random.SeedSequence`` from the grading seed and a
SHA-256 of (target name, regime name).  Nothing else enters: no global random state, no
Hypothesis database, no dependence on which modules are imported, so the Python API, the CLI,
a batch worker and an autograder container draw the same cases for the same seed (a genverify
release may change them; the report carries the seed).

The helpers below build the regimes the diffusion contracts share (:func:`schedule_regimes`):
readable round numbers (shown first as counterexamples), T = 1, short schedules, T = 1000
linear (Ho et al. 2020, §4) and cosine (Nichol & Dhariwal 2021, eq. 17), linear schedules with
fewer steps (where improved-diffusion's 1000/T rescaling differs), extreme schedules (β̄_t
underflowing to 0, or β_t ≈ 1e-6 where 1 - β̄_t cancels) and broadcast shapes.  Cases are plain
data (ints, floats, float64 arrays); :func:`wire_case` encodes one for the sandboxed child and
:func:`readable` shows one to a person.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable

import numpy as np

from genverify.numeric.schedules import cosine_schedule, linear_schedule

from .contract import Case, CodeTarget, Regime

#: The regime whose failures are shown first: its inputs are small round numbers.
READABLE = "readable"

#: How arrays in a case are shaped: small integer vectors, one random shape, or shapes that
#: broadcast against each other without being equal.
ROUND, RANDOM, BROADCAST = "round", "random", "broadcast"

#: Shape pairs that broadcast to a third shape; the first entry is the larger argument.
_BROADCAST_PAIRS = (((3, 1), (1, 4)), ((2, 3), (3,)), ((), (2, 2)), ((4, 1, 2), (3, 1)),
                    ((2, 1), (2, 3)), ((1,), (5,)))


def regime_rng(seed: int, target: str, regime: str) -> np.random.Generator:
    """The generator of one regime: a function of (seed, target name, regime name) only."""
    digest = hashlib.sha256(f"{target}\x00{regime}".encode()).digest()
    words = [int(seed), *np.frombuffer(digest, dtype="<u4").tolist()]
    return np.random.default_rng(np.random.SeedSequence(words))


def draw_cases(target: CodeTarget, seed: int = 0) -> list[tuple[str, Case]]:
    """Every regime's cases, in regime order: ``(regime name, case)`` pairs."""
    if not (isinstance(seed, int) and seed >= 0):
        raise ValueError(f"the seed must be a whole number >= 0, got {seed!r}")
    drawn: list[tuple[str, Case]] = []
    for regime in target.regimes:
        rng = regime_rng(seed, target.name, regime.name)
        drawn += [(regime.name, regime.draw(rng)) for _ in range(regime.count)]
    return drawn


def round_robin(drawn: list[tuple[str, Case]], limit: int) -> list[tuple[str, Case]]:
    """The first ``limit`` cases taking one from each regime in turn (a quick, partial grading)."""
    by_regime: dict[str, list[Case]] = {}
    for name, case in drawn:
        by_regime.setdefault(name, []).append(case)
    chosen: list[tuple[str, Case]] = []
    for index in range(max(map(len, by_regime.values()), default=0)):
        chosen += [(name, cases[index]) for name, cases in by_regime.items() if index < len(cases)]
    return chosen[:limit]


# ---------------------------------------------------------------- schedules and times


def readable_betas(rng: np.random.Generator) -> np.ndarray:
    """T ∈ {2, 3, 4} steps, each β_t one of 0.1, 0.2, 0.25, 0.5: β̄_t stays a short decimal."""
    return rng.choice([0.1, 0.2, 0.25, 0.5], size=int(rng.integers(2, 5)))


def short_betas(rng: np.random.Generator) -> np.ndarray:
    """2 ≤ T ≤ 10, β_t log-uniform in [1e-3, 0.5]."""
    return 10.0 ** rng.uniform(-3.0, math.log10(0.5), size=int(rng.integers(2, 11)))


def fewer_step_linear_betas(rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """Ho's endpoints 1e-4 and 0.02 over T < 1000 steps, unscaled (the homework's convention)."""
    T = int(rng.choice([50, 100, 200, 250, 500]))
    return linear_schedule(T).betas, f"linear 1e-4..0.02, T = {T}"


def extreme_betas(rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """Half: T = 1000 with β_t ∈ [0.5, 0.9], so β̄_t underflows (≈ e^-1200 at t = T).  Half:
    T = 1000 with β_t ∈ [1e-6, 1e-5], where 1 - β̄_t = 1 - ∏(1-β_i) is tiny."""
    if rng.random() < 0.5:
        return rng.uniform(0.5, 0.9, size=1000), "T = 1000, β_t in [0.5, 0.9]: β̄_t underflows"
    return 10.0 ** rng.uniform(-6.0, -5.0, size=1000), "T = 1000, β_t in [1e-6, 1e-5]"


def draw_t(rng: np.random.Generator, T: int, first: int = 1) -> int:
    """``t`` in first..T: each end with probability 1/5 (off-by-one mistakes show there)."""
    u = rng.random()
    if u < 0.2:
        return first
    if u < 0.4:
        return T
    return int(rng.integers(first, T + 1))


def arrays(rng: np.random.Generator, kind: str, count: int) -> list[np.ndarray]:
    """``count`` float64 arrays that broadcast together (see :data:`ROUND` and friends)."""
    if kind == ROUND:
        return [rng.integers(-3, 4, size=2).astype(np.float64) for _ in range(count)]
    if kind == BROADCAST:
        pair = _BROADCAST_PAIRS[int(rng.integers(len(_BROADCAST_PAIRS)))]
        shapes = [pair[i % 2] for i in range(count)]
    else:
        shape = tuple(int(n) for n in rng.integers(1, 5, size=int(rng.integers(0, 4))))
        shapes = [shape] * count
    return [rng.normal(0.0, 3.0, size=s) for s in shapes]


#: ``make(rng, betas, t, kind)`` completes a case from its schedule and time.
CaseMaker = Callable[[np.random.Generator, np.ndarray, int, str], Case]


def schedule_regimes(make: CaseMaker, *, first_t: int = 1, broadcast: bool = True) -> tuple[Regime, ...]:
    """The regimes of a target whose inputs include ``t`` and ``betas`` (≈ 60 cases).

    ``first_t`` is the smallest valid t, 1 or 2 (2 for a term that starts at t = 2; then the
    smallest schedule regime is T = 2 instead of T = 1).  ``broadcast=False`` for targets without arrays.
    """

    # t = 1 (where β̄_0 = 1) is a regime of its own; elsewhere t starts at 2, so a mistake made
    # only at t = 1 costs that regime's credit (and T = 1's), not every regime's.
    later = 2 if first_t == 1 else first_t

    def regime(name: str, count: int, schedule, kind: str = RANDOM, hint: str = "",
               first: int = later, only_first: bool = False) -> Regime:
        def draw(rng: np.random.Generator) -> Case:
            betas, label = schedule(rng)
            t = first if only_first else draw_t(rng, len(betas), first)
            return {**make(rng, betas, t, kind), "schedule": label}
        return Regime(name, count, draw, hint)

    def any_schedule(rng: np.random.Generator) -> tuple[np.ndarray, str]:
        """A short, a T = 1000 linear or a T = 1000 cosine schedule."""
        kind = int(rng.integers(3))
        if kind == 0:
            return short_betas(rng), "random, T ≤ 10"
        if kind == 1:
            return linear_schedule(1000).betas, "linear 1e-4..0.02, T = 1000"
        return cosine_schedule(1000).betas, "cosine, T = 1000"

    def labelled(betas_of, label):
        return lambda rng: (betas_of(rng), label)

    smallest = f"T = {first_t}"
    regimes = [
        regime(READABLE, 6, labelled(readable_betas, "round numbers"), ROUND, first=first_t),
        regime(smallest, 6, labelled(lambda rng: rng.uniform(1e-4, 0.999, size=first_t), smallest),
               hint=f"Only the shortest schedules (T = {first_t}) fail: the arrays have {first_t} "
                    "element(s) there, so slicing or indexing from the end (betas[1:], "
                    "alpha_bar[-2]) breaks.", first=first_t),
    ]
    if first_t == 1:
        regimes.append(regime("t = 1 of longer schedules", 6, any_schedule, first=1, only_first=True,
                              hint="Only t = 1 fails: there β̄_{t-1} = β̄_0 = 1, the empty product."))
    regimes += [
        regime("short schedules (T ≤ 10)", 8, labelled(short_betas, "random, T ≤ 10")),
        regime("T = 1000 linear", 7, labelled(lambda rng: linear_schedule(1000).betas,
                                              "linear 1e-4..0.02, T = 1000")),
        regime("linear, 50 ≤ T ≤ 500", 6, fewer_step_linear_betas,
               hint="Only linear schedules with T < 1000 fail: use the betas passed in as given "
                    "(no 1000/T rescaling, no schedule rebuilt from T)."),
        regime("T = 1000 cosine", 7, labelled(lambda rng: cosine_schedule(1000).betas,
                                              "cosine, T = 1000")),
        regime("extreme (β̄_t underflows, or β_t ≈ 1e-6)", 8, extreme_betas,
               hint="Only extreme schedules fail: where β̄_t underflows to 0 nothing may divide by "
                    "β̄_t, and where β_t ≈ 1e-6 the difference 1 - β̄_t must keep its precision "
                    "(-expm1 of Σ log1p(-β_i))."),
    ]
    if broadcast:
        regimes.append(regime("broadcast shapes", 8,
                              labelled(lambda rng: 10.0 ** rng.uniform(-4.0, -0.5, size=int(rng.integers(2, 101))),
                                       "random, T ≤ 100"), BROADCAST,
                              hint="Only broadcast shapes fail: the array arguments need not have "
                                   "one shape, only shapes that broadcast together as in NumPy's "
                                   "own arithmetic."))
    return tuple(regimes)


# ---------------------------------------------------------------- plain data


def to_wire(value):
    """An array as ``{"shape", "data"}`` (the child's protocol); numbers as JSON numbers."""
    if isinstance(value, np.ndarray):
        return {"shape": list(value.shape), "data": value.astype(np.float64).ravel().tolist()}
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def wire_case(target: CodeTarget, case: Case) -> dict:
    """The message the child needs for one case: the positional arguments, and the prior's data."""
    wire: dict = {"args": [to_wire(case[name]) for name in target.arguments
                           if name != target.gaussian_score_argument]}
    if target.gaussian_score_argument:
        wire["prior"] = {"mean": to_wire(case["prior_mean"]),
                         "variance": to_wire(case["prior_variance"])}
    return wire


def readable(value):
    """JSON-safe and short: small arrays as nested lists, long ones summarised, non-finite
    numbers as strings."""
    if isinstance(value, dict):
        return {k: readable(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [readable(v) for v in value]
    if isinstance(value, np.ndarray):
        if value.size > 12:
            flat = value.ravel()
            return {"shape": list(value.shape), "first": readable(flat[:4]),
                    "last": readable(flat[-1])}
        return readable(value.tolist())
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else str(float(value))
    if isinstance(value, np.integer):
        return int(value)
    return value


def size(case: Case) -> int:
    """How many numbers a case holds: smaller counterexamples are shown first."""
    return sum(np.size(v) for v in case.values() if isinstance(v, (np.ndarray, int, float)))
