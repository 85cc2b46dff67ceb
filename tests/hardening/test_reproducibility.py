"""Same scenario + same seed => the same bytes (issue #9, point 5).

Runs the installed command line twice in two different directories with the same
arguments and compares every file written byte for byte: ``run`` (results.json,
summary.md, figures) and ``sweep`` with one and with two worker processes (sweep.csv;
sweep.json apart from the recorded command line, which names the worker count). Float
printing is fixed by :func:`sim.formats.json.dumps` (12 significant digits), checked on
arbitrary floats.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sim.formats.json import DIGITS, dumps

ROOT = Path(__file__).resolve().parents[2]
LONDON = ROOT / "scenarios" / "london-2025.toml"
SMALL = ROOT / "tests" / "data" / "small.toml"
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}


def tradesim(cwd: Path, *args: str) -> None:
    cwd.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, "-m", "sim.cli", *args], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr


def files(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def test_run_twice_with_the_same_seed_gives_the_same_bytes(tmp_path):
    scenario = LONDON if LONDON.exists() else SMALL
    for where in ("first", "second"):
        tradesim(tmp_path / where, "run", str(scenario), "--seed", "7", "--no-figures",
                 "--out", "out")
        tradesim(tmp_path / where, "run", str(SMALL), "--seed", "7", "--out", "out")
    first, second = files(tmp_path / "first" / "out"), files(tmp_path / "second" / "out")
    assert "t/figures/payoff_heatmap.png" in first
    assert any(name.endswith("results.json") and not name.startswith("t/") for name in first)
    assert first == second
    doc = json.loads(first["t/results.json"])
    assert doc["seed"] == 7
    assert doc["command"] == f"tradesim run {SMALL} --seed 7 --out out"
    assert len(doc["scenario"]["sha256"]) == 64
    assert doc["version"]


def test_sweep_gives_the_same_bytes_with_one_or_two_workers(tmp_path):
    if not LONDON.exists():
        return
    outputs = {}
    for workers in ("1", "2"):
        where = tmp_path / f"w{workers}"
        tradesim(where, "sweep", str(LONDON), "--vary", "chip_security_us=1:8:4",
                 "--runs", "300", "--seed", "3", "--workers", workers, "--no-figures",
                 "--out", "out")
        (folder,) = (where / "out").iterdir()
        outputs[workers] = files(folder)
    one, two = outputs["1"], outputs["2"]
    assert one["sweep.csv"] == two["sweep.csv"]
    doc1, doc2 = (json.loads(o["sweep.json"]) for o in (one, two))
    assert doc1.pop("command").replace("--workers 1", "--workers 2") == doc2.pop("command")
    assert doc1 == doc2


finite = st.floats(allow_nan=False, allow_infinity=False)


@given(x=finite)
def test_json_floats_are_printed_at_fixed_precision(x):
    text = dumps({"x": x})
    y = json.loads(text)["x"]
    assert dumps({"x": y}) == text  # printing is a fixed point: reading back changes nothing
    digits = json.dumps(y).lower().split("e")[0].replace("-", "").replace(".", "").strip("0")
    assert len(digits) <= DIGITS
    assert math.isclose(y, x, rel_tol=10 ** (1 - DIGITS), abs_tol=0)


def test_json_float_printing_examples():
    assert dumps([0.1 + 0.2, -0.0, 1 / 3, 2.0**0.5 * 1e-300]) == (
        "[\n  0.3,\n  0.0,\n  0.333333333333,\n  1.41421356237e-300\n]\n")
