"""Morris screening and Sobol' indices (SALib) against closed forms, and in `tradesim run`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.analyses import global_sensitivity as gsa
from sim.cli import app
from sim.errors import InputError
from sim.scenario import load_scenario
from sim.solvers import global_sensitivity as gs

PD = Path(__file__).resolve().parents[1] / "data" / "pd-temptation.toml"


def test_sobol_indices_of_a_linear_model_match_their_closed_form():
    """Y = 2 a / 10 + b with a ~ U[0, 10], b ~ U[0, 1] (c unused): V = 4/12 + 1/12, so
    S_a = S_Ta = 0.8, S_b = S_Tb = 0.2 and c has none."""
    prob = gs.problem(["a", "b", "c"], [0, 0, 0], [10, 1, 1])
    seed = np.random.SeedSequence(1)
    x = gs.sobol_design(prob, 512, seed)
    assert x.shape == (512 * 5, 3)
    idx = {i.name: i for i in gs.sobol_indices(prob, 2 * x[:, 0] / 10 + x[:, 1], seed)}
    for name, share in (("a", 0.8), ("b", 0.2), ("c", 0.0)):
        for value, conf in ((idx[name].first, idx[name].first_conf),
                            (idx[name].total, idx[name].total_conf)):
            assert abs(value - share) <= max(conf, 0.02), (name, value, conf)
    again = gs.sobol_indices(prob, 2 * x[:, 0] / 10 + x[:, 1], seed)
    assert again == tuple(idx.values())  # seeded bootstrap
    np.testing.assert_array_equal(x, gs.sobol_design(prob, 512, seed))


def test_morris_mu_star_is_the_effect_across_the_whole_range():
    """Y = 3 a with a ~ U[0, 10]: every elementary effect is 30; b does nothing."""
    prob = gs.problem(["a", "b"], [0, 0], [10, 1])
    seed = np.random.SeedSequence(2)
    x = gs.morris_design(prob, 6, seed)
    assert x.shape == (6 * 3, 2)
    idx = {i.name: i for i in gs.morris_indices(prob, x, 3 * x[:, 0], seed)}
    assert idx["a"].mu_star == pytest.approx(30)
    assert idx["a"].sigma == pytest.approx(0, abs=1e-9)
    assert idx["b"].mu_star == 0


def test_a_constant_output_has_no_indices_and_bad_sizes_are_refused():
    prob = gs.problem(["a"], [0], [1])
    seed = np.random.SeedSequence(0)
    x = gs.sobol_design(prob, 8, seed)
    assert all(math.isnan(i.first) for i in gs.sobol_indices(prob, np.ones(len(x)), seed))
    with pytest.raises(InputError, match="power of two"):
        gs.sobol_design(prob, 12, seed)
    with pytest.raises(InputError, match="at least 2"):
        gs.morris_design(prob, 1, seed)


def test_the_temptation_alone_decides_whether_the_truce_is_sustainable():
    """PD with temptation t ~ U[3.5, 8]: the truce is sustainable iff t <= 6
    (delta* = (t-3)/(t-1) <= 0.6), whatever the noise: t explains all of that indicator's
    variance (first and total order 1), the noise none; delta* does not depend on noise."""
    scenario = load_scenario(PD)
    g = gsa.global_sensitivity(scenario, seed=np.random.SeedSequence(0), trajectories=6,
                               samples=64, workers=1)
    assert set(g.sobol_names) == {"t", "slip"}
    sob = {i.name: i for i in g.sobol["holds:truce_sustainable"]}
    assert abs(sob["t"].first - 1) <= sob["t"].first_conf + 0.05
    assert abs(sob["t"].total - 1) <= sob["t"].total_conf + 0.05
    assert abs(sob["slip"].total) <= sob["slip"].total_conf + 1e-9
    mor = {i.name: i for i in g.morris["delta_star"]}
    assert mor["slip"].mu_star == 0
    assert mor["t"].mu_star > 0
    # the same seed gives the same answer with more workers (points carry no randomness)
    again = gsa.global_sensitivity(scenario, seed=np.random.SeedSequence(0), trajectories=6,
                                   samples=64, workers=2)
    assert gsa.global_json(again) == gsa.global_json(g)


def test_run_adds_the_global_tables_next_to_the_tornado(tmp_path):
    runner = CliRunner()
    args = ["run", str(PD), "--no-figures", "--global-sensitivity", "--morris-trajectories",
            "4", "--sobol-samples", "32"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "a/pd-t/results.json").read_text())
    glob = doc["sensitivity"]["global"]
    assert glob["sobol"]["points"] == 32 * (2 + 2)
    assert glob["morris"]["points"] == 4 * (2 + 1)
    summary = (tmp_path / "a/pd-t/summary.md").read_text()
    assert "| assumption | tornado swing | Morris mu* | Sobol' first order | Sobol' total |" \
        in summary
    assert "*whether the truce is sustainable (delta >= delta*)*" in summary
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "b")])
    assert (tmp_path / "b/pd-t/summary.md").read_text() == summary
    bad = runner.invoke(app, ["run", str(PD), "--global-sensitivity", "--sobol-samples", "10",
                              "--out", str(tmp_path / "c")])
    assert bad.exit_code == 2
    assert "expected a power of two" in bad.output
    assert not (tmp_path / "c").exists()
