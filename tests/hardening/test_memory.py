"""Memory follows the documented limits (issue #12, point 4).

Each case runs in a child process that imports everything first, then limits its own
address space (``resource.setrlimit(RLIMIT_AS)``) to what it has plus a budget of a small
multiple of the payoff array, and only then does the work. Formula evaluation used to hold
several full-size arrays at once (``min``/``max`` arguments, comparison chains, ``and``/``or``,
many terms: a 2M-cell game took 2.4 GB), and the pure-equilibrium bookkeeping kept a k x k
identity matrix per equilibrium (a 400 x 400 coordination game took 2 GB).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MB = 1 << 20

CHILD = textwrap.dedent("""
    import resource, sys
    import numpy as np
    from sim.scenario.build import build_game
    from sim.scenario import load_scenario
    from sim.solvers.equilibria import solve

    def address_space():
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024

    kind, path, budget = sys.argv[1], sys.argv[2], int(sys.argv[3])
    scenario = load_scenario(path)
    solve(np.zeros((2, 2, 2)), method="pure")  # lazy imports done before the limit
    limit = address_space() + budget
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    game = build_game(scenario)
    if kind == "pure":
        eqs = solve(game.payoffs, method="pure")
        print(len(eqs.equilibria))
    else:
        print(game.payoffs.size, float(game.payoffs.sum()))
""")


def run_child(kind: str, path: Path, budget: int) -> subprocess.CompletedProcess[str]:
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc/self/status")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    return subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path), str(budget)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def levels(n: int) -> str:
    return ", ".join(f"l{i} = {i}" for i in range(n))


def heavy_formulas(tmp_path: Path, side: int) -> Path:
    """Two players with ``side`` strategies each; payoffs built from many full-size terms,
    ``max`` of 30 arguments, a 30-term comparison chain and a 30-term ``and``."""
    terms = "\n".join(f't{i} = "a * {i + 1} - b / {i + 2} + c"' for i in range(40))
    args = ", ".join(f"t{i}" for i in range(30))
    chain = " < ".join(f"t{i}" for i in range(30))
    conj = " and ".join(f"(a + {i} > b)" for i in range(30))
    text = f"""
[scenario]
name = "heavy"
[players.Row.levers.a]
levels = {{ {levels(side)} }}
[players.Column.levers.b]
levels = {{ {levels(side)} }}
[assumptions]
c = {{ value = 1, range = [0, 2], why = "a constant" }}
[terms]
{terms}
[payoffs]
Row = "max({args}) + ({chain}) + min({args})"
Column = "({conj}) + (t3 if t1 > t2 else t4) - t39"
"""
    path = tmp_path / "heavy.toml"
    path.write_text(text)
    return path


def test_formula_evaluation_stays_within_a_small_multiple_of_the_payoffs(tmp_path):
    side = 1000  # 1,000,000 profiles, 2,000,000 cells: 16 MB of payoffs
    payoff_bytes = 2 * side * side * 8
    budget = 4 * payoff_bytes + 64 * MB  # payoffs, a finiteness mask, the chunks
    proc = run_child("build", heavy_formulas(tmp_path, side), budget)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split()[0] == str(2 * side * side)


def test_pure_equilibria_of_a_large_coordination_game_keep_no_identity_matrices(tmp_path):
    side = 400  # 400 pure equilibria; 2 x 400 x 400 payoffs: 2.5 MB
    path = tmp_path / "coordination.toml"
    path.write_text(f"""
[scenario]
name = "coordination"
[players.Row.levers.a]
levels = {{ {levels(side)} }}
[players.Column.levers.b]
levels = {{ {levels(side)} }}
[payoffs]
Row = "1 if a == b else 0"
Column = "1 if a == b else 0"
""")
    proc = run_child("pure", path, 200 * MB)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == str(side)


def test_repeated_nfg_strategy_names_are_made_unique_in_linear_time():
    """Issue #12, point 5: 6,000 repeated names took over a minute (quadratic or cubic)."""
    from sim.formats.nfg import _unique

    names = ["a"] * 20_000 + [f"a ({k})" for k in range(2, 20_002)]
    labels = _unique(names, "")
    assert len(set(labels)) == len(labels) == 40_000
    assert labels[:3] == ["a", "a (2)", "a (3)"]
