"""Games in the input format of ``lrsnash`` (lrslib) and its list of equilibria.

``lrsnash`` (Avis 2000; Debian package ``lrslib``) enumerates every extreme equilibrium of
a bimatrix game in exact rational arithmetic. Its input is ``m n``, a blank line, the
row player's payoffs row by row, a blank line, the column player's. Its output is a
series of blocks separated by blank lines: lines ``2 y_1 ... y_n v`` (a strategy of the
column player and the row player's payoff against it) then lines ``1 x_1 ... x_m w``; every
``x`` of a block forms an extreme equilibrium with every ``y`` of the block. The tests and
the benchmark use it as an independent reference.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np

Profile = tuple[tuple[Fraction, ...], tuple[Fraction, ...]]


def lrsnash_path() -> str | None:
    """The ``lrsnash`` executable on ``PATH``, or ``None``."""
    return shutil.which("lrsnash")


def to_lrsnash(A: np.ndarray, B: np.ndarray) -> str:
    """The game with integer payoff matrices ``A``, ``B`` in lrsnash's input format."""
    A = np.asarray(A)
    B = np.asarray(B)
    rows = [f"{A.shape[0]} {A.shape[1]}", ""]
    rows += [" ".join(str(int(v)) for v in r) for r in A]
    rows.append("")
    rows += [" ".join(str(int(v)) for v in r) for r in B]
    return "\n".join(rows) + "\n"


def parse_lrsnash(text: str) -> set[Profile]:
    """The extreme equilibria ``(x, y)`` listed in lrsnash's output, as Fractions."""
    found: set[Profile] = set()
    xs: list[tuple[Fraction, ...]] = []
    ys: list[tuple[Fraction, ...]] = []

    def flush() -> None:
        found.update((x, y) for x in xs for y in ys)
        xs.clear()
        ys.clear()

    for line in text.splitlines():
        words = line.split()
        if not words or words[0].startswith("*"):
            flush()
            continue
        values = tuple(Fraction(w) for w in words[1:-1])  # the last word is a payoff
        (xs if words[0] == "1" else ys).append(values)
    flush()
    return found


def run_lrsnash(A: np.ndarray, B: np.ndarray, *, timeout: float | None = None) -> set[Profile]:
    """Run ``lrsnash`` on the integer game ``(A, B)``; its extreme equilibria."""
    exe = lrsnash_path()
    if exe is None:
        msg = "lrsnash is not installed (Debian package lrslib)"
        raise FileNotFoundError(msg)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "game.txt"
        path.write_text(to_lrsnash(A, B))
        out = subprocess.run([exe, str(path)], capture_output=True, text=True, check=True,
                             timeout=timeout)
    return parse_lrsnash(out.stdout)
