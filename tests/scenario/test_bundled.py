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
from scipy.integrate import quad
from scipy.optimize import brentq

from sim.game import Game
from sim.scenario import Scenario, load_scenario
from sim.scenario.build import build_game
from sim.solvers.dominance import iterated_elimination
from sim.solvers.linkage import linkage
from sim.solvers.pure import pure_nash
from sim.solvers.repeated import period_discount, thresholds
from sim.solvers.trade_policy import optimal_tariff

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
ALL_FILES = sorted(p for p in SCENARIOS.rglob("*.toml") if "timelines" not in p.parts)
LONDON = SCENARIOS / "london-2025.toml"
LONDON_CONTINUOUS = SCENARIOS / "london-2025-continuous.toml"
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
    # the 20-point gap in April and at Geneva is the fentanyl layer China never matched
    assert (q["us_tariff_april"] - q["cn_tariff_april"]
            == q["us_tariff_geneva"] - q["cn_tariff_geneva"] == q["fentanyl_layer"])
    # the Geneva rates are ap-0611's; resume-0609 reports the rollback, not the rates
    assert london.facts["us_tariff_geneva"].sources == ("ap-0611",)
    assert london.facts["cn_tariff_geneva"].sources == ("ap-0611",)
    # no payoff uses a deficit figure; US exports are their own assumption
    for name in ("us_deficit_2024", "us_deficit_2023", "us_deficit_2024_census"):
        assert all(name not in f.names for f in london.terms.values()), name
    assert london.assumptions["us_exports_free"].value * 12 == pytest.approx(
        q["us_exports_2024"], rel=0.01)
    assert any("20 June" in c for c in london.contradictions)


def _market(q, tariff, value, *, exporter_share=None):
    """Independent clearing of one constant-elasticity market: root finding + quadrature.

    Returns (import value at the world price, importer CS + revenue, exporter PS)."""
    e = q["elasticity"]
    s = q["incidence_foreign"] if exporter_share is None else exporter_share
    eta = e * (1 - s) / s
    t = tariff / 100
    world = brentq(lambda w: ((1 + t) * w) ** -e - w**eta, 1e-9, 1.0, xtol=1e-15)
    qty = value * world**eta
    cs = -quad(lambda x: value * x**-e, 1.0, (1 + t) * world)[0]
    ps = quad(lambda x: value * x**eta, 1.0, world)[0]
    return world * qty, cs + t * world * qty, ps


def test_london_elasticity_reproduces_may_from_the_prewar_base(london: Scenario):
    """The long-run elasticity takes the pre-war level to May's $28.8bn under 30%, and
    predicts far less than April's $33.0bn under 145%: it is not a short-run elasticity."""
    q = london.quantities()
    prewar = q["cn_exports_may"] / (1 + q["cn_exports_may_yoy"] / 100)
    assert prewar == pytest.approx(43.64, abs=0.01)
    at_geneva, _, _ = _market(q, q["us_tariff_geneva"], prewar)
    assert at_geneva == pytest.approx(q["cn_exports_may"], rel=0.01)
    at_april, _, _ = _market(q, q["us_tariff_april"], prewar)
    assert at_april == pytest.approx(10.5, abs=0.1)
    assert at_april < q["cn_exports_apr"] / 3
    assert "LONG-RUN" in london.assumptions["elasticity"].why


def test_london_tariffs_have_an_interior_terms_of_trade_optimum(london: Scenario):
    """Each side's best tariff for trade alone is the inverse export-supply elasticity,
    s / (e (1 - s)) = 6.7% at central values: interior, and between the reported levels."""
    q = london.quantities()
    from sim.solvers.trade_policy import Market

    e, s = q["elasticity"], q["incidence_foreign"]
    best = optimal_tariff(Market(1.0, e, e * (1 - s) / s))
    assert best == pytest.approx(s / (e * (1 - s)), rel=1e-6)
    assert 0 < best < q["baseline_tariff"] / 100


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
    prewar = q["cn_exports_may"] / (1 + q["cn_exports_may_yoy"] / 100)

    def tariff_part(t_us, t_cn):
        _, us_import_side, cn_export_side = _market(q, t_us, prewar)
        _, cn_import_side, us_export_side = _market(q, t_cn, q["us_exports_free"])
        return us_import_side + us_export_side, cn_import_side + cn_export_side

    us_g, cn_g = tariff_part(30, 10)
    fixed_us = -q["minerals_risk_us"] + q["chip_security_us"] + (
        q["visa_security_us"] - q["student_value_us"]) + q["tech_security_us"]
    fixed_cn = q["minerals_leverage_cn"] - q["chip_cost_cn"] - q["student_cost_cn"]
    geneva = [us_g - q["re_risk_us"] * 0.5 + fixed_us, cn_g + q["re_leverage_cn"] * 0.5 + fixed_cn]
    us_w, cn_w = tariff_part(145, 125)
    april = [us_w - q["re_risk_us"] * 0.9 + fixed_us, cn_w + q["re_leverage_cn"] * 0.9 + fixed_cn]
    np.testing.assert_allclose(payoff(london_game, london, "geneva"), geneva, rtol=1e-7)
    np.testing.assert_allclose(payoff(london_game, london, "april_escalation"), april,
                               rtol=1e-7)


def test_one_shot_equilibrium_at_central_values(london, london_game):
    """One pure equilibrium, reached by iterated dominance: both tariffs at 10% (the
    reported level nearest the terms-of-trade optimum; the US drops the fentanyl layer),
    no concessions, rare earths held. Neither Geneva, the swap nor the April escalation is
    an equilibrium."""
    found = [london_game.profile_label(ne) for ne in pure_nash(london_game.payoffs)]
    cold = copy.deepcopy(london.profiles["geneva"])
    cold["US"]["us_tariff"] = "baseline"
    cold["China"]["rare_earths"] = "held"
    assert found == [london_game.profile_label(london_game.profile_index(cold))]
    us, cn = iterated_elimination(london_game.payoffs).surviving
    assert [list(us), list(cn)] == [[i] for i in london_game.profile_index(cold)]


def test_escalation_is_an_equilibrium_only_when_backing_down_is_costly(london):
    """Not an equilibrium at central values any more: the trade model makes 145% so costly
    for the US that cutting to 10% alone pays unless the political cost of backing down is
    above about 10.6 a month per 100 points (central 8); China needs above about 2.48."""
    _, london_game = london, build_game(london)
    april = london_game.profile_index(london.profiles["april_escalation"])
    assert april not in pure_nash(london_game.payoffs)
    for b_us, is_ne in ((10.5, False), (10.75, True)):
        g = build_game(london, {"backdown_cost_us": b_us})
        assert (april in pure_nash(g.payoffs)) is is_ne
    for b_cn, is_ne in ((2.45, False), (2.52, True)):
        g = build_game(london, {"backdown_cost_cn": b_cn, "backdown_cost_us": 12.0})
        assert (april in pure_nash(g.payoffs)) is is_ne


def test_geneva_truce_is_sustained_at_central_discount(london, london_game):
    """Both sides gain by deviating from Geneva: the US by cutting its tariff to 10% (the
    terms-of-trade optimum is below 30% and the cut costs no reciprocity), China by holding
    rare earths back (the breach the US complained of); reverting to the April escalation
    deters both at the central monthly discount factor. The US is now the binding side."""
    geneva = london_game.profile_index(london.profiles["geneva"])
    april = london_game.profile_index(london.profiles["april_escalation"])
    t = thresholds(london_game.payoffs, geneva, april)
    us, cn = t.players
    assert us.gain > cn.gain > 0
    assert london_game.lever_choice(0, us.deviation)["us_tariff"] == "baseline"
    assert cn.gain == pytest.approx(q_leverage_gain(london), rel=1e-12)
    assert london_game.lever_choice(1, cn.deviation)["rare_earths"] == "held"
    q = london.quantities()
    delta = q["renewal_probability"] ** (q["period_days"] / q["truce_length"]) * (
        1 + q["annual_discount_rate"]) ** (-q["period_days"] / 365)
    assert 0 < t.delta_star < delta


def test_london_truce_and_bargaining_settings(london):
    truce = london.truce
    assert truce.profile == "geneva"
    assert truce.escalation == "april_escalation"
    assert london.value(truce.length_days) == 90
    assert london.facts["truce_length"].sources  # the 90 days are a cited fact
    for key in ("period_days", "annual_discount_rate", "renewal_probability",
                "noise_implementation", "noise_perception"):
        assert getattr(truce, key) in london.assumptions, key
    delta = period_discount(london.value(truce.annual_discount_rate),
                            london.value(truce.renewal_probability)
                            ** (london.value(truce.period_days) / 90),
                            london.value(truce.period_days))
    assert delta == pytest.approx(0.905, abs=1e-3)
    issues = london.bargaining.issues
    assert set(issues["chips_for_rare_earths"]) >= {"chip_controls", "rare_earths"}
    assert set(issues["tariffs"]) == {"us_tariff", "cn_tariff"}
    assert set(issues["access_for_farms"]) == {"visa_curbs", "tech_access", "farm_access"}
    for option in london.bargaining.outside_options.values():
        assert option in london.assumptions


def test_linking_issues_lowers_the_patience_deals_need(london, london_game):
    """Issue by issue, the tariff issue cannot be sustained at all: its one-shot outcome
    (both at 10%) is better for the US than Geneva's 30%, so reverting to it punishes
    nobody. Linked, the escalation threat in tariffs carries the whole package."""
    for name in ("swap", "broad_deal"):
        result = linkage(london_game, london.bargaining.issues,
                         london_game.profile_index(london.profiles[name]))
        assert result.separate_critical == math.inf, name
        assert result.linked_critical < 0.7, name


def q_leverage_gain(scenario: Scenario) -> float:
    q = scenario.quantities()
    return q["re_leverage_cn"] * (q["re_pace_slowed"] - q["re_pace_held"])


def test_full_deal_but_farms_maximises_the_joint_payoff(london, london_game):
    """The joint optimum is the full deal with farm access left restricted: re-anchored on
    the soybean trade, easing farm access is worth less to US farmers (farm_value_us) than
    it costs China (farm_cost_cn)."""
    joint = london_game.payoffs.sum(axis=0)
    best = np.unravel_index(int(np.argmax(joint)), joint.shape)
    target = copy.deepcopy(london.profiles["full_deal"])
    target["China"]["farm_access"] = "restricted"
    assert best == london_game.profile_index(target)
    q = london.quantities()
    assert q["farm_value_us"] < q["farm_cost_cn"]
    assert q["farm_value_us"] * 12 < 0.5 * q["soybean_exports_2024"]
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
    assert london.bargaining.disagreement == "april_escalation"
    # the US option is the escalation plus the replaced share of the rare-earth loss
    replaced = q["re_replacement_share"] * q["re_risk_us"] * (1 - q["re_pace_held"])
    assert q["us_outside_option"] == pytest.approx(april[0] + replaced, abs=0.05)
    lo, hi = london.assumptions["us_outside_option"].range
    rng = london.assumptions["re_replacement_share"].range
    assert lo == pytest.approx(april[0] + rng[0] * replaced / q["re_replacement_share"], abs=0.1)
    assert hi == pytest.approx(april[0] + rng[1] * replaced / q["re_replacement_share"], abs=0.1)
    assert q["cn_outside_option"] == pytest.approx(april[1] + 1.5, abs=0.05)


# --------------------------------------------------------------------------- London: box


ESCALATION_INPUTS = ["elasticity", "incidence_foreign", "us_exports_free", "re_risk_us",
                     "re_leverage_cn", "re_pace_held", "re_pace_slowed"]


def test_april_escalation_is_worse_at_every_corner_that_matters(london):
    """Geneva and April differ only in tariffs and the rare-earth pace, so these seven
    assumptions are the only ones the comparison depends on; check all 128 corners.

    The US is always worse off. China is worse off at every corner but twelve, all where
    holding rare earths back is worth most to it (re_leverage_cn = 5, slowed = 0.8) and
    mostly where its exporters bear little of the US tariff (incidence_foreign = 0.02), so
    the US tariff costs it little. There holding rare earths back outweighs the trade lost.
    This is written down, not hidden.
    """
    exceptions = []
    for point in corners(london, ESCALATION_INPUTS):
        game = build_game(london, point)
        gap = payoff(game, london, "geneva") - payoff(game, london, "april_escalation")
        assert gap[0] > 0, point
        if gap[1] <= 0:
            exceptions.append(point)
    assert len(exceptions) == 12
    for point in exceptions:
        assert point["re_leverage_cn"] == 5.0
        assert point["re_pace_slowed"] == 0.8
    assert sum(p["incidence_foreign"] == 0.02 for p in exceptions) == 10


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
    truce = game.profile_index(scenario.profiles[scenario.truce.profile])
    assert truce == (0, 0)
    t = thresholds(game.payoffs, truce, "nash")
    assert t.delta_star == pytest.approx(0.5)  # (T - R) / (T - P) = (5 - 3) / (5 - 1)
    assert scenario.truce.escalation == "mutual_breach"


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
    by holding rare earths back, and the US by cutting its tariff to the 10% baseline (its
    terms-of-trade optimum is below 30%); the April escalation is worse for both sides."""
    scenario = load_scenario(GENEVA)
    game = build_game(scenario)
    geneva = payoff(game, scenario, "geneva")
    april = payoff(game, scenario, "april_escalation")
    assert (april < geneva).all()
    truce = game.profile_index(scenario.profiles["geneva"])
    assert truce not in pure_nash(game.payoffs)
    t = thresholds(game.payoffs, truce, game.profile_index(scenario.profiles["april_escalation"]))
    us, cn = t.players
    assert 0 < us.gain < cn.gain
    assert game.lever_choice(0, us.deviation) == {"us_tariff": "baseline"}
    q = scenario.quantities()
    assert cn.gain == pytest.approx(q["re_leverage_cn"] * (1 - q["re_pace_held"]))
    assert game.lever_choice(1, cn.deviation) == {"cn_tariff": "geneva", "rare_earths": "held"}


@pytest.mark.parametrize("other", [GENEVA, LONDON_CONTINUOUS], ids=lambda p: p.stem)
def test_geneva_and_london_share_their_calibration(london, other):
    """Same facts, assumptions, trade markets and terms in the companion files."""
    geneva = load_scenario(other)
    for name, m in geneva.trade.items():
        theirs = london.trade[name]
        for part in ("tariff", "value", "import_elasticity", "export_elasticity"):
            assert getattr(theirs, part).text == getattr(m, part).text, (name, part)
        assert (theirs.importer, theirs.exporter, theirs.form) == (m.importer, m.exporter, m.form)
    for name, q in geneva.facts.items():
        assert london.facts[name] == q, name
    for name, q in geneva.assumptions.items():
        assert london.assumptions[name] == q, name
    for name, f in geneva.terms.items():
        if name in london.terms:
            assert london.terms[name].text == f.text, name
