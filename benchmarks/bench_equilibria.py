"""Benchmark of the equilibrium engine against reference libraries, measured in one run.

Prints, for random integer games (payoffs 0..99, fixed seed) of sizes 4, 6, 8, 10 and 12,
the time per game of ``sim.solvers.equilibria.solve`` and of each reference method that is
installed, the ratio (reference time / our time), and how many equilibria each found against
ours, with the number of a reference's equilibria that ours missed (the target is 0
everywhere) and of the profiles a reference reported that are not equilibria at all. Then the pure-strategy scan's payoff cells per second on a 3000 x 3000 game, and
the whole-process time of ``tradesim --help`` against ``python -c "import numpy"``.

References: nashpy (core dependency) ``vertex_enumeration`` and ``support_enumeration``; with
the ``bench`` extra, Gambit's ``enummixed`` (floating point) and ``lcp`` and QuantEcon's
``support_enumeration``. The slowest references are skipped above a size (``--full`` runs
them everywhere; nashpy's vertex enumeration takes minutes per 10 x 10 game).

Run:  .venv/bin/python benchmarks/bench_equilibria.py [--games 3] [--full]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from sim.solvers.equilibria import solve
from sim.solvers.pure import pure_best_response_mask
from sim.solvers.verify import is_nash

SIZES = (4, 6, 8, 10, 12)
SEED = 20250609
Profile = tuple[np.ndarray, np.ndarray]


def ours(A: np.ndarray, B: np.ndarray) -> list[Profile]:
    return [eq.strategies for eq in solve(np.array([A, B]), method="enumerate").equilibria]


def ours_exact(A: np.ndarray, B: np.ndarray) -> list[Profile]:
    result = solve(np.array([A, B]), method="enumerate", exact=True)
    return [eq.strategies for eq in result.equilibria]


def nashpy_method(name: str) -> Callable[[np.ndarray, np.ndarray], list[Profile]]:
    def run(A: np.ndarray, B: np.ndarray) -> list[Profile]:
        import nashpy

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return list(getattr(nashpy.Game(A, B), name)())
    return run


def gambit_method(name: str) -> Callable[[np.ndarray, np.ndarray], list[Profile]] | None:
    try:
        import pygambit as gbt
    except ImportError:
        return None

    # pygambit 17 moved from_arrays to StrategicGame and names players and strategies by
    # label; 16.x has it on Game and indexes a profile by strategy objects
    from_arrays = getattr(gbt, "StrategicGame", gbt.Game).from_arrays

    def vector(game, eq, p) -> np.ndarray:
        if hasattr(game, "get_strategies"):
            return np.array([float(eq[p][s]) for s in game.get_strategies(p)])
        return np.array([float(eq[s]) for s in p.strategies])

    def run(A: np.ndarray, B: np.ndarray) -> list[Profile]:
        game = from_arrays(A.astype(int), B.astype(int))
        solver = getattr(gbt.nash, name)
        result = solver(game, rational=False)
        return [tuple(vector(game, eq, p) for p in game.players) for eq in result.equilibria]
    return run


def quantecon_support() -> Callable[[np.ndarray, np.ndarray], list[Profile]] | None:
    try:
        from quantecon.game_theory import NormalFormGame, Player, support_enumeration
    except ImportError:
        return None

    def run(A: np.ndarray, B: np.ndarray) -> list[Profile]:
        return list(support_enumeration(NormalFormGame((Player(A), Player(B.T)))))
    run(np.eye(2), np.eye(2))   # compile (numba) before timing
    return run


def missed(reference: list[Profile], found: list[Profile], payoffs: np.ndarray,
           atol: float = 1e-6) -> tuple[int, int]:
    """``(missed, wrong)``: reference equilibria (verified within ``atol``) that are not
    within ``atol`` of one of ``found``, and reference profiles that are not equilibria."""
    def close(p: Profile, q: Profile) -> bool:
        return all(a.shape == b.shape and np.allclose(a, b, atol=atol)
                   for a, b in zip(p, q, strict=True))
    real = [r for r in reference if is_nash(payoffs, r, tol=atol)]
    return (sum(not any(close(r, f) for f in found) for r in real),
            len(reference) - len(real))


def timed(fn: Callable, A: np.ndarray, B: np.ndarray) -> tuple[float, list[Profile]]:
    start = time.perf_counter()
    result = fn(A, B)
    return time.perf_counter() - start, [tuple(np.asarray(s, dtype=float) for s in p)
                                         for p in result]


def equilibrium_table(games_per_size: int, full: bool) -> None:
    methods: dict[str, tuple[Callable | None, int]] = {
        "ours (exact)": (ours_exact, 12),
        "nashpy vertex": (nashpy_method("vertex_enumeration"), 12 if full else 8),
        "nashpy support": (nashpy_method("support_enumeration"), 12 if full else 8),
        "gambit enummixed": (gambit_method("enummixed_solve"), 12),
        "gambit lcp": (gambit_method("lcp_solve"), 12),
        "quantecon support": (quantecon_support(), 12),
    }
    rng = np.random.default_rng(SEED)
    print(f"Random games, payoffs 0..99 (seed {SEED}), {games_per_size} per size; "
          "time per game; ratio = reference time / ours; found = equilibria found by the "
          "reference / by ours; missed = reference equilibria ours did not find; wrong = "
          "profiles a reference reported that are not equilibria (checked to 1e-6)")
    print(f"{'n':>3} {'method':<18} {'s/game':>9} {'ratio':>9} {'found':>9} {'missed':>7} "
          f"{'wrong':>6}")
    for n in SIZES:
        games = [(rng.integers(0, 100, (n, n)).astype(float),
                  rng.integers(0, 100, (n, n)).astype(float)) for _ in range(games_per_size)]
        base = [timed(ours, A, B) for A, B in games]
        t_ours = sum(t for t, _ in base) / len(games)
        n_ours = sum(len(eqs) for _, eqs in base)
        print(f"{n:>3} {'ours':<18} {t_ours:>9.4f} {'1':>9} {n_ours:>4}/{n_ours:<4} {'':>7}")
        for name, (fn, max_size) in methods.items():
            if fn is None:
                print(f"{n:>3} {name:<18} {'not installed (pip install -e .[bench])':>36}")
                continue
            if n > max_size:
                print(f"{n:>3} {name:<18} {'skipped (too slow; --full runs it)':>36}")
                continue
            runs = [timed(fn, A, B) for A, B in games]
            t = sum(r[0] for r in runs) / len(games)
            found = sum(len(r[1]) for r in runs)
            counts = [missed(r[1], b[1], np.array(g)) for r, b, g in zip(runs, base, games,
                                                                          strict=True)]
            miss = sum(c[0] for c in counts)
            wrong = sum(c[1] for c in counts)
            print(f"{n:>3} {name:<18} {t:>9.4f} {t / t_ours:>9.1f} {found:>4}/{n_ours:<4} "
                  f"{miss:>7} {wrong:>6}")


def pure_scan(n: int = 3000) -> None:
    payoffs = np.random.default_rng(SEED).integers(0, 100, (2, n, n)).astype(float)
    pure_best_response_mask(payoffs)   # warm up
    times = []
    for _ in range(3):
        start = time.perf_counter()
        pure_best_response_mask(payoffs)
        times.append(time.perf_counter() - start)
    best = min(times)
    cells = payoffs.size
    start = time.perf_counter()
    payoffs.max(axis=1)
    payoffs.max(axis=2)
    numpy_pass = time.perf_counter() - start
    print(f"\nPure scan on {n} x {n} ({cells:,} payoff cells): {best:.3f} s, "
          f"{cells / best / 1e6:.0f} million cells/s (numpy's max over both axes alone: "
          f"{cells / numpy_pass / 1e6:.0f} million cells/s)")


def startup(repeats: int = 5) -> None:
    exe = shutil.which("tradesim", path=str(Path(sys.executable).parent))
    if exe is None:
        print("\ntradesim console script not found beside this Python; skipping start-up time")
        return

    def whole(cmd: list[str]) -> float:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=True, env={**os.environ})
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    t_help = whole([exe, "--help"])
    t_numpy = whole([sys.executable, "-c", "import numpy"])
    print(f"\n`tradesim --help`: {t_help:.3f} s; `python -c 'import numpy'`: {t_numpy:.3f} s; "
          f"ratio {t_help / t_numpy:.2f} (target <= 3)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=3, help="games per size")
    parser.add_argument("--full", action="store_true", help="run the slow references everywhere")
    args = parser.parse_args()
    equilibrium_table(args.games, args.full)
    pure_scan()
    startup()


if __name__ == "__main__":
    main()
