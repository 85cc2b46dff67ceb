"""``tradesim learn``: learning dynamics on the command line, with textbook answers."""

import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from sim.analyses.learning import LearningSettings, learn
from sim.cli import app
from sim.cli.common import load_any

ROOT = Path(__file__).resolve().parents[2]
CLASSROOM = ROOT / "scenarios" / "classroom"
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, ["learn", *[str(a) for a in args]])


def test_fictitious_play_in_matching_pennies_reaches_the_value():
    """Robinson (1951): in a zero-sum game the empirical frequencies of fictitious play
    converge to optimal strategies; matching pennies has value 0 at (1/2, 1/2)."""
    r = invoke(CLASSROOM / "matching-pennies.toml", "--rounds", "4000", "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    for mix in doc["final"].values():
        assert np.allclose(mix, [0.5, 0.5], atol=0.03)
    assert max(doc["regret"].values()) < 0.06  # payoffs within 0.06 of the value 0
    assert doc["nearest"] == 0
    assert doc["distance"] < 0.03


def test_replicator_basins_in_the_stag_hunt_follow_the_mixed_equilibrium():
    """Stag hunt (stag 4 together, 0 alone; hare 3): Row's share of stag grows iff Column
    hunts stag with probability above 3/4, so starts with both shares above 3/4 reach
    (stag, stag) and starts with both below reach (hare, hare)."""
    _, game = load_any(CLASSROOM / "stag-hunt.toml")
    report = learn(game, LearningSettings(method="replicator", starts=200, seed=3))
    stag = next(k for k, eq in enumerate(report.equilibria.equilibria)
                if eq.strategies[0][0] == 1 and eq.strategies[1][0] == 1)
    hare = next(k for k, eq in enumerate(report.equilibria.equilibria)
                if eq.strategies[0][1] == 1 and eq.strategies[1][1] == 1)
    above = below = 0
    for start, label in zip(report.basins.starts, report.basins.labels, strict=True):
        x, y = start[0][0], start[1][0]
        if x > 0.75 and y > 0.75:
            assert label == stag
            above += 1
        elif x < 0.75 and y < 0.75:
            assert label == hare
            below += 1
    assert above > 0
    assert below > 0
    assert np.isclose(report.basins.shares().sum(), 1.0)


def test_relabelling_players_permutes_the_replicator_answer():
    """Swapping the two players (and transposing payoffs) swaps the final profile."""
    _, game = load_any(CLASSROOM / "chicken.toml")
    a = learn(game, LearningSettings(method="replicator", starts=5, seed=1))
    swapped = type(game)(name=game.name, players=game.players[::-1],
                         strategies=game.strategies[::-1],
                         payoffs=np.array([game.payoffs[1].T, game.payoffs[0].T]))
    starts = [(s[1], s[0]) for s in a.basins.starts]
    from sim.solvers.learning import replicator

    ends = [t.final for t in replicator(swapped.payoffs, starts, t_end=200.0, points=2)]
    for (x, y), (y2, x2) in zip(a.basins.finals, ends, strict=True):
        assert np.allclose(x, x2, atol=1e-6)
        assert np.allclose(y, y2, atol=1e-6)


def test_same_seed_same_bytes_and_the_seed_matters():
    args = (CLASSROOM / "battle-of-the-sexes.toml", "--method", "stochastic", "--rounds", "300",
            "--format", "json")
    first, again, other = invoke(*args), invoke(*args), invoke(*args, "--seed", "7")
    assert first.exit_code == 0, first.output
    assert first.stdout == again.stdout
    assert json.loads(first.stdout)["final"] != json.loads(other.stdout)["final"]


def test_three_players_and_the_figure(tmp_path):
    out = tmp_path / "learn.png"
    r = invoke(ROOT / "scenarios" / "three-party-2025.toml", "--method", "replicator",
               "--starts", "8", "--plot", out)
    assert r.exit_code == 0, r.output
    assert "Basins of attraction" in r.stdout
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_options_are_one_line_errors(tmp_path):
    for args, expected in [(("--method", "annealing"), "--method: got 'annealing'"),
                           (("--rounds", "0"), "--rounds: expected 1"),
                           (("--eta", "-1", "--method", "stochastic"), "--eta: expected"),
                           (("--format", "xml"), "--format: got 'xml'")]:
        r = invoke(CLASSROOM / "stag-hunt.toml", *args)
        assert r.exit_code == 2, r.output
        assert expected in r.output
        assert len(r.output.strip().splitlines()) == 1
    r = invoke(tmp_path / "missing.toml")
    assert r.exit_code == 2
