"""Sweep throughput: points per second on a 100 x 100 grid of the London scenario.

Not a test: it prints numbers. Run ``python benchmarks/bench_sweep.py`` (``--help`` for the
sizes). The same grid (``elasticity`` x ``backdown_cost_us`` over their ranges, every point
with equilibria, truce thresholds, a 1,000-run survival simulation and the Nash deal) is
swept serially and then on all local cores, in this run; it prints points per second for
each, the speed-up ratio, and checks that both give identical points (same seed).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sim.analyses import points as pt
from sim.analyses import sweep as cs
from sim.analyses import sweep as sg
from sim.parallel import available_cores, run_tasks, task_seeds
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def sweep(ctx: pt.Context, tasks: list[pt.Task], workers: int) -> tuple[float, list[pt.Point]]:
    start = time.perf_counter()
    points = run_tasks(pt.run_task, ctx, tasks, workers=workers)
    return time.perf_counter() - start, points


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100, help="grid points per variable (n x n)")
    ap.add_argument("--runs", type=int, default=1000, help="survival runs per point")
    ap.add_argument("--workers", type=int, default=None, help="parallel workers (all cores)")
    args = ap.parse_args()
    scenario = load_scenario(ROOT / "scenarios" / "london-2025.toml")
    axes = [cs.make_axis(scenario, "elasticity", n=args.n),
            cs.make_axis(scenario, "backdown_cost_us", n=args.n)]
    ctx = pt.context_for(scenario, pt.Settings(runs=args.runs))
    tasks = sg.grid_tasks(axes, task_seeds(0, args.n * args.n))
    workers = args.workers or available_cores()
    print(f"London 2025, {args.n} x {args.n} = {len(tasks):,} points, {args.runs} survival "
          f"runs per point; {workers} worker(s) for the parallel run")
    serial_s, serial = sweep(ctx, tasks, 1)
    print(f"serial:     {serial_s:8.2f} s  {len(tasks) / serial_s:10.1f} points/s")
    par_s, par = sweep(ctx, tasks, workers)
    print(f"{workers} workers:  {par_s:8.2f} s  {len(tasks) / par_s:10.1f} points/s")
    print(f"speed-up: {serial_s / par_s:.2f}x on {workers} cores "
          f"(identical points: {serial == par})")


if __name__ == "__main__":
    main()
