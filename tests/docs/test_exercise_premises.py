"""The premises of exercise questions hold by the tool's numbers, on several seeds.

An answer key whose numbers are recomputed (test_answer_keys.py) can still ask the wrong
question: exercise 4 once asked which *other* strategy recovers best under implementation
noise, while win-stay lose-shift still did. These tests recompute what each question takes
for granted, over seeds 1-4, so a change to the simulation cannot silently make a question
false.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from docblocks import ROOT
from typer.testing import CliRunner

from sim.cli import app

PD = str(ROOT / "scenarios/classroom/prisoners-dilemma.toml")
EXERCISE_4 = ROOT / "docs/exercises/04-noise-and-forgiveness.md"
SEEDS = (1, 2, 3, 4)


def _pairs(tmp_path: Path, monkeypatch, impl: float, perc: float, seed: int) -> dict:
    """Exercise 4's answer-key command with the given noise and seed, by strategy."""
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, [
        "truce", PD, "--format", "json", "--no-figures",
        "--strategies", "grim,tft,gtft,wsls,ctft", "--noise-impl", str(impl),
        "--noise-perception", str(perc), "--runs", "20000", "--seed", str(seed)])
    assert r.exit_code == 0, r.output
    pairs = json.loads(r.stdout)["simulation"]["pairs"]
    # 'gtft:0.333 / gtft:0.333' -> 'gtft'
    return {p["label"].split(" / ")[0].split(":")[0]: p for p in pairs}


def _best(pairs: dict, value) -> str:
    ranked = sorted(pairs, key=lambda k: value(pairs[k]), reverse=True)
    assert value(pairs[ranked[0]]) > value(pairs[ranked[1]]), "a tie: the question has no answer"
    return ranked[0]


def _recovery(p: dict) -> float:
    return p["recovery"] if p["recovery"] is not None else -1.0


def _payoff(p: dict) -> float:
    return p["payoffs"]["US"]["mean"]


@pytest.mark.parametrize("seed", SEEDS)
def test_question_2_perception_noise(seed, tmp_path, monkeypatch):
    # "Which pair is most likely to reach day 90 intact? Which recovers best?"
    pairs = _pairs(tmp_path, monkeypatch, impl=0, perc=0.05, seed=seed)
    assert _best(pairs, lambda p: p["expiry"]["probability"]) == "gtft"
    assert _best(pairs, _recovery) == "wsls"


@pytest.mark.parametrize("seed", SEEDS)
def test_question_3_implementation_noise(seed, tmp_path, monkeypatch):
    # "is the best recoverer also the best earner?": the key says no, wsls recovers best
    # and ctft earns most; both must hold on every seed, or the question misleads
    pairs = _pairs(tmp_path, monkeypatch, impl=0.05, perc=0, seed=seed)
    assert _best(pairs, _recovery) == "wsls"
    assert _best(pairs, _payoff) == "ctft"
    # and the contrast with perception noise the key draws: ctft no longer recovers at all
    # there, while under implementation noise it comes second
    assert sorted(pairs, key=lambda k: _recovery(pairs[k]))[-2] == "ctft"


def test_question_3_does_not_promise_a_different_recoverer():
    text = EXERCISE_4.read_text(encoding="utf-8")
    questions = text.split("## Questions")[1].split("## Hints")[0]
    assert "why is it a different one" not in questions
    assert "is the best recoverer also the best earner" in questions


# --------------------------------------------------------------------------- exercises 2-7
# Each test below recomputes what a question takes for granted, so that an edit to a
# scenario or a solver that makes the question false fails here, not in a classroom.

LONDON = ROOT / "scenarios/london-2025.toml"
CHICKEN = ROOT / "scenarios/classroom/tariff-chicken.toml"


def _json(tmp_path: Path, monkeypatch, *args: str) -> dict:
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, [*args, "--format", "json", "--no-figures"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_exercise_2_question_5_a_common_period_reverses_the_ranking(tmp_path, monkeypatch):
    # "Does the ranking you would read off the printed numbers survive?" -- it must not
    args = ("--runs", "2", "--strategies", "comply")
    pd = _json(tmp_path, monkeypatch, "truce", PD, *args)
    ldn = _json(tmp_path, monkeypatch, "truce", str(LONDON), *args)
    assert pd["time"]["period_days"] != ldn["time"]["period_days"]
    assert ldn["delta_star"] < pd["delta_star"]  # as printed, London looks easier
    for days in (30.0, 365.0):  # on a common clock it needs more patience
        per = [x["delta_star"] ** (days / x["time"]["period_days"]) for x in (pd, ldn)]
        assert per[1] > per[0], days
    for x in (pd, ldn):  # and both are still sustainable at their own delta
        assert x["sustainable"]
        assert x["delta_star"] < x["time"]["delta"]


@pytest.mark.parametrize("war_cost", [4.0, 8.0, 15.0])
def test_exercise_3_question_4_own_war_cost_moves_only_the_rival(war_cost):
    # "Does the US escalate less often?" -- no: p stays 2/5, China's q = 2/(2 + c - 3)
    import sim
    from sim.scenario.build import build_game

    s = sim.load_scenario(CHICKEN)
    mixed = [e for e in sim.solve(build_game(s, {"war_cost_us": war_cost}))
             if 0 < e.strategies["US"][1] < 1]
    assert len(mixed) == 1
    assert mixed[0].strategies["US"][1] == pytest.approx(0.4)
    assert mixed[0].strategies["China"][1] == pytest.approx(2 / (2 + war_cost - 3))


@pytest.mark.parametrize("side", ["US", "China"])
def test_exercise_5_question_4_only_kalai_smorodinsky_moves(side, tmp_path, monkeypatch):
    # over each outside option's whole range: Rubinstein and Nash stay, KS moves to the side
    b = _json(tmp_path, monkeypatch, "bargain", str(LONDON))
    o = b["outside_options"][side]
    k = b["players"].index(side)
    sweep = o["sweep"]
    assert o["rubinstein_binds_above"] > o["range"][1]
    assert o["moves_nash_above"] > o["range"][1]
    for name in ("rubinstein", "nash"):
        assert all(p == pytest.approx(sweep[name][0]) for p in sweep[name]), name
    ks = [p[k] for p in sweep["kalai_smorodinsky"]]
    assert ks[-1] > ks[0] + 0.1
    assert all(b2 >= a - 1e-9 for a, b2 in itertools.pairwise(ks))


def test_exercise_6_question_3_linked_constraints_are_the_sums(tmp_path, monkeypatch):
    # students predict the linked delta* by adding the per-issue gains and losses
    b = _json(tmp_path, monkeypatch, "bargain", str(LONDON))
    for deal in b["linkage"]["deals"]:
        for p in b["players"]:
            for part in ("gain", "loss"):
                total = sum(issue[part][p] for issue in deal["separate"].values())
                assert deal["linked"][part][p] == pytest.approx(total), (deal["name"], p)
        g, loss = deal["linked"]["gain"], deal["linked"]["loss"]
        stars = [g[p] / (g[p] + loss[p]) if g[p] > 0 and loss[p] > 0 else
                 (0.0 if g[p] <= 0 else None) for p in b["players"]]
        if deal["linked_delta_star"] is not None:
            assert max(s for s in stars if s is not None) == pytest.approx(
                deal["linked_delta_star"]), deal["name"]


def test_exercise_7_the_value_of_moving_first_is_symmetric_in_chicken(tmp_path, monkeypatch):
    # the key says 5 each: no tie-break may hand it to one side
    b = _json(tmp_path, monkeypatch, "bargain", str(CHICKEN))
    mo = b["move_order"]
    assert mo["first_mover_value"]["US"] == mo["first_mover_value"]["China"] > 0
    assert mo["commitment_value"]["US"] == mo["commitment_value"]["China"] > 0
    assert all(o["ties_on_path"] == 0 for o in mo["orders"])
    first = {o["name"]: o["outcome"]["levels"] for o in mo["orders"]}
    # the first mover commits to escalating; the follower is the one who eases
    assert first["US first"] == {"US": {"us_tariff": "escalate"}, "China": {"cn_tariff": "hold"}}
    assert first["China first"] == {"US": {"us_tariff": "hold"},
                                    "China": {"cn_tariff": "escalate"}}


def test_exercise_7_question_4_london_restriction_is_dominant_chicken_is_not():
    import numpy as np

    import sim

    g = sim.load_game(LONDON)
    restrictive = {0: {"chip_controls": "strict"},
                   1: {"rare_earths": "held", "critical_minerals": "banned"}}
    sizes = [[len(levels) for levels in p] for p in g.levels]
    tensor = np.asarray(g.payoffs).reshape(2, *sizes[0], *sizes[1])
    for p, levers in restrictive.items():
        for lever, level in levers.items():
            k = g.levers[p].index(lever)
            axis = k + (0 if p == 0 else len(sizes[0]))
            best = np.take(tensor[p], g.levels[p][k].index(level), axis=axis)
            for other in range(len(g.levels[p][k])):
                alt = np.take(tensor[p], other, axis=axis)
                assert np.all(best >= alt - 1e-9), (lever, level)  # dominant, lever by lever
    pure = [e for e in sim.solve(g) if all(max(x) > 1 - 1e-9 for x in e.strategies.values())]
    assert len(pure) == 1
    label = pure[0].labels
    assert "chip_controls=strict" in label["US"]
    assert "rare_earths=held" in label["China"]
    assert "us_tariff=war" not in label["US"]  # nor is the April tariff escalation one
    c = sim.solve(CHICKEN)
    assert not any(e.strategies["US"][1] > 1 - 1e-9 and e.strategies["China"][1] > 1 - 1e-9
                   for e in c)


def test_exercise_5_question_3_easing_farm_access_lowers_the_joint_payoff():
    # "why would a deal efficient for both leave farm access restricted?"
    import sim

    g = sim.load_game(LONDON)
    b = sim.bargain(LONDON)
    (deal,) = b.solutions.nash.lottery
    label = deal.profiles[0]
    assert "farm_access=restricted" in label
    index = next(s for s in itertools.product(*map(range, g.shape))
                 if g.profile_label(s) == label)
    china = g.lever_choice(1, index[1])
    eased = g.profile_index({"US": g.lever_choice(0, index[0]),
                             "China": {**china, "farm_access": "eased"}})
    us_gain = g.payoffs[0][eased] - g.payoffs[0][index]
    cn_loss = g.payoffs[1][index] - g.payoffs[1][eased]
    assert us_gain == pytest.approx(0.15)
    assert cn_loss == pytest.approx(0.30)
    assert us_gain < cn_loss


@pytest.mark.parametrize("war_cost", ["4", "8", "15"])
def test_exercise_7_question_2_war_costs_do_not_enter(war_cost, tmp_path, monkeypatch):
    # off the equilibrium path: over the war cost's whole range the value of moving first
    # stays 5 for each side
    b = _json(tmp_path, monkeypatch, "bargain", str(CHICKEN), "--set",
              f"war_cost_us={war_cost}")
    assert b["move_order"]["first_mover_value"] == {"US": 5.0, "China": 5.0}
