"""Throughput of the noisy truce simulation, and the ratio against the Axelrod library.

Not a test: it prints numbers. Run ``python benchmarks/bench_truce.py`` (``--help`` for the
sizes). Part 1: run-periods per second at 100,000 runs x 90 daily periods for every strategy
of the library against itself (target: at least 30 million), with the peak memory traced.
Part 2, when the ``axelrod`` library is installed (``pip install -e '.[bench]'``, which pins
the CPU build of torch it needs): the same noisy prisoner's dilemma match-ups (T=5, R=3,
P=1, S=0; implementation noise on both sides; same number of matches and turns), timed in
this run with both tools (target: at least 200x).

Part 3: the truce model (``sim.solvers.truce_model``) with shocks, deliberate breaches on
four issues per side, two-way noise, a public signal with a trigger and finite punishments
(target: at least 30 million run-periods per second too).

Noise differs slightly in kind: Axelrod's ``noise`` flips any action, ours turns a meant
compliance into a breach only; the work per turn is the same.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

from sim.solvers import truce_model as tm
from sim.solvers import truce_sampler as ts
from sim.solvers.strategies import make_strategy
from sim.solvers.truce import simulate_truce, truce_game

PD = np.array([[[3, 0], [5, 1]], [[3, 5], [0, 1]]], dtype=float)
OURS = ("comply", "breach", "grim", "tft", "gtft", "wsls", "limited", "ctft")
# our name -> the Axelrod library's class name
AXELROD = {"comply": "Cooperator", "breach": "Defector", "grim": "Grudger", "tft": "TitForTat",
           "gtft": "GTFT", "wsls": "WinStayLoseShift", "ctft": "ContriteTitForTat"}


def ours(name: str, runs: int, periods: int, noise: float, seed: int = 0) -> float:
    """Seconds for one simulation of ``name`` against itself."""
    pair = (make_strategy(name), make_strategy(name))
    game = truce_game(PD, (0, 0))
    start = time.perf_counter()
    simulate_truce(game, pair, periods=periods, runs=runs, rng=np.random.default_rng(seed),
                   noise_implementation=noise, noise_perception=noise)
    return time.perf_counter() - start


def best_of(n: int, f, *args) -> float:
    return min(f(*args) for _ in range(n))


def peak_bytes(name: str, runs: int, periods: int, noise: float) -> int:
    tracemalloc.start()
    ours(name, runs, periods, noise)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def axelrod_seconds(axl, name: str, matches: int, turns: int, noise: float) -> float:
    cls = getattr(axl, AXELROD[name])
    start = time.perf_counter()
    for seed in range(matches):
        axl.Match((cls(), cls()), turns=turns, noise=noise, seed=seed).play()
    return time.perf_counter() - start


def model_sides(samples: int = 2048, issues: int = 4, seed: int = 0) -> tuple[tm.Side, tm.Side]:
    """Two sides with ``issues`` breach options each, gains shocked per sample, accusations
    both ways and a public signal on the first issue; punished for 2 and 3 periods."""
    rng = np.random.default_rng(seed)
    out = []
    for length in (2, 3):
        gains = rng.uniform(-1.0, 2.0, (samples, issues))
        coop = rng.uniform(0.0, 1.0, (samples, issues + 1, issues + 1))
        coop[:, 1:, 0] = coop[:, :1, 0] + gains
        signal = np.r_[0.03, 0.6, np.zeros(issues - 1)]
        perceive = np.r_[0.05, np.full(issues, 0.7)]
        out.append(tm.Side(
            issues=tuple(f"issue{k}" for k in range(issues)), gains=gains, coop=coop,
            punished=np.zeros(samples), punishing=np.ones(samples),
            collapse=np.full(samples, -1.0), fallback=np.full(samples, -1.0),
            loss=np.full(issues, 1.2), perceive=perceive, signal=signal, slip=1,
            noise_comply=0.05, noise_breach=0.1, length=length))
    return out[0], out[1]


def model_seconds(runs: int, periods: int, seed: int = 0) -> float:
    sides = model_sides()
    start = time.perf_counter()
    ts.simulate(sides, periods=periods, runs=runs, rng=np.random.default_rng(seed),
                delta=0.95)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=100_000)
    ap.add_argument("--periods", type=int, default=90)
    ap.add_argument("--noise", type=float, default=0.05)
    ap.add_argument("--matches", type=int, default=500,
                    help="matches per pair for the Axelrod comparison (both tools)")
    ap.add_argument("--repeat", type=int, default=3, help="best of this many timings")
    ap.add_argument("--no-axelrod", action="store_true")
    args = ap.parse_args()

    work = args.runs * args.periods
    print(f"Part 1: {args.runs:,} runs x {args.periods} periods, noise {args.noise} "
          "(implementation and perception), each strategy against itself")
    print(f"{'pair':<10} {'seconds':>8} {'M run-periods/s':>16} {'target 30':>9} "
          f"{'peak MB':>8}")
    for name in OURS:
        sec = best_of(args.repeat, ours, name, args.runs, args.periods, args.noise)
        rate = work / sec / 1e6
        peak = peak_bytes(name, args.runs, args.periods, args.noise) / 2**20
        print(f"{name:<10} {sec:8.3f} {rate:16.1f} {'ok' if rate >= 30 else 'MISS':>9} "
              f"{peak:8.1f}")
    longer = peak_bytes("ctft", args.runs, 10 * args.periods, args.noise) / 2**20
    print(f"Peak memory does not grow with the horizon: ctft at {10 * args.periods} periods "
          f"peaks at {longer:.1f} MB (a runs x periods boolean history alone would be "
          f"{work / 2**20:.0f} MB at {args.periods} periods)")
    sec = best_of(args.repeat, model_seconds, args.runs, args.periods)
    rate = work / sec / 1e6
    print(f"\nPart 3: the truce model, {args.runs:,} runs x {args.periods} periods, shocks, "
          "4 issues a side, two-way noise, a public signal")
    print(f"{'model':<10} {sec:8.3f} {rate:16.1f} {'ok' if rate >= 30 else 'MISS':>9}")
    if args.no_axelrod:
        return
    try:
        import axelrod as axl
    except ImportError:
        print("Part 2 skipped: the axelrod library is not installed "
              "(pip install -e '.[bench]')")
        return
    m = args.matches
    print(f"\nPart 2: {m} noisy matches x {args.periods} turns per pair, noise {args.noise}, "
          f"both tools (axelrod {axl.__version__})")
    print(f"{'pair':<10} {'axelrod s':>10} {'ours s':>8} {'ratio':>8} {'target 200':>10}")
    for name in AXELROD:
        theirs = axelrod_seconds(axl, name, m, args.periods, args.noise)
        mine = best_of(args.repeat, ours, name, m, args.periods, args.noise)
        ratio = theirs / mine
        print(f"{name:<10} {theirs:10.3f} {mine:8.4f} {ratio:8.0f} "
              f"{'ok' if ratio >= 200 else 'MISS':>10}")


if __name__ == "__main__":
    main()
