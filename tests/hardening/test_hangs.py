"""Limits enforced in time proportional to the input, before the work (issue #12, point 5).

Each case took minutes to hours before its fix: ``.nfg`` strategy-name de-duplication was
quadratic or cubic, error reporting scanned the file once per error, ``solve --method
enumerate``/``support`` had no size limit (and labelling 65,535 equilibria's components
was quadratic), and ``truce --all-pairs`` limited run-periods per
pair instead of in total. The ``no_hang`` fixture fails a case after two minutes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.errors import ScenarioErrors
from sim.formats.nfg import parse_nfg
from sim.scenario import load_scenario

pytestmark = pytest.mark.usefixtures("no_hang")
ROOT = Path(__file__).resolve().parents[2]
LONDON = ROOT / "scenarios" / "london-2025.toml"


def test_twenty_thousand_repeated_strategy_names():
    names = " ".join(['"a"'] * 10_000 + [f'"a ({k})"' for k in range(2, 10_002)])
    outcomes = " ".join(["1"] * 20_000)
    game = parse_nfg(
        f'NFG 1 R "dup" {{ "P" "Q" }}\n{{ {{ {names} }} {{ "x" }} }}\n""\n'
        f'{{ {{ "o" 1, 2 }} }}\n{outcomes}\n'
    ).game
    labels = game.strategies[0]
    assert len(set(labels)) == len(labels) == 20_000
    assert labels[:3] == ("a", "a (2)", "a (3)")


def test_a_game_with_hundreds_of_thousands_of_unnamed_strategies():
    profiles = 200_000
    game = parse_nfg(f'NFG 1 R "wide" {{ "P" "Q" }} {{ {profiles} 1 }}\n' + " 1 2" * profiles).game
    assert game.shape == (profiles, 1)
    assert game.strategies[0][-1] == str(profiles)


def test_a_scenario_with_a_hundred_thousand_problems_is_reported_in_one_pass(tmp_path):
    path = tmp_path / "many.toml"
    body = "\n".join(f"f{k} = {k}" for k in range(100_000))  # each: not a table
    path.write_text(f'[scenario]\nname = "many"\n[facts]\n{body}\n')
    with pytest.raises(ScenarioErrors) as info:
        load_scenario(path)
    errors = info.value.errors
    assert len(errors) >= 100_000
    last = next(e for e in errors if e.key == "facts.f99999")
    assert last.line == 100_003


def test_a_timeline_with_fifty_thousand_problems_is_reported_in_one_pass(tmp_path):
    from sim.scenario.timeline import load_timeline

    path = tmp_path / "many.toml"
    body = "\n".join(f"k{k} = {k}" for k in range(50_000))  # each: an unknown key
    path.write_text(f'[timeline]\nname = "many"\n{body}\n[stages.a]\ndate = 2025-01-01\n')
    with pytest.raises(ScenarioErrors) as info:
        load_timeline(path)
    last = next(e for e in info.value.errors if e.key == "timeline.k49999")
    assert last.line == 50_002


def test_enumeration_limits_are_checked_before_the_work(tmp_path):
    levels = ", ".join(f"s{i} = {i}" for i in range(16))
    path = tmp_path / "coordination.toml"
    path.write_text(f"""
[scenario]
name = "coordination"
[players.Row.levers.a]
levels = {{ {levels} }}
[players.Column.levers.b]
levels = {{ {levels} }}
[payoffs]
Row = "1 if a == b else 0"
Column = "1 if a == b else 0"
""")
    result = CliRunner().invoke(app, ["solve", str(path), "--method", "support"])
    assert result.exit_code == 3, result.stderr
    assert "C(32, 16) = 601,080,390 support pairs, over the limit of 1,000,000" in result.stderr
    assert "--max-supports" in result.stderr
    for method in ("enumerate", "support"):
        small = CliRunner().invoke(
            app, ["solve", str(path), "--method", method, "--max-supports", "0"]
        )
        assert small.exit_code == 3, small.stderr
        assert "over the limit of 0" in small.stderr
    negative = CliRunner().invoke(app, ["solve", str(path), "--max-supports", "-1"])
    assert negative.exit_code == 2


def test_auto_is_never_refused_by_the_support_limit():
    """``auto`` enumerates while m x n <= ENUMERATION_LIMIT; every such shape is within the
    default limit of ``enumerate``."""
    import math

    from sim.solvers.equilibria import ENUMERATION_LIMIT
    from sim.solvers.support_limits import MAX_SUPPORTS

    worst = max(
        math.comb(m + n, m)
        for m in range(1, ENUMERATION_LIMIT + 1)
        for n in range(1, ENUMERATION_LIMIT // m + 1)
    )
    assert worst <= MAX_SUPPORTS["enumerate"]


def test_components_of_fifty_thousand_equilibria_are_labelled_in_one_pass():
    """The coordination game of 16 x 16 has 65,535 equilibria; labelling their components
    scanned every equilibrium once per component (4 x 10^9 steps: over an hour)."""
    import numpy as np

    from sim.solvers.equilibria import Equilibrium, EquilibriumSet, _sorted_with_components

    count = 50_000
    eqs = tuple(
        Equilibrium(strategies=(np.array([k / count]),), payoffs=np.zeros(1))
        for k in range(count)
    )
    keys = [(k, k) for k in range(count)]  # every equilibrium its own component
    result = _sorted_with_components(
        EquilibriumSet(equilibria=eqs, method="test", complete=True, degenerate=False), keys
    )
    assert len(result.components) == count
    assert sorted(i for c in result.components for i in c) == list(range(count))
    assert all(result.equilibria[c[0]].component == n for n, c in enumerate(result.components))


def test_all_pairs_counts_every_simulation_against_the_limit(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["--max-run-periods", "300000", "truce", str(LONDON), "--runs", "1000", "--no-figures"]
    assert CliRunner().invoke(app, args).exit_code == 0  # 8 pairs and the model: 54,000
    result = CliRunner().invoke(app, [*args, "--all-pairs"])  # 64 pairs and the model
    assert result.exit_code == 3, result.stderr
    assert "65 simulations x (1,000 runs + 1,000) x 3 periods = 390,000" in result.stderr


def test_the_group_truce_of_three_sides_obeys_the_run_period_limit(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    three = ROOT / "scenarios" / "classroom" / "three-way-truce.toml"
    result = CliRunner().invoke(app, ["truce", str(three), "--runs", "1000000000"])
    assert result.exit_code == 3, result.stderr
    assert "over the limit of 1,000,000,000" in result.stderr
    result = CliRunner().invoke(app, ["--max-run-periods", "10", "truce", str(three)])
    assert result.exit_code == 3, result.stderr


def test_the_group_truce_draws_in_chunks_the_same_stream(monkeypatch):
    """Memory: at most CHUNK_DRAWS draws at a time; the answer is that of one big draw."""
    import numpy as np

    from sim.solvers import group_truce as gt

    whole = gt.simulate_group_truce(3, 13, 5000, noise=0.01, rng=np.random.default_rng(7))
    monkeypatch.setattr(gt, "CHUNK_DRAWS", 1000)  # 25 runs at a time
    chunked = gt.simulate_group_truce(3, 13, 5000, noise=0.01, rng=np.random.default_rng(7))
    assert np.array_equal(whole.survival, chunked.survival)
