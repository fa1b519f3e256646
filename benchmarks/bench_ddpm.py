"""DDPM sampling throughput with the exact score of a Gaussian mixture: fast loop against plain.

Ancestral sampling (Ho et al. 2020, Alg. 2), linear schedule 1e-4..0.02, target the ring of 8
Gaussians (radius 2, std 0.05).  Rows:

- fast, 1 thread: ``numeric.fast_score.ddpm_sample_fast`` (chunked, preallocated buffers, two
  small matrix products per chunk, update fused into the chunk loop);
- fast, 2 threads: the same with the particles split over two threads;
- plain: ``numeric.samplers.ddpm_sample`` with ``GaussianMixture.noised(ᾱ_t).score``, the
  vectorised form with (N, K, D) temporaries.

Each time is the median of ``--repeats`` runs in this process; particle-steps/s = N·T/seconds.
CPU seconds (all threads) are printed too: on a shared machine, wall time above CPU time per
thread means the process waited for a core.  Then a scaling table of the fast loop in N, K, T.

    python3 benchmarks/bench_ddpm.py [--quick] [--particles N] [--steps T] [--repeats R]

Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from genverify.numeric.fast_score import default_chunk, ddpm_sample_fast  # noqa: E402
from genverify.numeric.gmm import GaussianMixture, grid, ring  # noqa: E402
from genverify.numeric.samplers import ddpm_sample  # noqa: E402
from genverify.numeric.schedules import linear_schedule  # noqa: E402


def blas_report() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        env = {k: os.environ[k] for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS") if k in os.environ}
        return f"threadpoolctl not installed; BLAS thread variables: {env or 'unset (BLAS default)'}"
    pools = [f"{p['internal_api']} {p.get('version')} ({p['user_api']}), {p['num_threads']} threads"
             for p in threadpool_info()]
    return "; ".join(pools) or "no BLAS/OpenMP pool loaded"


def timed(run, repeats: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (process, all threads) over ``repeats`` runs."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def fast_run(mixture: GaussianMixture, n: int, steps: int, threads: int):
    schedule = linear_schedule(steps)
    return lambda: ddpm_sample_fast(mixture, schedule, rng=np.random.default_rng(0), n=n, n_threads=threads)


def plain_run(mixture: GaussianMixture, n: int, steps: int):
    schedule = linear_schedule(steps)

    def score(x, t):
        return mixture.noised(schedule.alpha_bars[t - 1]).score(x)

    return lambda: ddpm_sample(score, schedule, rng=np.random.default_rng(0), n=n, dim=mixture.dim)


def row(label: str, n: int, steps: int, K: int, wall: float, cpu: float) -> tuple[str, float]:
    rate = n * steps / wall
    return f"| {label} | {n} | {steps} | {K} | {wall:.2f} | {cpu:.2f} | {rate / 1e6:.2f} M |", rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat: a smoke run")
    parser.add_argument("--particles", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="threads of the multi-threaded fast row")
    args = parser.parse_args(argv)
    if args.quick:
        args.particles, args.steps, args.repeats = 4000, 50, 1
    if min(args.particles, args.steps, args.repeats, args.threads) < 1:
        parser.error("particles, steps, repeats and threads must be positive")

    mixture = ring(8, 2.0, 0.05)
    print(f"cores: {os.cpu_count()}; load average at start: {os.getloadavg()[0]:.2f}; numpy {np.__version__}")
    print(f"BLAS: {blas_report()}")
    print(f"chunk: {default_chunk(8)} particles (K = 8); per-chunk matrix products are at most "
          f"{default_chunk(8) * 8 * 4} multiply-adds, below OpenBLAS's multithreading threshold, so "
          "BLAS threads stay idle and the only parallelism is ours\n")

    N, T, R = args.particles, args.steps, args.repeats
    print(f"Throughput, ring of 8 Gaussians, median of {R}")
    print("| sampler | particles | steps | K | seconds | CPU seconds | particle-steps/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    text, fast1 = row("fast, 1 thread", N, T, 8, *timed(fast_run(mixture, N, T, 1), R))
    print(text, flush=True)
    text, fast_n = row(f"fast, {args.threads} threads", N, T, 8, *timed(fast_run(mixture, N, T, args.threads), R))
    print(text, flush=True)
    text, plain = row("plain (N×K×D temporaries)", N, T, 8, *timed(plain_run(mixture, N, T), R))
    print(text, flush=True)
    print(f"\nspeed-up over plain: {fast1 / plain:.1f}× (1 thread), {fast_n / plain:.1f}× ({args.threads} threads)\n")

    small = max(N // 10, 1000)
    short = max(T // 5, 10)
    cases = [
        *[("particles", ring(8, 2.0, 0.05), n, short) for n in (small // 10, small, N)],
        *[("components", m, small, short) for m in (ring(8, 2.0, 0.05), grid(5, 1.0, 0.05), ring(64, 2.0, 0.05))],
        *[("steps", ring(8, 2.0, 0.05), small, t) for t in (short // 2, short, T)],
    ]
    print(f"Scaling of the fast loop, 1 thread, median of {R}")
    print("| varies | particles | steps | K | seconds | CPU seconds | particle-steps/s | ns per particle-step per component |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for varies, m, n, t in cases:
        wall, cpu = timed(fast_run(m, n, t, 1), R)
        text, rate = row(varies, n, t, m.n_components, wall, cpu)
        print(f"{text} {1e9 / rate / m.n_components:.1f} |", flush=True)
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
