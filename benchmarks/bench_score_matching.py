"""Training time and score error of denoising score matching on the ring of 8 Gaussians.

For each iteration count, one seeded run of ``numeric.score_matching.train_dsm`` (ε-prediction,
noise levels ᾱ_t of ``linear_schedule(1000)`` drawn uniformly) is timed, and the learned score
is compared with the exact score of the noised ring at a few steps t: the relative L2 error
weighted by the noised density, ``relative_score_error`` with 10 000 draws.

    python3 benchmarks/bench_score_matching.py [--iterations 1000 2000 4000 8000] [--hidden 64 64] [--seed 0]

Prints a Markdown table.
"""

from __future__ import annotations

import os

# The networks are small: a multithreaded BLAS spends more time waking threads than
# multiplying (30× slower on a busy 2-core machine).  Must be set before NumPy loads its BLAS.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from genverify.numeric.gmm import ring  # noqa: E402
from genverify.numeric.schedules import linear_schedule  # noqa: E402
from genverify.numeric.score_matching import relative_score_error, train_dsm  # noqa: E402

STEPS = (10, 50, 100, 200, 400, 700, 1000)
N_EVAL = 10_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, nargs="+", default=[1000, 2000, 4000, 8000])
    parser.add_argument("--hidden", type=int, nargs="+", default=[64, 64])
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    schedule = linear_schedule(1000)
    mixture = ring()
    header = " | ".join(f"t={t} (ᾱ={schedule.alpha_bars[t - 1]:.3g})" for t in STEPS)
    print(f"| iterations | seconds | {header} |")
    print("|---:|---:|" + "---:|" * len(STEPS))
    for n_iterations in args.iterations:
        rng = np.random.default_rng(args.seed)
        start = time.perf_counter()
        training = train_dsm(mixture, schedule.alpha_bars, rng=rng, hidden=tuple(args.hidden),
                             n_iterations=n_iterations, batch_size=args.batch_size, lr=args.lr)
        seconds = time.perf_counter() - start
        errors = []
        for t in STEPS:
            alpha_bar = float(schedule.alpha_bars[t - 1])
            errors.append(relative_score_error(lambda x, a=alpha_bar: training.model.score(x, a),
                                               mixture, alpha_bar, n=N_EVAL, rng=rng))
        print(f"| {n_iterations} | {seconds:.1f} | " + " | ".join(f"{e:.3f}" for e in errors) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
