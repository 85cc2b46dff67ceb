"""Tests of sim/analyses/ (points, sensitivity, sweep) and sim/solvers/sampling.py on small games whose tipping points are hand-computed."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

from sim.analyses import points as pt
from sim.analyses import sensitivity as sv
from sim.analyses import sweep as cs
from sim.analyses import sweep as sg
from sim.errors import InputError, LimitError
from sim.parallel import task_seeds
from sim.scenario import parse_scenario
from sim.solvers import sampling

# A prisoner's dilemma with temptation t (R=3, P=1, S=0), truce = both cooperate, delta 0.6.
# Grim trigger with Nash reversion: delta* = (t - 3)/(t - 1) (Friedman 1971), so the truce
# is sustainable iff (t - 3)/(t - 1) <= 0.6, i.e. t <= 6. With d = (1, 1), the Nash deal
# is (3, 3) while (3, 3) is a vertex of the hull of {(3,3), (t,0), (0,t)} (t < 6) and the
# even lottery of (C,D) and (D,C) once (3, 3) falls below the line x + y = t (t > 6).
PD_TOML = (Path(__file__).parent.parent / "data" / "pd-temptation.toml").read_text()

# Row gains w - 0.37 from "yes" whatever Col does; Col matches Row (gains m - 0.5 from yes).
# (yes, yes) is the unique equilibrium for w > 0.37, (no, no) for w < 0.37.
GO_TOML = """
[scenario]
name = "go"
[assumptions]
w = { value = 0.2, range = [0, 1], why = "weight" }
[players.Row.levers.go]
levels = { no = 0, yes = 1 }
[players.Col.levers.go2]
levels = { no = 0, yes = 1 }
[payoffs]
Row = "go * (w - 0.37)"
Col = "go2 * (go - 0.5)"
[profiles]
deal = { Row = { go = "yes" }, Col = { go2 = "yes" } }
stay = { Row = { go = "no" }, Col = { go2 = "no" } }
"""


def scenario(text: str):
    return parse_scenario(tomllib.loads(text), text=text)


PD, GO = scenario(PD_TOML), scenario(GO_TOML)
NO_SIM = pt.Settings(runs=0)


def sweep(sc, axes, settings=NO_SIM, seed=0):
    ctx = pt.context_for(sc, settings)
    n = int(np.prod([a.n for a in axes]))
    points = pt.serial(ctx, sg.grid_tasks(axes, task_seeds(seed, n)))
    return ctx, points


def test_make_axis_defaults_to_the_assumption_range_and_checks_input():
    assert cs.make_axis(GO, "w") == sg.Axis("w", 0.0, 1.0, sg.DEFAULT_POINTS)
    assert cs.make_axis(GO, "w", 0.2, 0.4, 3).values.tolist() == pytest.approx([0.2, 0.3, 0.4])
    with pytest.raises(InputError, match="'nope' is neither a fact nor an assumption"):
        cs.make_axis(GO, "nope")
    with pytest.raises(InputError, match="empty"):
        cs.make_axis(GO, "w", 0.5, 0.5, 3)
    with pytest.raises(InputError, match="inverted"):
        cs.make_axis(GO, "w", 0.9, 0.1, 3)
    with pytest.raises(InputError, match="N >= 2"):
        cs.make_axis(GO, "w", 0.1, 0.9, 1)
    with pytest.raises(LimitError, match="over the limit of 100"):
        cs.check_size([sg.Axis("w", 0, 1, 11), sg.Axis("t", 0, 1, 11)], max_points=100)
    with pytest.raises(InputError, match="named twice"):
        cs.check_size([sg.Axis("w", 0, 1, 2), sg.Axis("w", 0, 1, 2)])


def test_equilibrium_tipping_point_is_found_to_the_stated_tolerance():
    axis = cs.make_axis(GO, "w", 0.0, 1.0, 11)
    ctx, points = sweep(GO, [axis])
    assert points[0].equilibria == ("Row: go=no | Col: go2=no",)
    assert points[-1].equilibria == ("Row: go=yes | Col: go2=yes",)
    tps = sg.sweep_tipping_points(ctx, [axis], points, GO.player_names, tol=1e-4)
    by = {tp.conclusion: tp for tp in tps}
    # the disagreement point is the equilibrium, so the Nash deal tips with it
    assert set(by) == {"equilibria", "equilibrium:deal", "equilibrium:stay", "nash_deal"}
    for tp in tps:
        assert tp.tol <= 1e-4
        assert abs(tp.value - 0.37) <= tp.tol + 1e-12
    assert by["equilibrium:deal"].text == ("deal becomes a pure equilibrium when w crosses "
                                           "0.37 exactly (indifference threshold)")
    assert by["equilibrium:stay"].text.startswith("stay stops being a pure equilibrium")
    # the closed form of Row's indifference w - 0.37 = 0, not a bisection midpoint
    assert by["equilibrium:deal"].exact == 0.37
    # no closed form for the deal: the shortest decimal inside the bisection bracket
    deal = by["nash_deal"]
    assert deal.exact is None
    assert deal.lo <= deal.value <= deal.hi
    assert deal.value == 0.37
    assert "(between 0.3699" in deal.text


def test_truce_and_deal_tip_at_temptation_six():
    axis = cs.make_axis(PD, "t", 3.5, 8.0, 10)
    ctx, points = sweep(PD, [axis])
    for p, t in zip(points, axis.values, strict=True):
        assert p.truce.delta_star == pytest.approx((t - 3) / (t - 1))
        assert p.truce.sustainable == (t <= 6)
        assert p.equilibria == ("Row: m=defect | Col: n=defect",)
    assert points[0].deal.payoffs == pytest.approx((3, 3))
    assert points[-1].deal.payoffs == pytest.approx((4, 4))  # half of (8, 0) and (0, 8)
    tps = sg.sweep_tipping_points(ctx, [axis], points, PD.player_names, tol=1e-5)
    by = {tp.conclusion: tp for tp in tps}
    assert set(by) == {"truce_sustainable", "nash_deal"}
    assert by["truce_sustainable"].value == pytest.approx(6.0, abs=1e-5)
    assert by["truce_sustainable"].text.startswith(
        "the truce stops being sustainable when t crosses 6 (between 6 and 6.00002)")
    assert by["nash_deal"].value == pytest.approx(6.0, abs=1e-5)


def test_two_dimensional_sweep_finds_a_tipping_line_per_row():
    # w and an unused variable of GO's own: the map is split at w = 0.37 in every row
    two = parse_scenario(tomllib.loads(GO_TOML.replace(
        'w = { value', 'z = { value = 1, range = [0, 2], why = "unused" }\nw = { value')),
        text="2d")
    axes = [sg.Axis("z", 0.0, 2.0, 3), sg.Axis("w", 0.0, 1.0, 5)]
    ctx, points = sweep(two, axes)
    assert len(points) == 15
    assert points[1].overrides == (("z", 0.0), ("w", 0.25))  # first axis slowest
    tps = [tp for tp in sg.sweep_tipping_points(ctx, axes, points, two.player_names, tol=1e-3)
           if tp.conclusion == "equilibria"]
    assert len(tps) == 3
    assert {tp.variable for tp in tps} == {"w"}
    assert [dict(tp.at)["z"] for tp in tps] == [0.0, 1.0, 2.0]
    assert all(abs(tp.value - 0.37) <= 1e-3 for tp in tps)


def test_bisection_uses_the_closed_form_step_function():
    calls = []

    def conclude(x):
        calls.append(x)
        return {"c": x > math.pi}

    tps = sv.tipping_points(conclude, "x", [0.0, 2.0, 4.0], tol=1e-6)
    assert len(tps) == 1
    assert abs(tps[0].value - math.pi) <= tps[0].tol <= 1e-6
    assert len(calls) == 3 + math.ceil(math.log2(2.0 / 2e-6))  # the grid, then halvings
    with pytest.raises(InputError):
        sv.tipping_points(conclude, "x", [0.0, 1.0], tol=0)


def test_discrepancy_prefers_an_even_design():
    """A Latin hypercube is more even (lower centred L2 discrepancy) than the same number of
    points piled in one corner of the box."""
    even = sampling.latin_hypercube([0.0, 10.0], [1.0, 30.0], 32, np.random.default_rng(0))
    piled = np.column_stack([np.linspace(0, 0.1, 32), np.linspace(10, 12, 32)])
    assert sampling.discrepancy(even, [0, 10], [1, 30]) < \
        sampling.discrepancy(piled, [0, 10], [1, 30])
    assert math.isnan(sampling.discrepancy(np.empty((4, 0)), [], []))


def test_latin_hypercube_hits_every_stratum_once():
    x = sampling.latin_hypercube([0.0, 10.0], [1.0, 30.0], 50, np.random.default_rng(3))
    assert x.shape == (50, 2)
    for j, (lo, hi) in enumerate([(0.0, 1.0), (10.0, 30.0)]):
        strata = np.floor((x[:, j] - lo) / (hi - lo) * 50).astype(int)
        assert sorted(strata.tolist()) == list(range(50))
    again = sampling.latin_hypercube([0.0, 10.0], [1.0, 30.0], 50, np.random.default_rng(3))
    np.testing.assert_array_equal(x, again)


def test_robustness_share_is_exact_for_a_threshold_on_a_stratum_edge():
    # w ~ U[0, 1] in 100 strata: exactly the 63 strata above 0.37 put (yes, yes) in equilibrium
    names, tasks = sv.robustness_tasks(GO, 100, seed=np.random.SeedSequence(7))
    assert names == ["w"]
    ctx = pt.context_for(GO, NO_SIM)
    points = pt.serial(ctx, tasks)
    base = pt.run_task(ctx, pt.Task(index=0, overrides=()))
    r = sv.robustness(base, points, names, GO.player_names)
    shares = {s.statement: s for s in r.shares}
    deal = shares["deal is not a pure equilibrium"]
    assert deal.share == pytest.approx(0.37)
    assert deal.se == pytest.approx(math.sqrt(0.37 * 0.63 / 100))
    assert shares["the equilibrium set is the one at the central values"].share == \
        pytest.approx(0.37)


def test_tornado_moves_delta_star_between_the_range_ends():
    ctx = pt.context_for(PD, pt.Settings(runs=500))
    tasks = sv.tornado_tasks(PD, np.random.SeedSequence(1))
    points = pt.serial(ctx, tasks)
    t = sv.tornado(tasks, points, PD.player_names)
    assert [b.name for b in t.bars] == ["t", "slip"]
    assert t.base["delta_star"] == pytest.approx(0.5)  # (5 - 3) / (5 - 1)
    bar = t.ranked("delta_star")[0]
    assert bar.name == "t"
    assert bar.at_low["delta_star"] == pytest.approx(0.5 / 2.5)
    assert bar.at_high["delta_star"] == pytest.approx(5 / 7)
    # grim trigger: survival to 10 periods is (1 - eps)^(2 * 10) exactly in expectation
    slip = next(b for b in t.bars if b.name == "slip")
    assert slip.at_low["survival"] == 1.0
    assert slip.at_high["survival"] == pytest.approx(0.8**20, abs=4 * 0.02)


def test_same_seed_same_points_and_survival_uses_the_task_seed():
    axis = cs.make_axis(PD, "slip", 0.0, 0.2, 3)
    settings = pt.Settings(runs=400)
    _, a = sweep(PD, [axis], settings, seed=5)
    _, b = sweep(PD, [axis], settings, seed=5)
    _, c = sweep(PD, [axis], settings, seed=6)
    assert a == b
    assert [p.truce.survival for p in a] != [p.truce.survival for p in c]
    assert a[0].truce.survival == 1.0  # no noise, grim against grim never breaks


def test_scenario_travels_as_text_and_is_parsed_once_per_process():
    ctx = pt.context_for(GO, NO_SIM)
    pt._SCENARIOS.clear()
    first = pt.scenario_of(ctx)
    assert pt.scenario_of(ctx) is first
    assert first.assumptions["w"].value == 0.2


@pytest.mark.parametrize(("lo", "hi", "value"), [
    (0.499963, 0.500037, 0.5), (0.49, 0.51, 0.5), (123.4, 125.1, 124.0),
    (7.3233e-05, 7.3244e-05, 7.324e-05), (-0.2501, -0.2499, -0.25)])
def test_tipping_values_carry_only_the_digits_their_bracket_supports(lo, hi, value):
    from sim.solvers.thresholds import rounded_within

    assert rounded_within(lo, hi) == pytest.approx(value, rel=1e-12)
    assert lo <= rounded_within(lo, hi) <= hi


def test_indifference_roots_of_a_two_by_two():
    """Row's payoff for 'up' is x - 0.3, for 'down' 0: indifferent at x = 0.3 exactly."""
    from sim.solvers.thresholds import closed_form, indifference_roots, is_affine

    def game(x):
        return np.array([[[x - 0.3, x - 0.3], [0.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]]])

    assert is_affine(game(0.0), game(0.5), game(1.0))
    roots = indifference_roots(game(0.0), game(1.0), 0.0, 1.0)
    assert roots == pytest.approx([0.3])
    assert closed_form(roots, 0.29, 0.31) == pytest.approx(0.3, abs=1e-15)
    assert closed_form(roots, 0.4, 0.5) is None
    assert not is_affine(game(0.0), game(0.5) ** 2, game(1.0))


def test_a_mixed_equilibrium_is_shown_with_its_probabilities():
    """The battle of the sexes written with levers (2, 1 / 1, 2 on coordination): its mixed
    equilibrium plays opera with 2/3 (Row) and 1/3 (Col); the sweep row shows that, not only
    'mixed (2 x 2)'."""
    text = """
[scenario]
name = "bos"
[assumptions]
w = { value = 2, range = [1, 3], why = "Row's value of opera together" }
[players.Row.levers.go]
levels = { opera = 1, football = 0 }
[players.Col.levers.go2]
levels = { opera = 1, football = 0 }
[payoffs]
Row = "(w if go == 1 else 1) if go == go2 else 0"
Col = "(1 if go == 1 else 2) if go == go2 else 0"
"""
    bos = scenario(text)
    point = pt.evaluate(bos, {}, NO_SIM)
    assert point.mixed == (("Row 0.667×[go=opera] + 0.333×[go=football] | "
                            "Col 0.333×[go2=opera] + 0.667×[go2=football]"),)
    assert sg.rows([point], bos.player_names, [])[0]["mixed_equilibria"] == point.mixed[0]
    # swapping the players' roles swaps the probabilities, and nothing else
    swapped = scenario(text.replace('"(w if go == 1 else 1) if go == go2 else 0"', "X")
                       .replace('"(1 if go == 1 else 2) if go == go2 else 0"',
                                '"(w if go == 1 else 1) if go == go2 else 0"')
                       .replace('Row = X', 'Row = "(1 if go == 1 else 2) if go == go2 else 0"'))
    assert pt.evaluate(swapped, {}, NO_SIM).mixed == (
        ("Row 0.333×[go=opera] + 0.667×[go=football] | "
         "Col 0.667×[go2=opera] + 0.333×[go2=football]"),)
