"""Benchmark of the n-player equilibrium enumeration against Gambit's ``enumpoly``.

For random integer games (payoffs 0..99, fixed seed) of shapes 2x2x2, 2x2x2x2, 3x3x2, 3x3x3
and 2x2x2x2x2, prints the time per game of ``solve(..., method="polynomial")`` (support
enumeration with homotopy continuation, :mod:`sim.solvers.npl_support`) and, with the
``bench`` extra installed, of ``pygambit.nash.enumpoly_solve`` (support enumeration with
subdivision), the ratio (Gambit's time / ours), the number of equilibria each found, how many
of Gambit's ours missed (the target is 0) and how many of ours Gambit missed. Without pygambit
only our side is printed. Every run also times our previous method (``linear=False``: the
supports where exactly two players mix go through homotopy continuation instead of one
linear solve) and prints its time over ours.

Run:  .venv/bin/python benchmarks/bench_npl.py [--games 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from sim.solvers.equilibria import solve
from sim.solvers.npl_support import support_enumeration
from sim.solvers.verify import is_nash

SHAPES = ((2, 2, 2), (2, 2, 2, 2), (3, 3, 2), (3, 3, 3), (2, 2, 2, 2, 2))
SEED = 20250609
Profile = tuple[np.ndarray, ...]


def ours(payoffs: np.ndarray) -> list[Profile]:
    return [eq.strategies for eq in solve(payoffs, method="polynomial").equilibria]


def previous(payoffs: np.ndarray) -> list[Profile]:
    """Our enumeration before two-mixer supports were solved as linear systems."""
    return list(support_enumeration(payoffs, linear=False).profiles)


def gambit_enumpoly():
    try:
        import pygambit as gbt
    except ImportError:
        return None

    # pygambit 17 moved from_arrays to StrategicGame and names players and strategies by
    # label; 16.x has it on Game and indexes a profile by strategy objects
    from_arrays = getattr(gbt, "StrategicGame", gbt.Game).from_arrays

    def vector(game, eq, player) -> np.ndarray:
        if hasattr(game, "get_strategies"):
            return np.array([float(eq[player][s]) for s in game.get_strategies(player)])
        return np.array([float(eq[s]) for s in player.strategies])

    def run(payoffs: np.ndarray) -> list[Profile]:
        game = from_arrays(*[p.astype(int) for p in payoffs])
        result = gbt.nash.enumpoly_solve(game, use_strategic=True)
        return [tuple(vector(game, eq, player) for player in game.players)
                for eq in result.equilibria]
    return run


def _timed(method, payoffs: np.ndarray) -> tuple[float, list[Profile]]:
    start = time.perf_counter()
    found = method(payoffs)
    return time.perf_counter() - start, found


def _missing(reference: list[Profile], found: list[Profile], atol: float = 1e-5) -> int:
    def same(a: Profile, b: Profile) -> bool:
        return all(np.allclose(x, y, atol=atol) for x, y in zip(a, b, strict=True))
    return sum(not any(same(r, f) for f in found) for r in reference)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=3, help="games per shape")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    gambit = gambit_enumpoly()
    print(f"{'shape':>10} {'ours s':>9} {'prev s':>8} {'prev/ours':>9} {'gambit s':>9} "
          f"{'ratio':>6} {'#ours':>6} {'#gambit':>7} {'we miss':>7} {'they miss':>9} "
          f"{'not NE':>6}")
    for shape in SHAPES:
        t_ours, t_prev, t_gbt, n_ours, n_gbt, we_miss, they_miss, bad = [], [], [], 0, 0, 0, 0, 0
        for _ in range(args.games):
            payoffs = rng.integers(0, 100, size=(len(shape), *shape)).astype(float)
            t, found = _timed(ours, payoffs)
            t_ours.append(t)
            t_prev.append(_timed(previous, payoffs)[0])
            n_ours += len(found)
            bad += sum(not is_nash(payoffs, p, tol=1e-7) for p in found)
            if gambit is not None:
                t, ref = _timed(gambit, payoffs)
                t_gbt.append(t)
                n_gbt += len(ref)
                we_miss += _missing(ref, found)
                they_miss += _missing(found, ref)
        mean_ours, mean_prev = float(np.mean(t_ours)), float(np.mean(t_prev))
        if gambit is None:
            cols = f"{'-':>9} {'-':>6} {n_ours:>6} {'-':>7} {'-':>7} {'-':>9}"
        else:
            mean_gbt = float(np.mean(t_gbt))
            cols = (f"{mean_gbt:>9.3f} {mean_gbt / mean_ours:>6.2f} {n_ours:>6} {n_gbt:>7} "
                    f"{we_miss:>7} {they_miss:>9}")
        print(f"{'x'.join(map(str, shape)):>10} {mean_ours:>9.3f} {mean_prev:>8.3f} "
              f"{mean_prev / mean_ours:>9.2f} {cols} {bad:>6}", flush=True)
    if gambit is None:
        print("pygambit is not installed (pip install '.[bench]'): Gambit's columns are empty")


if __name__ == "__main__":
    main()
