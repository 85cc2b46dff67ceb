"""The class game's rules: judging moves by lever, noise, robots, stopping, pairing, theory."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SCENARIOS

from sim.errors import InputError
from sim.scenario import load_scenario
from sim.scenario.build import build_game
from sim.serve import engine, setup, theory
from sim.serve.setup import Pair
from sim.solvers.truce import grim_survival


def room(name="london-2025.toml", **settings):
    sc = load_scenario(SCENARIOS / name)
    return engine.classroom(sc, build_game(sc), setup.settings(settings))


def test_a_concession_keeps_the_truce_and_an_escalation_breaks_it():
    r = room()
    us = r.choice(0, r.truce[0])
    eased = r.index(0, {**us, "chip_controls": "eased"})
    war = r.index(0, {**us, "us_tariff": "war"})
    levers = r.lever_names(0)
    assert r.kept(0, r.truce[0], levers)
    assert r.kept(0, eased, levers)  # China gains when the US eases chip controls
    assert not r.kept(0, war, levers)
    # the definition: the other side's payoff against its truce levels
    china = r.game.payoffs[1]
    assert china[eased, r.truce[1]] > china[r.truce]
    assert china[war, r.truce[1]] < china[r.truce]


def test_separate_issues_judge_each_issue_alone():
    r = room()
    us = r.choice(0, r.truce[0])
    mixed = r.index(0, {**us, "us_tariff": "war", "chip_controls": "eased"})
    parts = dict(r.parts(linked=False))
    assert not r.kept(0, mixed, parts["tariffs"])
    assert r.kept(0, mixed, parts["chips_for_rare_earths"])
    assert r.kept(0, mixed, parts["access_for_farms"])  # untouched


def test_the_prisoners_dilemma_breach_breaks_the_truce():
    r = room("classroom/prisoners-dilemma.toml")
    assert r.truce == (0, 0)
    assert r.breach == (1, 1)
    assert r.kept(1, 0, ("strategy",))
    assert not r.kept(1, 1, ("strategy",))
    assert r.parts(linked=False) == r.parts(linked=True)  # no issues: always linked


@pytest.mark.parametrize("bad", [{"us_tariff": "zero"}, {"nope": "x"}, "war", {}])
def test_moves_outside_the_levers_are_refused(bad):
    r = room()
    with pytest.raises(setup.MoveError):
        r.index(0, bad if not isinstance(bad, dict) else {**r.choice(0, 0), **bad}
                if bad else {})


def test_a_round_is_the_same_whatever_the_order_and_replays_identically():
    r = room(noise_implementation=0.2, seed=5)
    pair = Pair(id=3, seats=(1, 2), noise=True, linked=False)
    one = r.resolve(pair, 4, (r.truce[0], r.truce[1]), [])
    two = r.resolve(pair, 4, (r.truce[0], r.truce[1]), [])
    assert one == two
    # each pair and round has its own draws
    slips = {(pid, t): r.resolve(Pair(id=pid, seats=(1, 2), noise=True, linked=False), t,
                                 r.truce, [])["sides"][0]["slipped"]
             for pid in (1, 2) for t in range(1, 60)}
    assert [slips[1, t] for t in range(1, 60)] != [slips[2, t] for t in range(1, 60)]


def test_perception_noise_misreads_kept_parts_at_its_rate_and_never_breaches():
    r = room("classroom/prisoners-dilemma.toml", noise_perception=0.3)
    pair = Pair(id=1, seats=(1, 2), noise=True, linked=True)
    seen = [r.resolve(pair, t, (0, 0), [])["sides"][0]["seen"]["truce"] for t in range(1, 2001)]
    rate = 1 - np.mean(seen)
    assert abs(rate - 0.3) < 4 * np.sqrt(0.3 * 0.7 / 2000)
    quiet = Pair(id=1, seats=(1, 2), noise=False, linked=True)
    assert all(r.resolve(quiet, t, (0, 0), [])["sides"][0]["seen"]["truce"] for t in range(200))
    broke = r.resolve(pair, 1, (1, 0), [])
    assert broke["sides"][0]["seen"] == {"truce": False}  # a breach is never seen as kept
    assert broke["sides"][0]["observed"] == {"strategy": "breach"}


def test_a_misread_part_shows_the_movers_breach_levels():
    r = room(noise_perception=0.5, seed=1)
    pair = Pair(id=1, seats=(1, 2), noise=True, linked=False)
    breach = r.choice(0, r.breach[0])
    for t in range(1, 40):
        res = r.resolve(pair, t, r.truce, [])
        us = res["sides"][0]
        for name, levers in r.parts(False):
            for lever in levers:
                if lever in us["observed"]:
                    want = breach[lever] if not us["seen"][name] else us["played"][lever]
                    assert us["observed"][lever] == want
        assert us["payoff"] == pytest.approx(r.game.payoffs[0][r.truce])  # payoffs are real


@pytest.mark.parametrize("spec", ["tft", "grim", "wsls", "ctft", "limited:2", "gtft:0.5"])
def test_a_robot_replays_the_library_strategy(spec):
    """The robot's moves equal the strategy run directly on what it saw."""
    from sim.solvers.strategies import make_strategy

    r = room("classroom/prisoners-dilemma.toml", robot=spec, noise_perception=0.4, seed=2)
    pair = Pair(id=7, seats=(1, None), noise=True, linked=True)
    human = [0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    history: list[dict] = []
    strategy = make_strategy(spec).for_game(np.array([[3.0, 0.0], [5.0, 1.0]]))
    state = strategy.start(1)
    for t, h in enumerate(human, start=1):
        robot = r.robot_move(pair, t, history)
        rng = np.random.default_rng([r.settings.seed, pair.id, t, 1])
        want = bool(strategy.intend(state, rng if strategy.classifier["stochastic"] else None)[0])
        assert robot == (0 if want else 1), t
        res = r.resolve(pair, t, (h, robot), history)
        history.append(res)
        strategy.update(state, np.array([res["sides"][1]["kept"]["truce"]]),
                        np.array([res["sides"][0]["seen"]["truce"]]))


def test_tit_for_tat_answers_a_seen_breach_on_that_issue_only():
    r = room(robot="tft", seed=0)
    pair = Pair(id=1, seats=(1, None), noise=False, linked=False)
    us = r.choice(0, r.truce[0])
    war = r.index(0, {**us, "us_tariff": "war"})
    first = r.resolve(pair, 1, (war, r.robot_move(pair, 1, [])), [])
    move = r.robot_move(pair, 2, [first])
    china, truce, breach = r.choice(1, move), r.choice(1, r.truce[1]), r.choice(1, r.breach[1])
    assert china["cn_tariff"] == breach["cn_tariff"]  # punished on tariffs
    assert china["rare_earths"] == truce["rare_earths"]  # not on chips for rare earths
    linked = Pair(id=1, seats=(1, None), noise=False, linked=True)
    first = r.resolve(linked, 1, (war, r.truce[1]), [])
    assert r.robot_move(linked, 2, [first]) == r.breach[1]  # a linked truce: everywhere


def test_the_stopping_round_is_geometric_with_the_continuation():
    draws = [room("classroom/prisoners-dilemma.toml", seed=s, max_rounds=200).stop_round()
             for s in range(400)]
    assert np.mean(draws) == pytest.approx(1 / (1 - 0.9), rel=0.15)  # the file's δ = 0.9
    assert min(draws) >= 1
    capped = {room("classroom/prisoners-dilemma.toml", seed=s, max_rounds=3).stop_round()
              for s in range(50)}
    assert capped <= {1, 2, 3}
    assert room(seed=1, activity="oneshot").stop_round() == 1


def test_pairing_is_seeded_and_balances_the_treatments():
    s = setup.settings({"seed": 4})
    pairs = setup.pair_up(list(range(1, 10)), s)
    assert len(pairs) == 5
    assert sum(p.robot_side is not None for p in pairs) == 1
    seats = [x for p in pairs for x in p.seats if x is not None]
    assert sorted(seats) == list(range(1, 10))
    cells = [(p.noise, p.linked) for p in pairs[:4]]
    assert sorted(cells) == [(False, False), (False, True), (True, False), (True, True)]
    assert setup.pair_up(list(range(1, 10)), s) == pairs
    robots = setup.pair_up([1, 2, 3], setup.settings({"partner": "robot"}))
    assert all(p.robot_side is not None for p in robots)


def test_settings_refuse_unknown_keys_and_values():
    for bad in ({"rounds": 3}, {"seed": -1}, {"continuation": 1.0}, {"robot": ""},
                {"show_moves": "yes"}, {"expire_hours": 0}, []):
        with pytest.raises(InputError):
            setup.settings(bad)


def test_predicted_survival_of_a_linked_truce_is_grim_survival():
    r = room("classroom/prisoners-dilemma.toml", noise_implementation=0.05,
             noise_perception=0.1)
    got = theory.predicted_survival(r, 8, noise=True, linked=True)
    assert got == pytest.approx(grim_survival(np.arange(9), 0.05, 0.1))
    london = room(noise_perception=0.1)
    m = theory.side_parts(london, linked=False)
    assert m == 6  # three issues, each with levers of both sides
    sep = theory.predicted_survival(london, 3, noise=True, linked=False)
    assert sep[3] == pytest.approx(0.9 ** (6 * 2))


def test_predictions_match_the_solvers():
    from sim.solvers import repeated as rp

    r = room("classroom/prisoners-dilemma.toml")
    p = theory.predictions(r)
    assert p["truce"]["delta_star"] == pytest.approx(0.5)  # (T - R) / (T - P)
    assert [e["payoffs"] for e in p["equilibria"]] == [[1.0, 1.0]]
    assert p["truce"]["sustainable"] is True  # the file's δ = 0.9 >= 0.5
    assert p["nash"] == pytest.approx([3.0, 3.0])
    london = room()
    t = rp.thresholds(london.game.payoffs, london.truce,
                      tuple(london.game.profile_index(london.scenario.profiles[
                          "april_escalation"])))
    assert theory.predictions(london)["truce"]["delta_star"] == pytest.approx(t.delta_star)


def test_every_activity_uses_the_scenarios_disagreement_point():
    """tradesim bargain's point: [bargaining] disagreement raised by the outside options."""
    from sim.analyses import bargain as ab

    sc = load_scenario(SCENARIOS / "london-2025.toml")
    game = build_game(sc)
    point = ab.analyse(sc, game, ab.settings(sc, game)).disagreement.point
    expected = [point[p] for p in game.players]
    for activity in ("truce", "oneshot", "bargain"):
        assert theory.predictions(room(activity=activity))["disagreement"] == pytest.approx(
            expected)
