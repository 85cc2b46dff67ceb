"""The truce model on scenario files: London against Geneva, the report's sentences, and
the [truce] keys' one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.analyses import truce_model as am
from sim.analyses.truce_json import to_json
from sim.cli import app
from sim.render.truce_model import sides_text
from sim.scenario import load_scenario
from sim.scenario.build import build_game

ROOT = Path(__file__).resolve().parents[2]
LONDON = ROOT / "scenarios" / "london-2025.toml"
GENEVA = ROOT / "scenarios" / "geneva-truce-2025.toml"
PD = ROOT / "scenarios" / "classroom" / "prisoners-dilemma.toml"


def model(path: Path, **overrides: float) -> dict:
    sc = load_scenario(path)
    game = build_game(sc, overrides or None)
    body = sc.truce

    def index(name: str | None):
        return None if name is None else tuple(game.profile_index(sc.profiles[name]))

    s = am.model_settings(
        sc,
        game,
        truce=index(body.profile),
        escalation=index(body.escalation),
        overrides=overrides,
    )
    return to_json(am.analyse(sc, game, s, overrides=overrides, runs=0, seed=0), game)


@pytest.fixture(scope="module")
def london() -> dict:
    return model(LONDON)


def test_london_says_who_breaks_on_which_issue_and_the_mildest_punishment(london):
    lk = london["likelier"]
    assert lk["side"] == "China"
    assert lk["issue"] == "chips_for_rare_earths"
    assert lk["levels"] == {"rare_earths": "held"}
    china = london["sides"]["China"]
    assert china["breach_rate"] > london["sides"]["US"]["breach_rate"]
    pun = china["punished_by"]
    assert pun["punisher"] == "US"
    assert pun["deters"]
    assert pun["credible"]
    assert pun["needed"]
    assert pun["levels"] == {"us_tariff": "war"}
    text = "\n".join(sides_text(london))
    assert "China is likelier to break the truce" in text
    assert "Mildest deterring punishment of China: US sets us_tariff=war" in text


def test_london_and_geneva_differ_where_their_payoffs_differ(london):
    geneva = model(GENEVA)
    # Geneva's truce has rare earths released: holding them gains China more, but the US
    # signal then sees a breach far better, so China is deterred far more often.
    assert (
        geneva["sides"]["China"]["issues"][-1]["gain"]
        > london["sides"]["China"]["issues"][0]["gain"]
    )
    assert (
        abs(geneva["sides"]["China"]["breach_rate"] - london["sides"]["China"]["breach_rate"]) > 0.1
    )
    assert abs(geneva["outcomes"]["no_slip"] - london["outcomes"]["no_slip"]) > 0.1


def test_more_temptation_moves_the_london_outcome():
    low, high = model(LONDON, re_leverage_cn=1.0), model(LONDON, re_leverage_cn=4.0)
    assert high["sides"]["China"]["breach_rate"] >= low["sides"]["China"]["breach_rate"]
    assert high["outcomes"]["no_slip"] <= low["outcomes"]["no_slip"]


def test_a_classroom_game_without_shocks_and_the_fixed_renewal():
    pd = model(PD)
    assert pd["shocks"] == []
    assert pd["samples"] == 1
    # no shocks: T - R = 2 against a one-period punishment worth delta (R - P)... each side
    # is deterred or not for sure, so the breach rate is 0 or 1
    assert pd["sides"]["US"]["breach_rate"] in (0.0, 1.0)
    assert pd["outcomes"]["renewed_source"] == "choice"  # no renewal_probability in the file


def test_the_truce_command_reports_the_model_in_json():
    res = CliRunner().invoke(
        app, ["truce", str(LONDON), "--format", "json", "--no-figures", "--runs", "2000"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    m = data["model"]
    assert set(m["outcomes"]) >= {
        "no_slip",
        "dispute",
        "disputes_per_year",
        "punished_days",
        "repair_days",
        "collapse",
        "renewed",
        "payoffs",
        "stage",
    }
    sim = m["simulated"]
    assert abs(sim["no_slip"]["mean"] - m["outcomes"]["no_slip"]) <= 4 * sim["no_slip"]["se"] + 1e-9


BAD = [
    ('renewal = "maybe"', "[truce.renewal] got 'maybe'; expected 'fixed'"),
    ("punishment_lengths = [0]", "[truce.punishment_lengths] expected a non-empty list"),
    ("shock_samples = 0", "[truce.shock_samples] expected a whole number"),
    ('[truce.shocks]\nnot_there = "range"', "[truce.shocks.not_there] names 'not_there'"),
    ("[truce.shocks]\nshock_x = { sd = -1 }", "[truce.shocks.shock_x.sd] -1 is outside"),
    ("[truce.monitoring.nope]\nsd = 0.1", "[truce.monitoring.nope] names unknown lever"),
    ('[truce.monitoring.tariff]\nsd = 0.1\nnoise = "cauchy"', "expected 'normal' or 'uniform'"),
    ('[truce.punishments.Mars]\nlevers = ["tariff"]', "[truce.punishments.Mars] names unknown"),
    ('[truce.punishments.A]\nlevers = ["quota"]', "names 'quota', which is not a lever of A"),
]

FILE = """
[scenario]
name = "mini"
title = "mini"
[assumptions]
shock_x = {{ value = 1.0, range = [0, 2], why = "test" }}
[players.A.levers.tariff]
levels = {{ low = 0, high = 1 }}
[players.B.levers.quota]
levels = {{ low = 0, high = 1 }}
[payoffs]
A = "3 - 2 * quota + tariff"
B = "3 - 2 * tariff + quota"
[profiles.calm]
A = {{ tariff = "low" }}
B = {{ quota = "low" }}
[truce]
profile = "calm"
discount = 0.9
{extra}
"""


@pytest.mark.parametrize(("extra", "message"), BAD)
def test_bad_truce_model_keys_are_one_line_errors(tmp_path, extra, message):
    path = tmp_path / "mini.toml"
    path.write_text(FILE.format(extra=extra))
    res = CliRunner().invoke(app, ["validate", str(path)])
    assert res.exit_code == 2
    assert message in res.output, res.output
    assert "Traceback" not in res.output


def test_the_mini_file_is_valid_and_runs(tmp_path):
    path = tmp_path / "mini.toml"
    path.write_text(FILE.format(extra='[truce.shocks]\nshock_x = "range"'))
    res = CliRunner().invoke(app, ["truce", str(path), "--no-figures", "--runs", "100"])
    assert res.exit_code == 0, res.output
    assert "Truce model" in res.output
