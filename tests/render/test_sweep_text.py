"""Tipping points in words (sim/render/sweep.py)."""

from sim.render.sweep import render_table, tipping_text

PURE = "US: tariff=low, chips=eased | China: cn=geneva"
OTHER = "US: tariff=low, chips=strict | China: cn=geneva"


def deal_change(before: str, after: str) -> str:
    t = {"conclusion": "nash_deal", "variable": "x", "value": 1.0, "tolerance": 0.001,
         "before": before, "after": after}
    return tipping_text(t, {})


def test_a_lottery_deal_is_named_once_and_each_profile_kept():
    text = deal_change(PURE, f"a lottery of {PURE} + {OTHER}")
    assert text.count("lottery") == 1
    assert "[a lottery of US chips=eased + US chips=strict]" in text
    assert text.startswith("the Nash bargaining deal changes from [US chips=eased] to")


def test_a_pure_deal_is_not_called_a_lottery():
    assert "lottery" not in deal_change(PURE, OTHER)


def test_the_summary_gives_a_mixed_equilibrium_its_probabilities():
    label = "mixed Row {go=opera; go=football} | Col {go2=opera; go2=football}"
    mixed = "Row 0.667×[go=opera] + 0.333×[go=football] | Col 0.333×[go2=opera] + 0.667×[go2=football]"
    report = {"title": "BoS", "variables": [{"name": "w", "lo": 1.0, "hi": 3.0, "n": 3}],
              "equilibrium_sets": [{"equilibria": label, "points": 3}], "tipping_points": [],
              "points": [{"w": 1.0, "equilibria": label, "mixed_equilibria": mixed}]}
    text = render_table(report)
    assert f"mixed, at w = 1: {mixed}" in text
