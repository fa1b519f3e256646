"""Training time and mode coverage of the NumPy GAN on the ring of 8 Gaussians.

Target: 8 equal-weight modes at radius 2, angles 2πk/8, std 0.02 by default (VEEGAN,
Srivastava et al. 2017, §5.1).  For each iteration count, one seeded run of
``numeric.gan.train_gan`` is timed, and 2500 generator samples are scored with VEEGAN's
metrics (modes covered, fraction of high-quality samples within 3 std of a mode), and by a
two-sample test against the target (unbiased MMD² with an RBF kernel, permutation p-value, on
1000 generator against 1000 target samples).

    python3 benchmarks/bench_gan.py [--iterations 2000 4000 8000 16000] [--std 0.02] [--seed 0]

Prints a Markdown table.
"""

from __future__ import annotations

import os

# The networks are small (batch 128, width 64): a multithreaded BLAS spends more time
# waking threads than multiplying, ten times slower on a busy 2-core machine.  Must be set
# before NumPy loads its BLAS.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from genverify.numeric import gan, gmm, stats  # noqa: E402

N_EVAL = 2500  # VEEGAN scores 2500 samples per model.


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, nargs="+", default=[2000, 4000, 8000, 16000])
    parser.add_argument("--std", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=128)
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.iterations) or not args.std > 0:
        parser.error("iterations must be positive and std must be > 0")

    target = gmm.ring(8, 2.0, args.std)
    modes, sample_real = target.means, target.sample

    print(f"ring of 8 Gaussians, radius 2, std {args.std}; G, D: MLP (64, 64) leaky-ReLU; "
          f"Adam lr 1e-3; batch {args.batch_size}; seed {args.seed}; {N_EVAL} samples scored\n")
    print("| iterations | seconds | ms/iter | modes covered (of 8) | high-quality fraction | MMD² | p-value |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n_iter in args.iterations:
        start = time.perf_counter()
        run = gan.train_gan(sample_real, np.random.default_rng(args.seed), hidden=(64, 64), n_iter=n_iter,
                            batch_size=args.batch_size, snapshot_at=(n_iter,), n_snapshot=N_EVAL)
        seconds = time.perf_counter() - start
        samples = run.snapshots[n_iter]
        metrics = gan.mode_metrics(samples, modes, args.std)
        rng_test = np.random.default_rng(args.seed + 1)
        test = stats.mmd_permutation_test(samples[:1000], sample_real(1000, rng_test), rng=rng_test,
                                          n_permutations=200)
        print(f"| {n_iter} | {seconds:.1f} | {1e3 * seconds / n_iter:.2f} | {metrics.modes_covered} "
              f"| {metrics.hq_fraction:.3f} | {test.statistic:.4f} | {test.p_value:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
