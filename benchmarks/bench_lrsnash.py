"""Extreme equilibria of larger games: tradesim against lrsnash, Gambit and QuantEcon.

For random n x n integer games (payoffs 0..99, fixed seed) and heavily degenerate ones
(payoffs 0..2, ``--degenerate``) this times, as whole processes on the same games and
interleaved game by game (the machine is shared, so only ratios measured side by side mean
anything):

* ours: ``python -c`` loading the game and calling ``solve(..., method="enumerate")``
  (reverse search on one polytope, every core; the support-pair limit raised, so 20 x 20
  runs), process start-up and imports included;
* ``lrsnash`` (lrslib; installed with apt-get when missing and run as root, else skipped
  with a message): exact reverse search in C, one core;
* Gambit's ``enummixed`` (float) and QuantEcon's ``support_enumeration`` in this
  process (no start-up counted for them), when the ``bench`` extra is installed and the
  size is at most ``--slow-max``.

It prints wall seconds and CPU seconds (user + system, worker processes included) per
game, the ratios (reference / ours: above 1 means we are faster), whether both found the
same number of equilibria, and the peak resident memory of our process tree (sampled from
/proc every 20 ms, workers included) against lrsnash's. On a loaded machine the wall ratio
moves with the load; the CPU ratio is steadier (ours spends CPU on two cores to save wall).

Run:  .venv/bin/python benchmarks/bench_lrsnash.py [--sizes 14 16 18 20] [--games 2]
          [--degenerate 10 12 14]
"""

from __future__ import annotations

import argparse
import os
import resource
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
        "r = solve(np.load(sys.argv[1]), method='enumerate', max_supports=10**40)\n"
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


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children and theirs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_process(cmd: list[str], timeout: float | None = None
                ) -> tuple[float, float, str | None, int]:
    """Wall time, CPU time, standard output and peak tree RSS (kB) of a whole process; the
    output is None when it ran past ``timeout`` seconds and was stopped."""
    peak = [0]
    cpu = children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = None, ""
        proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode and out is not None:
        msg = f"{cmd[0]} failed: {err.strip()[-300:]}"
        raise RuntimeError(msg)
    return elapsed, children_cpu() - cpu, out, peak[0]


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


HEADER = (f"{'n':>3} {'game':>4} {'method':<18} {'wall s':>8} {'ratio':>6} {'CPU s':>7} "
          f"{'ratio':>6} {'equilibria':>10} {'peak MB':>8}")


def row(n: int, g: int, name: str, wall: float, cpu: float | None, ours: tuple[float, float],
        count: int, mb: str, note: str = "") -> str:
    cpu_s = f"{cpu:>7.2f} {cpu / ours[1]:>6.1f}" if cpu is not None else f"{'':>7} {'':>6}"
    return (f"{n:>3} {g:>4} {name:<18} {wall:>8.2f} {wall / ours[0]:>6.1f} {cpu_s} "
            f"{count:>10} {mb:>8}{note}")


def compare(n: int, g: int, A: np.ndarray, B: np.ndarray, tmp: Path, lrs: str | None,
            refs: dict, args: argparse.Namespace, results: dict) -> None:
    """Time ours, lrsnash and the in-process references on one game; print and record."""
    npy, txt = tmp / "game.npy", tmp / "game.txt"
    np.save(npy, np.array([A, B], dtype=float))
    txt.write_text(to_lrsnash(A, B))
    wall, cpu, out, mem = run_process([sys.executable, "-c", OURS, str(npy)])
    ours = (wall, max(cpu, 1e-3))
    count = int(out.split()[0])
    results.setdefault("peaks", []).append((n, mem / 1024))
    print(row(n, g, "ours", wall, cpu, ours, count, f"{mem / 1024:.0f}"), flush=True)
    if lrs is not None:
        wall, cpu, out, mem = run_process([lrs, str(txt)], timeout=args.lrs_timeout)
        if out is None:
            results.setdefault(("lrsnash", n), []).append((wall / ours[0], cpu / ours[1]))
            results.setdefault("stopped", set()).add(n)
            print(f"{n:>3} {g:>4} {'lrsnash':<18} {'>' + format(wall, '.0f'):>8} "
                  f"{'>' + format(wall / ours[0], '.1f'):>6}   (stopped after --lrs-timeout; "
                  "its ratios count as lower bounds)", flush=True)
            return
        found = len(parse_lrsnash(out))
        results.setdefault(("lrsnash", n), []).append((wall / ours[0], cpu / ours[1]))
        same = "" if found == count else "  (differs!)"
        print(row(n, g, "lrsnash", wall, cpu, ours, found, f"{mem / 1024:.1f}", same),
              flush=True)
    for name, fn in refs.items():
        if n > args.slow_max:
            continue
        start = time.perf_counter()
        found = fn(A.astype(float), B.astype(float))
        wall = time.perf_counter() - start
        results.setdefault((name, n), []).append((wall / ours[0], None))
        print(row(n, g, name, wall, None, ours, found, ""), flush=True)


def summary(label: str, results: dict) -> None:
    print(f"\n{label}: median ratios, reference / ours (above 1: we are faster)")
    stopped = results.get("stopped", set())
    for key, values in sorted((k, v) for k, v in results.items() if isinstance(k, tuple)):
        name, n = key
        walls = statistics.median(w for w, _ in values)
        cpus = [c for _, c in values if c is not None]
        cpu = f", CPU {statistics.median(cpus):.1f}" if cpus else ""
        target = " (target >= 2 from 14 x 14)" if name == "lrsnash" and n >= 14 else ""
        if name == "lrsnash" and n in stopped:
            target += "; lrsnash was stopped on some game: a lower bound"
        print(f"  n = {n:>2} {name:<18} wall {walls:.1f}{cpu} over {len(values)} game(s)"
              f"{target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[14, 16, 18])
    parser.add_argument("--games", type=int, default=1, help="games per size")
    parser.add_argument("--degenerate", type=int, nargs="*", default=[],
                        help="sizes of degenerate games (payoffs 0..2) to run as well")
    parser.add_argument("--slow-max", type=int, default=12,
                        help="largest size for Gambit and QuantEcon")
    parser.add_argument("--lrs-timeout", type=float, default=None,
                        help="stop lrsnash after this many seconds (its ratio is then a "
                             "lower bound)")
    args = parser.parse_args()
    lrs = ensure_lrsnash()
    if lrs is None:
        print("lrsnash not installed and could not be installed (apt-get install lrslib, "
              "as root); its column is skipped")
    refs = references_in_process(args.slow_max)
    print(f"load average at the start: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    rng = np.random.default_rng(SEED)
    peaks: list[tuple[int, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, sizes, high in [("random games, payoffs 0..99", args.sizes, 100),
                                   ("degenerate games, payoffs 0..2", args.degenerate, 3)]:
            if not sizes:
                continue
            print(f"\n{label.capitalize()} (seed {SEED}); whole processes, interleaved; "
                  "ratio = reference time / ours; memory = peak RSS of the process tree")
            print(HEADER)
            results: dict = {}
            for n in sizes:
                for g in range(args.games):
                    A, B = rng.integers(0, high, (n, n)), rng.integers(0, high, (n, n))
                    compare(n, g, A, B, Path(tmp), lrs, refs, args, results)
            peaks += results.pop("peaks", [])
            summary(label, results)
    print(f"load average at the end: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    worst = max(peaks, key=lambda p: p[1])
    verdict = "within" if worst[1] <= MEMORY_BOUND_MB else "OVER"
    print(f"peak memory of our process tree: at most {worst[1]:.0f} MB (n = {worst[0]}), "
          f"{verdict} the stated bound of {MEMORY_BOUND_MB} MB")


if __name__ == "__main__":
    main()
