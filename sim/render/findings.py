"""Key findings of a run in plain words, for the top of ``report.html``.

From the sections' JSON data (what ``results.json`` holds): which equilibria there are,
whether the truce is self-enforcing and how likely it is to hold, the deal on the table, and
which assumptions could flip a conclusion inside their ranges. Each finding is one short
paragraph of plain text (the template escapes it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def _g(x: Any, digits: int = 3) -> str:
    if not isinstance(x, int | float) or not math.isfinite(x):
        return "–"
    return f"{x:.{digits}g}"


def _pays(payoffs: Mapping[str, float], unit: str) -> str:
    text = ", ".join(f"{p} {_g(v, 4)}" for p, v in payoffs.items())
    return text + (f" ({unit})" if unit else "")


def _profile(profile: Mapping[str, str]) -> str:
    return "; ".join(f"{p} plays {s}" for p, s in profile.items())


def equilibria_finding(game: Mapping[str, Any], unit: str) -> str:
    eqs = game["equilibria"]
    n = len(eqs["equilibria"])
    pure = game.get("pure_equilibria", [])
    found = "all found" if eqs["complete"] else "the search may be incomplete"
    head = f"{n} Nash equilibri{'um' if n == 1 else 'a'} ({len(pure)} pure; {found})."
    if n == 1 and pure:
        e = pure[0]
        return f"{head} {_profile(e['profile'])}; payoffs {_pays(e['payoffs'], unit)}."
    parts = [f"{_profile(e['profile'])} ({_pays(e['payoffs'], unit)})" for e in pure[:3]]
    more = f" and {len(pure) - 3} more pure ones" if len(pure) > 3 else ""
    return head + (" Pure: " + " | ".join(parts) + more + "." if parts else "")


def truce_finding(truce: Mapping[str, Any]) -> str:
    if "error" in truce:
        return f"The truce could not be analysed: {truce['error']}"
    time = truce["time"]
    per = f"per {time['period_days']:g}-day period"
    star = truce.get("delta_star")
    if truce["sustainable"]:
        text = (f"The truce is self-enforcing: each side's discount factor δ = "
                f"{_g(time['delta'])} {per} is at least the δ* = {_g(star)} it needs "
                f"(binding side: {truce['binding']}).")
    elif star is None:
        text = ("The truce is not self-enforcing at any discount factor below 1: a side gains "
                "more from breaking it than the punishment costs.")
    else:
        text = (f"The truce is not self-enforcing: it needs δ* = {_g(star)} {per}, but δ = "
                f"{_g(time['delta'])} (binding side: {truce['binding']}).")
    model = truce.get("model") or {}
    out = model.get("outcomes") or {}
    if out:
        text += (f" Over its {time['length_days']:g} days the truce model gives P(no slip) "
                 f"{_g(out.get('no_slip'))}, P(collapse) {_g(out.get('collapse'))} and "
                 f"P(renewed) {_g(out.get('renewed'))}.")
    likelier = model.get("likelier") or {}
    if likelier.get("side") and not likelier.get("tie"):
        text += f" {likelier['side']} is likelier to break it"
        text += f", on {likelier['issue']}." if likelier.get("issue") else "."
    pairs = (truce.get("simulation") or {}).get("pairs") or []
    grim = next((p for p in pairs if p["label"] == "grim / grim"), None)
    if grim:
        text += (f" With noise, two grim-trigger players keep it to expiry with probability "
                 f"{_g(grim['expiry']['probability'])}.")
    return text


def deal_finding(bargaining: Mapping[str, Any], unit: str) -> str:
    if "error" in bargaining:
        return f"Bargaining could not be analysed: {bargaining['error']}"
    if not bargaining.get("feasible"):
        return "No deal improves on the disagreement point for both sides."
    nash = bargaining["solutions"]["nash"]
    lottery = nash.get("lottery") or []
    if len(lottery) == 1:
        what = " or ".join(lottery[0]["profiles"])
    else:
        what = "a lottery: " + " + ".join(
            f"{100 * x['probability']:.1f}% [{' or '.join(x['profiles'])}]" for x in lottery)
    d = bargaining["disagreement"]["point"]
    d_text = ", ".join(f"{p} {_g(v, 4)}" for p, v in d.items()) if isinstance(d, dict) else \
        ", ".join(_g(v, 4) for v in d)
    return (f"The Nash bargaining deal is {what}, giving {_pays(nash['payoffs'], unit)} "
            f"against the disagreement point ({d_text}).")


_CONCLUSIONS = {"equilibria": "the equilibrium set", "truce_sustainable": "whether the truce "
                "is self-enforcing", "nash_deal": "the Nash deal", "binding": "the binding side"}


def flip_finding(sensitivity: Mapping[str, Any]) -> str:
    tps = sensitivity.get("tipping_points") or []
    if not tps:
        return ("No single assumption flips a conclusion inside its range (one at a time, "
                "the others at their values).")
    by: dict[str, dict[str, float]] = {}
    for t in tps:
        what = t["conclusion"]
        what = "the equilibrium set" if what.startswith("equilibri") else \
            _CONCLUSIONS.get(what, what)
        value = t.get("exact") if t.get("exact") is not None else t["value"]
        by.setdefault(t["variable"], {}).setdefault(what, value)
    parts = [f"{var} ({', '.join(f'{w} at {_g(v, 4)}' for w, v in whats.items())})"
             for var, whats in by.items()]
    return ("Assumptions that flip a conclusion inside their ranges: " + "; ".join(parts)
            + ".")


def key_findings(data: Mapping[str, Mapping[str, Any]], unit: str = "") -> list[str]:
    """The findings, in order, from the sections' data keyed by section (``game``,
    ``truce``, ``bargaining``, ``sensitivity``); sections a run lacks are skipped."""
    out = []
    if "game" in data:
        out.append(equilibria_finding(data["game"], unit))
    if "truce" in data:
        out.append(truce_finding(data["truce"]))
    if "bargaining" in data:
        out.append(deal_finding(data["bargaining"], unit))
    if "sensitivity" in data:
        out.append(flip_finding(data["sensitivity"]))
    return out
