"""Extreme equilibria of larger games: tradesim against lrsnash, Gambit and QuantEcon.

For random n x n integer games (payoffs 0..99, fixed seed) this times, as whole processes
on the same games and interleaved game by game (the machine is shared, so only ratios
measured side by side mean anything):

* ours: ``python -c`` loading the game and calling ``solve(..., method="enumerate")``
  (reverse search on one polytope, every core), process start-up and imports included;
* ``lrsnash`` (lrslib; installed with apt-get when missing and run as root, else skipped
  with a message): exact reverse search in C;
* Gambit's ``enummixed`` (float) and QuantEcon's ``support_enumeration`` in this
  process, when the ``bench`` extra is installed and the size is at most ``--slow-max``.

It prints seconds per game, the ratio (reference time / ours: above 1 means we are faster),
whether both found the same number of equilibria, and the peak resident memory of our
process tree (sampled from /proc every 20 ms, workers included) against lrsnash's.

Run:  .venv/bin/python benchmarks/bench_lrsnash.py [--sizes 14 16 18] [--games 1]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from sim.formats.lrsnash import lrsnash_path, parse_lrsnash, to_lrsnash

SEED = 20251129
MEMORY_BOUND_MB = 300
"""Stated bound on the peak memory of our process tree (main process and workers), which
does not grow with the number of vertices: checked on every game, 18 x 18 included."""
OURS = ("import sys, numpy as np\n"
        "from sim.solvers.equilibria import solve\n"
        "r = solve(np.load(sys.argv[1]), method='enumerate')\n"
        "print(len(r.equilibria), r.complete)\n")


def ensure_lrsnash() -> str | None:
    """lrsnash's path, installing Debian's lrslib first when possible; else None."""
    if lrsnash_path() is None and shutil.which("apt-get") and os.geteuid() == 0:
        print("lrsnash missing: installing the Debian package lrslib ...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env,
                       capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "lrslib"], check=False, env=env,
                       capture_output=True)
    return lrsnash_path()


def tree_rss(pid: int) -> int:
    """Resident set size in kB of ``pid`` and all its descendants (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines()
                          if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{p}/task").iterdir():
                kids = (task / "children").read_text().split()
                todo += [int(k) for k in kids]
        except (OSError, StopIteration):
            continue
    return total


def run_process(cmd: list[str]) -> tuple[float, str, int]:
    """Wall time, standard output and peak tree RSS (kB) of a whole process."""
    peak = [0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode:
        msg = f"{cmd[0]} failed: {err.strip()[-300:]}"
        raise RuntimeError(msg)
    return elapsed, out, peak[0]


def references_in_process(slow_max: int) -> dict:
    refs = {}
    try:
        import pygambit as gbt
        # pygambit 17 moved the constructor to StrategicGame; 16.x has it on Game
        from_arrays = getattr(gbt, "StrategicGame", gbt.Game).from_arrays

        def gambit(A: np.ndarray, B: np.ndarray) -> int:
            game = from_arrays(A.astype(int), B.astype(int))
            return len(gbt.nash.enummixed_solve(game, rational=False).equilibria)
        refs["gambit enummixed"] = gambit
    except ImportError:
        print("Gambit (pygambit) not installed: pip install -e '.[bench]'; skipped")
    try:
        from quantecon.game_theory import NormalFormGame, Player, support_enumeration

        def quantecon(A: np.ndarray, B: np.ndarray) -> int:
            return len(support_enumeration(NormalFormGame((Player(A), Player(B.T)))))
        quantecon(np.eye(2), np.eye(2))   # compile (numba) before timing
        refs["quantecon support"] = quantecon
    except ImportError:
        print("QuantEcon not installed: pip install -e '.[bench]'; skipped")
    if refs:
        print(f"(in-process references run up to {slow_max} x {slow_max}: --slow-max)")
    return refs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[14, 16, 18])
    parser.add_argument("--games", type=int, default=1, help="games per size")
    parser.add_argument("--slow-max", type=int, default=14,
                        help="largest size for Gambit and QuantEcon")
    args = parser.parse_args()
    lrs = ensure_lrsnash()
    if lrs is None:
        print("lrsnash not installed and could not be installed (apt-get install lrslib, "
              "as root); its column is skipped")
    refs = references_in_process(args.slow_max)
    rng = np.random.default_rng(SEED)
    print(f"\nRandom games, payoffs 0..99 (seed {SEED}); whole processes, interleaved; "
          "ratio = reference time / ours; memory = peak RSS of the process tree")
    print(f"{'n':>3} {'game':>4} {'method':<18} {'seconds':>9} {'ratio':>7} {'equilibria':>10} "
          f"{'peak MB':>8}")
    ratios: dict[int, list[float]] = {}
    peaks: list[tuple[int, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            for g in range(args.games):
                A, B = rng.integers(0, 100, (n, n)), rng.integers(0, 100, (n, n))
                npy, txt = Path(tmp) / "game.npy", Path(tmp) / "game.txt"
                np.save(npy, np.array([A, B], dtype=float))
                txt.write_text(to_lrsnash(A, B))
                t_ours, out, mem = run_process([sys.executable, "-c", OURS, str(npy)])
                count = int(out.split()[0])
                peaks.append((n, mem / 1024))
                print(f"{n:>3} {g:>4} {'ours':<18} {t_ours:>9.2f} {'1':>7} {count:>10} "
                      f"{mem / 1024:>8.0f}", flush=True)
                if lrs is not None:
                    t, out, mem = run_process([lrs, str(txt)])
                    found = len(parse_lrsnash(out))
                    ratios.setdefault(n, []).append(t / t_ours)
                    same = "" if found == count else "  (differs!)"
                    print(f"{n:>3} {g:>4} {'lrsnash':<18} {t:>9.2f} {t / t_ours:>7.1f} "
                          f"{found:>10} {mem / 1024:>8.1f}{same}", flush=True)
                for name, fn in refs.items():
                    if n > args.slow_max:
                        continue
                    start = time.perf_counter()
                    found = fn(A.astype(float), B.astype(float))
                    t = time.perf_counter() - start
                    print(f"{n:>3} {g:>4} {name:<18} {t:>9.2f} {t / t_ours:>7.1f} "
                          f"{found:>10} {'':>8}", flush=True)
    for n, r in ratios.items():
        print(f"n = {n}: lrsnash time / ours, median over {len(r)} game(s): "
              f"{statistics.median(r):.1f} (target >= 2)")
    worst = max(peaks, key=lambda p: p[1])
    verdict = "within" if worst[1] <= MEMORY_BOUND_MB else "OVER"
    print(f"peak memory of our process tree: at most {worst[1]:.0f} MB (n = {worst[0]}), "
          f"{verdict} the stated bound of {MEMORY_BOUND_MB} MB")


if __name__ == "__main__":
    main()
