"""Sanity tests for the bundled scenarios (``scenarios/``).

They hold the London model to what the articles say (shared/FACTS.md): the April escalation
is worse for both sides than the Geneva truce; the chips-for-rare-earths swap is a Pareto
improvement on Geneva at the assumptions' central values; and they say where across the
assumption box those claims stop holding. Classroom games are checked against their
textbook payoffs and equilibria.
"""

from __future__ import annotations

import copy
import itertools
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from sim.game import Game, build_game
from sim.scenario import Scenario, load_scenario
from sim.solvers.dominance import iterated_elimination
from sim.solvers.equilibria import solve
from sim.solvers.linkage import linkage
from sim.solvers.pure import pure_nash
from sim.solvers.repeated import period_discount, thresholds

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
ALL_FILES = sorted(SCENARIOS.rglob("*.toml"))
LONDON = SCENARIOS / "london-2025.toml"
GENEVA = SCENARIOS / "geneva-truce-2025.toml"
CLASSROOM = SCENARIOS / "classroom"


@pytest.fixture(scope="module")
def london() -> Scenario:
    return load_scenario(LONDON)


@pytest.fixture(scope="module")
def london_game(london: Scenario) -> Game:
    return build_game(london)


def payoff(game: Game, scenario: Scenario, profile: str | dict) -> np.ndarray:
    prof = scenario.profiles[profile] if isinstance(profile, str) else profile
    return game.payoffs[(slice(None), *game.profile_index(prof))]


def corners(scenario: Scenario, names: list[str]):
    """Every corner of the box spanned by the ranges of ``names`` (others at central)."""
    ranges = [scenario.assumptions[n].range for n in names]
    for combo in itertools.product(*ranges):
        yield dict(zip(names, combo, strict=True))


def box_sample(scenario: Scenario, n: int, seed: int):
    """``n`` points drawn uniformly from the whole assumption box."""
    rng = np.random.default_rng(seed)
    names = sorted(scenario.assumptions)
    lo = np.array([scenario.assumptions[k].range[0] for k in names])
    hi = np.array([scenario.assumptions[k].range[1] for k in names])
    for u in rng.random((n, len(names))):
        yield dict(zip(names, lo + u * (hi - lo), strict=True))


# --------------------------------------------------------------------------- every file


def test_bundled_scenarios_exist():
    names = {p.relative_to(SCENARIOS).as_posix() for p in ALL_FILES}
    assert {"london-2025.toml", "geneva-truce-2025.toml"} <= names
    expected = {"prisoners-dilemma", "chicken", "stag-hunt", "battle-of-the-sexes",
                "matching-pennies", "chips-for-rare-earths"}
    assert {f"classroom/{n}.toml" for n in expected} <= names


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.stem)
def test_every_scenario_loads_and_builds(path: Path):
    scenario = load_scenario(path)
    game = build_game(scenario)
    assert scenario.name == path.stem
    assert game.payoffs.shape == (len(game.players), *game.shape)
    assert np.isfinite(game.payoffs).all()
    for name, profile in scenario.profiles.items():
        assert game.profile_index(profile), name


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.stem)
def test_every_number_is_cited_or_an_assumption(path: Path):
    scenario = load_scenario(path)
    for fact in scenario.facts.values():
        assert fact.sources, fact.name
    for a in scenario.assumptions.values():
        lo, hi = a.range
        assert lo <= a.value <= hi, a.name
        assert a.why, a.name
    for player in scenario.players:
        for lever in player.levers:
            named = lever.anchors if lever.continuous else len(lever.levels)
            literal = [v for v, r in zip(lever.values[:named], lever.refs[:named],
                                         strict=True) if r is None]
            # literal level values are only indicators/shares in [0, 1] or strategy indices
            assert all(0 <= v <= max(1, len(lever.levels) - 1) for v in literal), lever.name


# --------------------------------------------------------------------------- London: facts


def test_london_levers_cover_every_lever_in_facts(london: Scenario):
    levers = {p.name: {lv.name: lv.levels for lv in p.levers} for p in london.players}
    assert levers["US"] == {
        "us_tariff": ("war", "geneva", "baseline"),
        "chip_controls": ("strict", "eased"),
        "visa_curbs": ("on", "off"),
        "tech_access": ("closed", "open"),
    }
    assert levers["China"] == {
        "cn_tariff": ("war", "geneva"),
        "rare_earths": ("held", "slowed", "released"),
        "critical_minerals": ("banned", "allowed"),
        "farm_access": ("restricted", "eased"),
    }
    assert london.lever("us_tariff").values == (145.0, 30.0, 10.0)
    assert london.lever("cn_tariff").values == (125.0, 10.0)
    assert london.lever("us_tariff").refs == ("us_tariff_april", "us_tariff_geneva",
                                              "baseline_tariff")


def test_london_facts_agree_with_each_other(london: Scenario):
    q = london.quantities()
    # April $33.0bn falling 12.7% gives May's $28.8bn (resume-0609)
    assert q["cn_exports_apr"] * (1 + q["cn_exports_may_mom"] / 100) == pytest.approx(
        q["cn_exports_may"], abs=0.05)
    # the 20-point gap used as the tariff "mirror" held both in April and at Geneva
    assert (q["us_tariff_april"] - q["cn_tariff_april"]
            == q["us_tariff_geneva"] - q["cn_tariff_geneva"] == 20)
    assert any("20 June" in c for c in london.contradictions)


def test_london_elasticity_reproduces_may_from_the_prewar_base(london: Scenario):
    q = london.quantities()
    prewar = q["cn_exports_may"] / (1 + q["cn_exports_may_yoy"] / 100)
    assert prewar == pytest.approx(43.64, abs=0.01)
    at_geneva = prewar * math.exp(-q["elasticity"] * q["us_tariff_geneva"] / 100)
    assert at_geneva == pytest.approx(q["cn_exports_may"], rel=0.01)


# --------------------------------------------------------------------------- London: central


def test_april_escalation_is_worse_for_both_than_geneva(london, london_game):
    april = payoff(london_game, london, "april_escalation")
    geneva = payoff(london_game, london, "geneva")
    assert (april < geneva - 1.0).all()  # by more than $1bn/month each


def test_swap_is_a_pareto_improvement_on_geneva(london, london_game):
    swap = payoff(london_game, london, "swap")
    geneva = payoff(london_game, london, "geneva")
    # hand-computed: US +re_risk_us*(1-re_pace_slowed) - chip_security_us = 4 - 3;
    # China +chip_cost_cn - re_leverage_cn*(1-re_pace_slowed) = 5 - 1
    np.testing.assert_allclose(swap - geneva, [1.0, 4.0], atol=1e-9)


def test_central_values_hand_computed(london, london_game):
    """Geneva and April payoffs recomputed from the formulas' meaning, independently."""
    q = london.quantities()
    e, s, phi = q["elasticity"], q["surplus_rate"], q["incidence_foreign"]
    prewar = q["cn_exports_may"] / (1 + q["cn_exports_may_yoy"] / 100)
    us_prewar = prewar - q["us_deficit_2024"] / 12

    def tariff_part(t_us, t_cn):
        x = q["cn_exports_may"] * math.exp(-e * (t_us - 30) / 100)
        y = us_prewar * math.exp(-e * t_cn / 100)
        tot = phi * (t_us / 100 * x - t_cn / 100 * y)
        return s * (x + y) + tot, s * (x + y) - tot

    us_g, cn_g = tariff_part(30, 10)
    fixed_us = -q["minerals_risk_us"] + q["chip_security_us"] + (
        q["visa_security_us"] - q["student_value_us"]) + q["tech_security_us"]
    fixed_cn = q["minerals_leverage_cn"] - q["chip_cost_cn"] - q["student_cost_cn"]
    geneva = [us_g - q["re_risk_us"] * 0.5 + fixed_us, cn_g + q["re_leverage_cn"] * 0.5 + fixed_cn]
    us_w, cn_w = tariff_part(145, 125)
    april = [us_w - q["re_risk_us"] * 0.9 + fixed_us, cn_w + q["re_leverage_cn"] * 0.9 + fixed_cn]
    np.testing.assert_allclose(payoff(london_game, london, "geneva"), geneva, rtol=1e-12)
    np.testing.assert_allclose(payoff(london_game, london, "april_escalation"), april,
                               rtol=1e-12)


def test_one_shot_equilibria_at_central_values(london, london_game):
    """Two pure equilibria: a cold truce (Geneva tariffs, no concessions, rare earths held)
    and the April escalation; neither Geneva as kept nor the swap is an equilibrium."""
    found = {london_game.profile_label(ne) for ne in pure_nash(london_game.payoffs)}
    april = london.profiles["april_escalation"]
    cold = copy.deepcopy(london.profiles["geneva"])
    cold["China"]["rare_earths"] = "held"
    expected = {london_game.profile_label(london_game.profile_index(p)) for p in (april, cold)}
    assert found == expected


def test_iesds_leaves_a_two_by_two_tariff_stag_hunt(london, london_game):
    """Every concession is strictly dominated (payoffs are additive across levers), and so
    is the US baseline; what survives is 145-or-30 against 125-or-10 with no concessions and
    rare earths held: a coordination game with two pure equilibria and one mixed."""
    result = iterated_elimination(london_game.payoffs)
    us, cn = result.surviving
    assert [london_game.lever_choice(0, s)["us_tariff"] for s in us] == ["war", "geneva"]
    assert [london_game.lever_choice(1, s)["cn_tariff"] for s in cn] == ["war", "geneva"]
    for s in us:
        assert london_game.lever_choice(0, s)["chip_controls"] == "strict"
    for s in cn:
        assert london_game.lever_choice(1, s)["rare_earths"] == "held"
    reduced = london_game.payoffs[np.ix_([0, 1], us, cn)]
    eqs = solve(reduced)
    assert eqs.complete
    assert len(eqs.equilibria) == 3
    mixed = [e for e in eqs.equilibria if 0 < e.strategies[0][0] < 1]
    assert len(mixed) == 1
    # China needs more confidence than the US that the other keeps the Geneva tariffs
    p_us_war, p_cn_war = mixed[0].strategies[0][0], mixed[0].strategies[1][0]
    assert p_us_war == pytest.approx(0.3606, abs=1e-4)
    assert p_cn_war == pytest.approx(0.6325, abs=1e-4)
    # Geneva is payoff-dominant; escalation is (narrowly) risk-dominant (Harsanyi-Selten):
    # the product of deviation losses at (war, war) exceeds the one at (geneva, geneva)
    A, B = reduced
    loss_geneva = (A[1, 1] - A[0, 1]) * (B[1, 1] - B[1, 0])
    loss_war = (A[0, 0] - A[1, 0]) * (B[0, 0] - B[0, 1])
    assert A[1, 1] > A[0, 0]
    assert B[1, 1] > B[0, 0]
    assert loss_war > loss_geneva


def test_escalation_is_an_equilibrium_only_when_backing_down_is_costly(london):
    """Not an equilibrium by construction: at the low end of the political costs of backing
    down, a side facing the April tariffs prefers to de-escalate alone."""
    low = {"backdown_cost_us": 2.0, "backdown_cost_cn": 1.0}
    game = build_game(london, low)
    april = game.profile_index(london.profiles["april_escalation"])
    assert april not in pure_nash(game.payoffs)
    # thresholds (hand-derived from the tariff terms, docs/explanation/london-scenario.md):
    # facing 125%, the US keeps 145% iff the cost of backing down beats its trade gain from
    # 30% (1.15 b_US > 5.82) and from 10% (1.35 b_US > 7.18): b_US > 5.32
    for b_us, is_ne in ((5.25, False), (5.40, True)):
        g = build_game(london, {"backdown_cost_us": b_us})
        april_index = g.profile_index(london.profiles["april_escalation"])
        assert (april_index in pure_nash(g.payoffs)) is is_ne
    # China keeps 125% iff 1.15 b_CN > its trade gain from 10%, about 1.65: b_CN > 1.44
    for b_cn, is_ne in ((1.40, False), (1.48, True)):
        g = build_game(london, {"backdown_cost_cn": b_cn})
        april_index = g.profile_index(london.profiles["april_escalation"])
        assert (april_index in pure_nash(g.payoffs)) is is_ne


def test_geneva_truce_is_sustained_at_central_discount(london, london_game):
    """Only China gains by deviating from Geneva (slowing -> holding rare earths, the breach
    the US complained of); reverting to the April escalation deters it at the central
    monthly discount factor."""
    geneva = london_game.profile_index(london.profiles["geneva"])
    april = london_game.profile_index(london.profiles["april_escalation"])
    t = thresholds(london_game.payoffs, geneva, april)
    us, cn = t.players
    assert us.gain == pytest.approx(0.0, abs=1e-9)
    assert cn.gain == pytest.approx(q_leverage_gain(london), rel=1e-12)
    assert london_game.lever_choice(1, cn.deviation)["rare_earths"] == "held"
    q = london.quantities()
    delta = q["renewal_probability"] ** (q["period_days"] / q["truce_length"]) * (
        1 + q["annual_discount_rate"]) ** (-q["period_days"] / 365)
    assert 0 < t.delta_star < delta


def test_london_truce_and_bargaining_settings(london):
    truce = london.truce
    assert truce["profile"] == "geneva"
    assert truce["escalation"] == "april_escalation"
    assert london.value(truce["length_days"]) == 90
    assert london.facts["truce_length"].sources  # the 90 days are a cited fact
    for key in ("period_days", "annual_discount_rate", "renewal_probability",
                "noise_implementation", "noise_perception"):
        assert truce[key] in london.assumptions, key
    delta = period_discount(london.value(truce["annual_discount_rate"]),
                            london.value(truce["renewal_probability"])
                            ** (london.value(truce["period_days"]) / 90),
                            london.value(truce["period_days"]))
    assert delta == pytest.approx(0.905, abs=1e-3)
    issues = london.bargaining["issues"]
    assert set(issues["chips_for_rare_earths"]) >= {"chip_controls", "rare_earths"}
    assert set(issues["tariffs"]) == {"us_tariff", "cn_tariff"}
    assert set(issues["access_for_farms"]) == {"visa_curbs", "tech_access", "farm_access"}
    for option in london.bargaining["outside_options"].values():
        assert option in london.assumptions


def test_linking_issues_lowers_the_patience_deals_need(london, london_game):
    """Negotiated separately, the swap needs delta >= 5/12 (the US's chip temptation 3 over
    its loss 3 + 4.2 from reverting to held rare earths); linked with tariffs, whose
    escalation threat is large, it needs far less. The broad deal's farm bundle barely pays
    the US (0.1 a month), so alone it needs delta = 14/15."""
    swap = linkage(london_game, london.bargaining["issues"],
                   london_game.profile_index(london.profiles["swap"]))
    assert swap.separate_critical == pytest.approx(5 / 12)
    assert swap.linked_critical < 0.25
    broad = linkage(london_game, london.bargaining["issues"],
                    london_game.profile_index(london.profiles["broad_deal"]))
    assert broad.separate_critical == pytest.approx(14 / 15)
    assert broad.linked_critical < 0.3


def q_leverage_gain(scenario: Scenario) -> float:
    q = scenario.quantities()
    return q["re_leverage_cn"] * (q["re_pace_slowed"] - q["re_pace_held"])


def test_full_deal_maximises_the_joint_payoff(london, london_game):
    joint = london_game.payoffs.sum(axis=0)
    best = np.unravel_index(int(np.argmax(joint)), joint.shape)
    assert best == london_game.profile_index(london.profiles["full_deal"])
    ladder = [payoff(london_game, london, p).sum()
              for p in ("april_escalation", "geneva", "swap", "broad_deal", "full_deal")]
    assert ladder == sorted(ladder)


def test_outside_options_lie_between_escalation_and_geneva(london, london_game):
    april = payoff(london_game, london, "april_escalation")
    geneva = payoff(london_game, london, "geneva")
    q = london.quantities()
    options = np.array([q["us_outside_option"], q["cn_outside_option"]])
    assert (april < options).all()
    assert (options < geneva).all()
    assert london.bargaining["disagreement"] == "april_escalation"


# --------------------------------------------------------------------------- London: box


ESCALATION_INPUTS = ["elasticity", "surplus_rate", "incidence_foreign", "re_risk_us",
                     "re_leverage_cn", "re_pace_held", "re_pace_slowed"]


def test_april_escalation_is_worse_at_every_corner_that_matters(london):
    """Geneva and April differ only in tariffs and the rare-earth pace, so these seven
    assumptions are the only ones the comparison depends on; check all 128 corners.

    The US is always worse off. China is worse off at every corner but four: those where it
    values rare-earth leverage most (re_leverage_cn = 5, held = 0, slowed = 0.8: a gain of
    4.0 a month from holding) and trade least (surplus_rate = 0.15). There holding rare
    earths back outweighs the trade lost. This is written down, not hidden.
    """
    exceptions = []
    for point in corners(london, ESCALATION_INPUTS):
        game = build_game(london, point)
        gap = payoff(game, london, "geneva") - payoff(game, london, "april_escalation")
        assert gap[0] > 0, point
        if gap[1] <= 0:
            exceptions.append(point)
    assert len(exceptions) == 4
    for point in exceptions:
        assert point["re_leverage_cn"] == 5.0
        assert point["re_pace_held"] == 0.0
        assert point["re_pace_slowed"] == 0.8
        assert point["surplus_rate"] == 0.15


def test_april_escalation_is_worse_across_the_whole_box(london):
    for point in box_sample(london, 200, seed=20250609):
        game = build_game(london, point)
        assert (payoff(game, london, "april_escalation") < payoff(game, london, "geneva")).all()


def test_each_side_is_hurt_by_the_others_restrictions_across_the_box(london):
    """Sanity anywhere in the box: whatever the rest of the profile, the US is never better
    off when China raises its tariff, slows rare earths, bans minerals or restricts farms;
    China is never better off when the US raises its tariff or tightens chips, visas or tech
    access. (Checked on the lever tensor, one axis per lever, at 200 random points.)"""
    us_shape = [len(lv.levels) for lv in london.players[0].levers]
    cn_shape = [len(lv.levels) for lv in london.players[1].levers]
    for point in box_sample(london, 200, seed=11):
        game = build_game(london, point)
        us = game.payoffs[0].reshape(us_shape + cn_shape)
        cn = game.payoffs[1].reshape(us_shape + cn_shape)
        eps = 1e-9
        # China's levers are axes 4..7, ordered from most to least restrictive
        for axis in (4, 5, 6, 7):
            assert (np.diff(us, axis=axis) >= -eps).all(), (axis, point)
        # the US's levers are axes 0..3, ordered from most to least restrictive
        for axis in (0, 1, 2, 3):
            assert (np.diff(cn, axis=axis) >= -eps).all(), (axis, point)
        assert (london.value("cn_exports_may") / (1 + london.value("cn_exports_may_yoy") / 100)
                - london.value("us_deficit_2024") / 12) > 0


def test_swap_is_pareto_exactly_where_the_closed_form_says(london):
    """The swap changes only chips and rare earths, so it improves on Geneva for the US iff
    re_risk_us (1 - re_pace_slowed) > chip_security_us, and for China iff chip_cost_cn >
    re_leverage_cn (1 - re_pace_slowed). It is NOT robust: at the US corner with low
    rare-earth risk and high chip security value the US loses."""
    names = ["re_risk_us", "re_pace_slowed", "chip_security_us", "chip_cost_cn",
             "re_leverage_cn"]
    outcomes = set()
    for point in corners(london, names):
        game = build_game(london, point)
        gain = payoff(game, london, "swap") - payoff(game, london, "geneva")
        short = 1 - point["re_pace_slowed"]
        us_ok = point["re_risk_us"] * short > point["chip_security_us"]
        cn_ok = point["chip_cost_cn"] > point["re_leverage_cn"] * short
        assert bool(gain[0] > 0) is us_ok, point
        assert bool(gain[1] > 0) is cn_ok, point
        outcomes.add((us_ok, cn_ok))
    assert (False, True) in outcomes  # the box contains corners where the US loses


# --------------------------------------------------------------------------- classroom


def two_by_two_mixed(A: np.ndarray, B: np.ndarray) -> tuple[Fraction, Fraction]:
    """Closed-form fully mixed equilibrium of a 2x2 game: (P(row 0), P(column 0))."""
    A = [[Fraction(int(v)) for v in row] for row in A]
    B = [[Fraction(int(v)) for v in row] for row in B]
    p = (B[1][1] - B[1][0]) / (B[0][0] - B[0][1] - B[1][0] + B[1][1])
    q = (A[1][1] - A[0][1]) / (A[0][0] - A[0][1] - A[1][0] + A[1][1])
    return p, q


CLASSROOM_CASES = {
    # name: (A, B, pure equilibria as (row, column) label pairs, mixed (p, q) or None)
    "prisoners-dilemma": ([[3, 0], [5, 1]], [[3, 5], [0, 1]],
                          {("breach", "breach")}, None),
    "chicken": ([[0, -1], [1, -10]], [[0, 1], [-1, -10]],
                {("swerve", "straight"), ("straight", "swerve")},
                (Fraction(9, 10), Fraction(9, 10))),
    "stag-hunt": ([[4, 0], [3, 3]], [[4, 3], [0, 3]],
                  {("stag", "stag"), ("hare", "hare")}, (Fraction(3, 4), Fraction(3, 4))),
    "battle-of-the-sexes": ([[2, 0], [0, 1]], [[1, 0], [0, 2]],
                            {("opera", "opera"), ("football", "football")},
                            (Fraction(2, 3), Fraction(1, 3))),
    "matching-pennies": ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], set(),
                         (Fraction(1, 2), Fraction(1, 2))),
    "chips-for-rare-earths": ([[0, 4], [-3, 1]], [[0, -1], [5, 4]],
                              {("strict", "slowed")}, None),
}


@pytest.mark.parametrize("name", sorted(CLASSROOM_CASES))
def test_classroom_textbook_payoffs_and_equilibria(name: str):
    A, B, pure, mixed = CLASSROOM_CASES[name]
    game = build_game(load_scenario(CLASSROOM / f"{name}.toml"))
    np.testing.assert_array_equal(game.A, A)
    np.testing.assert_array_equal(game.B, B)
    found = {(game.strategies[0][i], game.strategies[1][j]) for i, j in pure_nash(game.payoffs)}
    assert found == pure
    if mixed is not None:
        assert two_by_two_mixed(game.A, game.B) == mixed


def test_prisoners_dilemma_truce_threshold_is_one_half():
    scenario = load_scenario(CLASSROOM / "prisoners-dilemma.toml")
    game = build_game(scenario)
    truce = game.profile_index(scenario.profiles[scenario.truce["profile"]])
    assert truce == (0, 0)
    t = thresholds(game.payoffs, truce, "nash")
    assert t.delta_star == pytest.approx(0.5)  # (T - R) / (T - P) = (5 - 3) / (5 - 1)
    assert scenario.truce["escalation"] == "mutual_breach"


def test_chips_for_rare_earths_is_the_london_game_reduced(london, london_game):
    """The 2x2 file's numbers are the London model's, against Geneva, at central values."""
    small = build_game(load_scenario(CLASSROOM / "chips-for-rare-earths.toml"))
    geneva = london.profiles["geneva"]
    base = payoff(london_game, london, geneva)
    for i, chips in enumerate(small.strategies[0]):
        for j, pace in enumerate(small.strategies[1]):
            prof = copy.deepcopy(geneva)
            prof["US"]["chip_controls"] = chips
            prof["China"]["rare_earths"] = pace
            np.testing.assert_allclose(small.payoffs[:, i, j],
                                       payoff(london_game, london, prof) - base, atol=1e-9)


# --------------------------------------------------------------------------- Geneva


def test_geneva_scenario_truce_is_breached_by_slowing_rare_earths():
    """Geneva as the US reads it (rare earths released) is not an equilibrium: China gains
    by holding rare earths back, and the April escalation is worse for both sides."""
    scenario = load_scenario(GENEVA)
    game = build_game(scenario)
    geneva = payoff(game, scenario, "geneva")
    april = payoff(game, scenario, "april_escalation")
    assert (april < geneva).all()
    truce = game.profile_index(scenario.profiles["geneva"])
    assert truce not in pure_nash(game.payoffs)
    t = thresholds(game.payoffs, truce, game.profile_index(scenario.profiles["april_escalation"]))
    us, cn = t.players
    assert us.gain == pytest.approx(0.0, abs=1e-9)
    q = scenario.quantities()
    assert cn.gain == pytest.approx(q["re_leverage_cn"] * (1 - q["re_pace_held"]))
    assert game.lever_choice(1, cn.deviation) == {"cn_tariff": "geneva", "rare_earths": "held"}


def test_geneva_and_london_share_their_calibration(london):
    """Same facts, assumptions and tariff/rare-earth terms in both files."""
    geneva = load_scenario(GENEVA)
    for name, q in geneva.facts.items():
        assert london.facts[name] == q, name
    for name, q in geneva.assumptions.items():
        assert london.assumptions[name] == q, name
    for name, f in geneva.terms.items():
        if name in london.terms:
            assert london.terms[name].text == f.text, name
