"""Tipping points in words (sim/render/sweep.py)."""

from sim.render.sweep import tipping_text

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
