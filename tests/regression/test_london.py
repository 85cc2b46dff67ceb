"""The London 2025 results at seed 0, pinned: a refactor that changes them shows what.

The snapshot (``london-2025.json`` next to this file) holds the headline numbers of
``tradesim run scenarios/london-2025.toml --seed 0``: the equilibria, the named profiles,
the truce's thresholds and each strategy pair's survival, the bargaining solutions and the
sensitivity section (base outcomes, tipping points, robustness shares), rounded to 9
significant digits. When a change is meant to move them (a fixed bug, a new default), say
so in the changelog and rewrite the snapshot with::

    TRADESIM_UPDATE_REGRESSION=1 .venv/bin/python -m pytest tests/regression

then review the diff of ``london-2025.json`` before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from sim import run
from sim.formats.json import dumps
from sim.scenario import load_scenario
from sim.scenario.build import build_game

ROOT = Path(__file__).resolve().parents[2]
LONDON = ROOT / "scenarios/london-2025.toml"
SNAPSHOT = Path(__file__).with_name("london-2025.json")


def _round(obj: Any) -> Any:
    if isinstance(obj, float):
        return float(f"{obj:.9g}")
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_round(v) for v in obj]
    return obj


def headline(doc: dict[str, Any]) -> dict[str, Any]:
    """The numbers a reader of the London run looks at, from its results.json."""
    g, t, b, s = doc["game"], doc["truce"], doc["bargaining"], doc["sensitivity"]
    return _round({
        "equilibria": [e["payoffs"] for e in g["equilibria"]["equilibria"]],
        "complete": g["equilibria"]["complete"],
        "pure_equilibria": g["pure_equilibria"],
        "profiles": g["profiles"],
        "truce": {
            "time": t["time"], "delta_star": t["delta_star"], "binding": t["binding"],
            "sustainable": t["sustainable"],
            "thresholds": {k: v.get("delta_star") for k, v in t["thresholds"].items()},
            "survival": {p["label"]: p["expiry"] for p in t["simulation"]["pairs"]},
        },
        "bargaining": {
            "disagreement": b["disagreement"]["point"],
            "solutions": {k: v["payoffs"] for k, v in b["solutions"].items()},
        },
        "sensitivity": {
            "base": s["base"],
            "tipping_points": [(tp["conclusion"], tp["variable"], tp["value"])
                               for tp in s["tipping_points"]],
            "robustness": {sh["statement"]: sh["share"] for sh in s["robustness"]["shares"]},
        },
    })


@pytest.mark.slow
def test_london_results_match_the_reviewed_snapshot():
    scenario = load_scenario(LONDON)
    options = run.RunOptions(seed=0, figures=False)
    sections = run.run_sections(scenario, build_game(scenario), options)
    got = headline(json.loads(dumps(run.results_document(scenario, sections, options))))
    got = json.loads(json.dumps(got))  # tuples as lists, as in the file
    if os.environ.get("TRADESIM_UPDATE_REGRESSION"):
        SNAPSHOT.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    for key in expected:
        assert got[key] == expected[key], f"London's {key} changed (see the module docstring)"
    assert got.keys() == expected.keys()
