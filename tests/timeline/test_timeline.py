"""Timelines: stage changes, per-stage answers of a textbook game, hazard, backtest scores.

The base game is a 2x2 game in lever form with payoffs T (temptation), R (reward),
P (punishment), S (sucker): with T < R mutual compliance is a Nash equilibrium (a stag
hunt); with T = 5 > R = 3 > P = 1 > S = 0 it is a prisoner's dilemma (Axelrod, 1984) in
which it is not, and grim trigger sustains it iff delta >= (T - R)/(T - P) = 1/2.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.analyses.backtest import brier, laplace, log_score, truce_outcomes
from sim.analyses.timeline import analyse_timeline, effective_discount
from sim.cli import app
from sim.errors import ScenarioErrors
from sim.scenario.timeline import apply_changes, load_timeline

BASE = """
[scenario]
name = "pd-levers"
title = "Comply or breach, in lever form"

[sources.axelrod-1984]
outlet = "Basic Books"
date = "1984"
title = "The Evolution of Cooperation"

[assumptions]
T = { value = 2, range = [0, 6], why = "temptation" }
R = { value = 3, range = [0, 6], why = "reward" }
P = { value = 1, range = [0, 6], why = "punishment" }
S = { value = 0, range = [0, 6], why = "sucker" }
delta = { value = 0.6, range = [0.1, 0.99], why = "patience per period" }
eps = { value = 0.1, range = [0, 0.2], why = "perception noise: compliance read as a breach" }

[players.US.levers.us_move]
levels = { comply = 0, breach = 1 }

[players.China.levers.cn_move]
levels = { comply = 0, breach = 1 }

[payoffs]
US = "(1 - us_move) * (1 - cn_move) * R + (1 - us_move) * cn_move * S + us_move * (1 - cn_move) * T + us_move * cn_move * P"
China = "(1 - us_move) * (1 - cn_move) * R + (1 - cn_move) * us_move * S + cn_move * (1 - us_move) * T + us_move * cn_move * P"

[profiles.truce]
US = "comply"
China = "comply"

[truce]
profile = "truce"
discount = "delta"
period_days = 7
noise_perception = "eps"
"""

TIMELINE = """
[timeline]
name = "pd-timeline"
title = "A stag hunt that turns into a prisoner's dilemma"
base = "base.toml"

[stages.one]
date = 2025-01-01
recorded = { US = "comply", China = "comply" }
recorded_sources = ["axelrod-1984"]

[stages.two]
date = 2025-01-15
assumptions = { T = { value = 5, range = [0, 6], why = "temptation rises" } }
recorded = { US = "comply", China = "comply" }
recorded_sources = ["axelrod-1984"]

[stages.three]
date = 2025-01-29
hazard = { cn_move = { comply = 0.2 } }
recorded = { US = "breach", China = "?" }
recorded_sources = ["axelrod-1984"]
"""


def write(tmp_path: Path, timeline: str = TIMELINE, base: str = BASE) -> Path:
    (tmp_path / "base.toml").write_text(base)
    path = tmp_path / "timeline.toml"
    path.write_text(timeline)
    return path


@pytest.fixture
def result(tmp_path: Path):
    return analyse_timeline(load_timeline(write(tmp_path)))


def test_a_payoff_change_ends_the_equilibrium_at_the_known_stage(result) -> None:
    one, two, three = result.stages
    assert one.status.equilibrium == "yes"  # T=2 < R=3: a stag hunt
    assert two.status.equilibrium == "no"  # T=5: a prisoner's dilemma
    assert "assumption T: 2 -> 5" in two.changed
    assert "recorded profile equilibrium: yes -> no" in two.changed
    assert two.equilibria[0].strategies == {"US": {"us_move=breach": 1.0},
                                             "China": {"cn_move=breach": 1.0}}
    assert two.status.pareto == "yes"
    assert three.status.known is False  # China's move was not reported


def test_grim_trigger_threshold_is_the_textbook_one(result) -> None:
    two = result.stages[1]
    assert two.truce.delta_star == pytest.approx((5 - 3) / (5 - 1))
    assert two.status.self_enforcing == "yes"  # 0.6 >= 0.5
    assert result.stages[0].truce.delta_star == 0.0  # no gain from breaching when T < R


def test_hazard_multiplies_the_discount_factor_by_one_minus_h(result) -> None:
    three = result.stages[2]
    assert three.truce.delta_effective == pytest.approx(0.6 * (1 - 0.2))
    assert three.truce.hazard_factor == pytest.approx(0.8)
    assert not three.truce.sustainable  # 0.48 < 0.5, while 0.6 alone would sustain it
    assert "hazard cn_move=comply: 0 -> 0.2" in three.changed
    assert "truce sustainable: yes -> no" in three.changed
    assert effective_discount(0.9, [0.1, 0.5]) == pytest.approx(0.9 * 0.9 * 0.5)


def test_brier_and_log_scores_by_hand(result) -> None:
    """The truce model's P(intact) with perception noise only: a false accusation is
    contested and the truce collapses, so it stays intact over n periods with probability
    (1 - pi)^(2n) (no deliberate breach: T < R at stage one, and at stage two the targeted
    punishment costs 3 a period against a gain of 2). Brier's score sums over the three
    outcomes."""
    one, two, three = result.stages
    p = 0.9**4  # 14 days of 7-day periods: n = 2
    assert one.truce.to_next == pytest.approx({"intact": p, "renewed": 0.0, "collapsed": 1 - p})
    assert one.prediction.probability == pytest.approx(p)
    assert one.prediction.observed == "intact"
    assert one.prediction.brier == pytest.approx((1 - p) ** 2 + (1 - p) ** 2)
    assert one.prediction.log == pytest.approx(math.log(p))
    assert one.prediction.baseline == 0.5
    assert one.prediction.brier_baseline == pytest.approx(0.5)
    assert two.prediction.observed == "collapsed"  # the US breached
    assert two.prediction.baseline == pytest.approx(2 / 3)  # Laplace after 1 repeat in 1
    assert two.prediction.brier == pytest.approx(2 * p**2)
    assert two.prediction.log == pytest.approx(math.log(1 - p))
    assert two.prediction.brier_baseline == pytest.approx(2 * (2 / 3) ** 2)
    assert three.prediction is None
    assert result.score.scored == 2
    assert result.score.brier == pytest.approx((2 * (1 - p) ** 2 + 2 * p**2) / 2)
    assert result.score.brier_baseline == pytest.approx((0.5 + 8 / 9) / 2)
    assert result.score.log_baseline == pytest.approx((math.log(0.5) + math.log(1 / 3)) / 2)


def test_score_functions() -> None:
    assert brier({"a": 0.7, "b": 0.3}, "a") == pytest.approx(0.09 + 0.09)
    assert brier({"a": 0.7, "b": 0.2, "c": 0.1}, "b") == pytest.approx(0.49 + 0.64 + 0.01)
    assert log_score({"a": 0.0, "b": 1.0}, "a") == pytest.approx(math.log(1e-3))
    assert laplace(0, 0) == 0.5
    assert laplace(3, 4) == pytest.approx(4 / 6)


def test_truce_outcomes_closed_forms() -> None:
    curve = [0.0, 0.2, 0.36, 0.488]  # collapse 0.2 a period over a 3-period term
    out = truce_outcomes(curve, 0.256, periods_to_next=2, periods_to_expiry=3)
    assert out == pytest.approx({"intact": 0.64, "renewed": 0.0, "collapsed": 0.36})
    # the deadline (1 period) passes first: alive 0.8 then renewed with q = 0.256 / 0.512
    out = truce_outcomes(curve, 0.256, periods_to_next=2, periods_to_expiry=1)
    assert out == pytest.approx({"intact": 0.0, "renewed": 0.4, "collapsed": 0.6})
    out = truce_outcomes(curve, 0.256, periods_to_next=2, periods_to_expiry=3,
                         hazard_factor=0.5)
    assert out["intact"] == pytest.approx(0.64 * 0.25)


RENEWAL = TIMELINE.replace("""[stages.one]
date = 2025-01-01
""", """[stages.one]
date = 2025-01-01
truce = { deadline = 2025-01-08, renewal_probability = 0.5 }
""")


def test_a_deadline_before_the_next_date_predicts_renewal(tmp_path: Path) -> None:
    """One 7-day period to the deadline, then renewal with the file's probability 1/2:
    renewed = (1 - pi)^2 * 1/2."""
    one = analyse_timeline(load_timeline(write(tmp_path, RENEWAL))).stages[0]
    assert one.truce.expires_before_next is True
    assert one.truce.to_next == pytest.approx(
        {"intact": 0.0, "renewed": 0.81 * 0.5, "collapsed": 1 - 0.81 * 0.5})
    assert one.prediction.observed == "renewed"


def test_apply_changes_is_pure_and_strips_removed_levers() -> None:
    data = {"players": {"US": {"levers": {"a": {"levels": {"x": 0, "y": 1}},
                                          "b": {"levels": {"z": 0}}}}},
            "profiles": {"p": {"US": {"a": "x", "b": "z"}}}}
    out = apply_changes(data, {"remove_levers": ["b"], "levels": {"a": {"w": 2}}})
    assert out["players"]["US"]["levers"] == {"a": {"levels": {"x": 0, "y": 1, "w": 2}}}
    assert out["profiles"]["p"] == {"US": {"a": "x"}}
    assert "b" in data["players"]["US"]["levers"]  # the input is untouched


def test_a_stage_can_name_a_scenario_file(tmp_path: Path) -> None:
    (tmp_path / "pd.toml").write_text(BASE.replace("value = 2,", "value = 5,"))
    path = write(tmp_path, TIMELINE.replace(
        "[stages.two]\ndate = 2025-01-15\n", '[stages.two]\ndate = 2025-01-15\nscenario = "pd.toml"\n'
    ).replace("assumptions = { T = { value = 5, range = [0, 6], why = \"temptation rises\" } }\n", ""))
    two = analyse_timeline(load_timeline(path)).stages[1]
    assert two.status.equilibrium == "no"
    assert "assumption T: 2 -> 5" in two.changed


def _errors(tmp_path: Path, timeline: str) -> list[str]:
    with pytest.raises(ScenarioErrors) as info:
        load_timeline(write(tmp_path, timeline))
    return [e.one_line() for e in info.value.errors]


def test_unknown_lever_in_a_recorded_profile(tmp_path: Path) -> None:
    bad = TIMELINE.replace('recorded = { US = "breach", China = "?" }',
                           'recorded = { US = { tariff = "high" }, China = "?" }')
    (line,) = _errors(tmp_path, bad)
    number = bad.splitlines().index('recorded = { US = { tariff = "high" }, China = "?" }') + 1
    assert line.startswith(f"{tmp_path / 'timeline.toml'}:{number}: [stages.three.recorded.US"
                           ".tariff] 'tariff' is not a lever of US")


def test_dates_out_of_order(tmp_path: Path) -> None:
    bad = TIMELINE.replace("date = 2025-01-29", "date = 2025-01-10")
    (line,) = _errors(tmp_path, bad)
    number = bad.splitlines().index("date = 2025-01-10") + 1
    assert f"timeline.toml:{number}: [stages.three.date] 2025-01-10 is before" in line


def test_removing_a_lever_the_truce_uses(tmp_path: Path) -> None:
    bad = TIMELINE.replace('hazard = { cn_move = { comply = 0.2 } }', 'remove_levers = ["cn_move"]')
    lines = _errors(tmp_path, bad)
    number = bad.splitlines().index('remove_levers = ["cn_move"]') + 1
    assert f"timeline.toml:{number}: [stages.three.remove_levers] removes 'cn_move', which " \
           "the truce profile uses" in lines[0]


def test_a_stage_scenario_that_breaks_a_rule_names_the_stage(tmp_path: Path) -> None:
    bad = TIMELINE.replace('hazard = { cn_move = { comply = 0.2 } }',
                           'payoffs = { US = "us_move + nowhere" }')
    (line,) = _errors(tmp_path, bad)
    assert "[stages.three] after this stage's changes, [payoffs.US]" in line


def test_cli_json_and_table(tmp_path: Path) -> None:
    path = write(tmp_path)
    runner = CliRunner()
    res = runner.invoke(app, ["timeline", str(path), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [s["key"] for s in data["stages"]] == ["one", "two", "three"]
    assert data["stages"][1]["status"]["equilibrium"] == "no"
    assert data["score"]["scored"] == 2
    table = runner.invoke(app, ["timeline", str(path)])
    assert table.exit_code == 0
    assert "Backtest over 2 scored stage(s)" in table.stdout


def test_the_html_report_has_the_backtest_and_every_stage(tmp_path: Path) -> None:
    """``--report`` writes one page with no outside resources: the figure embedded, the
    backtest table with each scored prediction and the means, a section per stage; the
    same input gives the same bytes."""
    path = write(tmp_path)
    pages = []
    for name in ("a.html", "b.html"):
        res = CliRunner().invoke(app, ["timeline", str(path), "--report",
                                       str(tmp_path / name)])
        assert res.exit_code == 0, res.output
        pages.append((tmp_path / name).read_text())
    page = pages[0]
    assert pages[0] == pages[1]
    assert page.count("data:image/png;base64,") == 1
    assert "http://" not in page
    assert "https://" not in page
    assert page.count("<section id='stage-") == 3
    assert "<td>the truce is intact at the next date</td>" in page
    assert "<td>collapsed</td>" in page  # stage two: the US breached by stage three
    assert f"{(1 - 0.9**4) ** 2 * 2:.3g}" in page  # stage one's Brier score
    assert "Mean over 2 scored stage(s)" in page


def test_cli_bad_timeline_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = TIMELINE.replace("date = 2025-01-29", "date = 2025-01-10")
    res = CliRunner().invoke(app, ["timeline", str(write(tmp_path, bad))])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert len(res.stderr.strip().splitlines()) == 1


BUNDLED = Path(__file__).resolve().parents[2] / "scenarios" / "timelines" / "us-china-2025.toml"


def test_the_bundled_timeline_runs_and_reports_every_stage() -> None:
    res = CliRunner().invoke(app, ["timeline", str(BUNDLED), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [s["date"] for s in data["stages"]] == ["2025-04-15", "2025-05-12", "2025-06-09"]
    for stage in data["stages"]:
        assert stage["equilibria"]
        assert set(stage["status"]) >= {"equilibrium", "self_enforcing", "pareto"}
        assert "delta_star" in stage["truce"]  # null when no delta sustains the truce
        assert stage["recorded_sources"]
    assert data["stages"][1]["truce"]["deadline"] == "2025-08-12"
    assert data["stages"][0]["prediction"]["brier"] is not None
    assert data["stages"][2]["truce"]["hazard_factor"] == pytest.approx(1 - 0.05)
    assert data["score"]["scored"] == 2
    for stage in data["stages"]:
        assert set(stage["truce"]["model"]) >= {"no_slip", "dispute", "collapse", "renewed"}
    geneva = data["stages"][1]
    assert sum(geneva["truce"]["to_next"].values()) == pytest.approx(1.0)
    assert geneva["prediction"]["outcomes"] == geneva["truce"]["to_next"]
    assert geneva["prediction"]["observed"] == "intact"  # tariffs still 30% / 10% in June
    assert geneva["truce"]["delta_star"] == pytest.approx(0.449, abs=1e-3)


def test_the_bundled_timeline_cites_its_hazards() -> None:
    timeline = load_timeline(BUNDLED)
    london = timeline.stages[-1]
    assert london.hazard == {("us_tariff", "geneva"): 0.05}
    q = london.scenario.assumptions["geneva_lapse_hazard"]
    assert q.range == (0.0, 0.2)
    assert q.sources == ("ap-0611",)
    assert "hazard = { us_tariff = { geneva = \"geneva_lapse_hazard\" } }" in timeline.text


def test_the_figure_is_a_png_and_the_same_bytes_twice(tmp_path: Path, result) -> None:
    from sim.plots.timeline import timeline_figure

    png = timeline_figure(result)
    assert png.startswith(b"\x89PNG")
    assert timeline_figure(result) == png
    out = tmp_path / "figs" / "timeline.png"
    res = CliRunner().invoke(app, ["timeline", str(BUNDLED), "--figure", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_bytes().startswith(b"\x89PNG")


def test_expected_profile_is_the_truce_when_sustained(result) -> None:
    one, _, three = result.stages
    assert one.expected == "US: us_move=comply | China: cn_move=comply"
    assert three.expected == "US: us_move=breach | China: cn_move=breach"  # 0.48 < 0.5
    assert three.recorded_values == {"us_move": 1.0, "cn_move": None}


def _matrix_timeline(tmp_path: Path, name: str, recorded: str) -> Path:
    base = Path(__file__).resolve().parents[2] / "scenarios" / "classroom" / f"{name}.toml"
    path = tmp_path / "matrix.toml"
    path.write_text(f"""
[timeline]
name = "matrix"
base = "{base.as_posix()}"

[stages.one]
date = 2025-01-01
recorded = {recorded}
recorded_sources = ["axelrod-1984"]

[stages.two]
date = 2025-02-01
recorded = {{ US = "breach", China = "?" }}
recorded_sources = ["axelrod-1984"]
""")
    return path


def test_a_game_matrix_scenario_is_a_timeline_base(tmp_path: Path) -> None:
    """[game] players have one lever, ``strategy``: the textbook prisoner's dilemma's
    threshold (T - R)/(T - P) = 1/2 and (comply, comply) as the Nash deal."""
    path = _matrix_timeline(tmp_path, "prisoners-dilemma", '{ US = "comply", China = "comply" }')
    one, two = analyse_timeline(load_timeline(path)).stages
    assert one.status.equilibrium == "no"
    assert one.status.pareto == "yes"
    assert one.truce.delta_star == pytest.approx(0.5)
    assert one.deal == "US: comply | China: comply"
    assert one.recorded_values == {"US strategy": 0.0, "China strategy": 0.0}
    assert one.prediction.observed == "collapsed"  # the US breached by the next date
    assert two.status.known is False


def test_a_bad_level_in_a_matrix_record_names_the_player(tmp_path: Path) -> None:
    path = _matrix_timeline(tmp_path, "prisoners-dilemma", '{ US = "cooperate" }')
    with pytest.raises(ScenarioErrors, match=r"recorded\.US\.strategy.*breach, comply"):
        load_timeline(path)


def test_the_stage_deal_is_the_bargain_deal_even_a_lottery(tmp_path: Path) -> None:
    """Battle of the sexes: the Nash deal over Nash reversion is the 50/50 lottery of the
    two coordinated outcomes, (1.5, 1.5), not either pure profile."""
    base = Path(__file__).resolve().parents[2] / "scenarios/classroom/battle-of-the-sexes.toml"
    path = tmp_path / "bos.toml"
    path.write_text(f'[timeline]\nname = "bos"\nbase = "{base.as_posix()}"\n\n'
                    '[stages.one]\ndate = 2025-01-01\n')
    one = analyse_timeline(load_timeline(path)).stages[0]
    assert one.deal_payoffs == pytest.approx({"Row": 1.5, "Column": 1.5})
    assert one.deal.startswith("50.0% [")
    assert " + 50.0% [" in one.deal


def test_stage_truce_answers_agree_with_the_other_commands() -> None:
    """Each stage's delta, delta* (the file's punishment, the April escalation for Geneva)
    and deal are those of the sensitivity point at the stage's scenario, i.e. of ``truce``
    and ``bargain``; with Nash reversion instead, no delta < 1 would sustain Geneva."""
    from sim.analyses import points as pt
    from sim.scenario.build import build_game
    from sim.solvers import repeated as rp

    root = Path(__file__).resolve().parents[2]
    result = analyse_timeline(load_timeline(root / "scenarios/timelines/us-china-2025.toml"))
    stages = load_timeline(root / "scenarios/timelines/us-china-2025.toml").stages
    for stage, sa in zip(stages, result.stages, strict=True):
        point = pt.evaluate(stage.scenario, {}, pt.Settings(runs=0))
        assert sa.truce.delta == pytest.approx(point.truce.delta)
        assert sa.truce.delta_star == pytest.approx(point.truce.delta_star)
        assert sa.deal_payoffs == pytest.approx(dict(zip(["US", "China"], point.deal.payoffs,
                                                         strict=True)))
    geneva = stages[1].scenario
    game = build_game(geneva)
    index = game.profile_index(geneva.profiles["geneva"])
    assert math.isinf(rp.thresholds(game.payoffs, index, "nash").delta_star)
    assert result.stages[1].truce.sustainable
