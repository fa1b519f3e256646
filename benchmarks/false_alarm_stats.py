"""False-alarm rate of the MMD permutation test (numeric.stats) at α = 0.05, measured.

Under the null both samples come from one law: the ring of 8 Gaussians (radius 2, std 0.05)
with the median-heuristic bandwidth and with the fixed bandwidth 0.5 used by the sampler tests,
and a 2-D standard Gaussian.  Each trial draws both samples and its permutations from its own
stream (``rng.spawn``).  The test is exact, so the rejection rate should be at most α; with
B permutations, P(p ≤ α) = ⌊α(B+1)⌋/(B+1) exactly for continuous data (0.05 for B = 99, 199,
999).  The binomial SE is √(r(1−r)/trials).

    python3 benchmarks/false_alarm_stats.py [--trials 1000] [--n 200] [--permutations 199] [--seed 0]

Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from genverify.numeric.gmm import GaussianMixture, ring  # noqa: E402
from genverify.numeric.stats import mmd_permutation_test  # noqa: E402

ALPHA = 0.05


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--n", type=int, default=200, help="points per sample")
    parser.add_argument("--permutations", type=int, default=199)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.trials < 200 or args.n < 2 or args.permutations < 1:
        parser.error("need trials ≥ 200, n ≥ 2 and permutations ≥ 1")

    cases = [
        ("ring of 8, median heuristic", ring(8, 2.0, 0.05), None),
        ("ring of 8, bandwidth 0.5", ring(8, 2.0, 0.05), 0.5),
        ("2-D standard Gaussian, median heuristic", GaussianMixture([1.0], [[0.0, 0.0]], [1.0]), None),
    ]
    exact = np.floor(ALPHA * (args.permutations + 1)) / (args.permutations + 1)
    print(f"α = {ALPHA}; {args.trials} trials per case; n = {args.n} per sample; "
          f"{args.permutations} permutations (exact size {exact:.4f}); seed {args.seed}\n")
    print("| null case | rejections | rate | binomial SE | (rate − α)/SE | seconds |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, target, bandwidth in cases:
        start = time.perf_counter()
        rejections = sum(
            mmd_permutation_test(
                target.sample(args.n, rng), target.sample(args.n, rng), rng=rng,
                n_permutations=args.permutations, bandwidth=bandwidth,
            ).p_value <= ALPHA
            for rng in np.random.default_rng(args.seed).spawn(args.trials)
        )
        rate = rejections / args.trials
        se = np.sqrt(rate * (1 - rate) / args.trials)
        z = (rate - ALPHA) / se if se > 0 else float("nan")
        print(f"| {name} | {rejections} | {rate:.4f} | {se:.4f} | {z:+.2f} | {time.perf_counter() - start:.1f} |",
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
