"""The global sensitivity part of the run's sensitivity section, as markdown: per outcome,
one table with each assumption's tornado swing, Morris screening and Sobol' indices side by
side (:mod:`sim.analyses.global_sensitivity`)."""

from __future__ import annotations

import math
from typing import Any

ROWS = 8
"""Assumptions shown per outcome (by decreasing total-order index, then Morris mu*)."""


def _num(x: Any, fmt: str = ".2f") -> str:
    return format(x, fmt) if isinstance(x, int | float) and math.isfinite(x) else "–"


def _pm(value: Any, conf: Any) -> str:
    if not (isinstance(value, int | float) and math.isfinite(value)):
        return "–"
    return f"{value:.2f} ± {conf:.2f}" if isinstance(conf, int | float) and \
        math.isfinite(conf) else f"{value:.2f}"


def outcome_name(key: str, headlines: dict[str, str]) -> str:
    """A reader's name for an outcome key."""
    if key in headlines:
        return f"whether {headlines[key]}"
    if key.startswith("payoff:"):
        return f"{key.split(':', 1)[1]}'s payoff in the best equilibrium"
    return {"delta_star": "the critical discount factor delta*",
            "no_slip": "P(no slip before expiry)", "dispute": "P(a dispute)",
            "collapse": "P(collapse)", "renewed": "P(renewed)",
            "disputes_per_year": "disputes a year"}.get(key, key)


def _swing(tornado: list[dict[str, Any]], key: str) -> dict[str, float]:
    out = {}
    for b in tornado:
        lo, hi = b["at_low"].get(key), b["at_high"].get(key)
        if isinstance(lo, int | float) and isinstance(hi, int | float):
            out[b["name"]] = abs(hi - lo)
    return out


def global_markdown(report: dict[str, Any]) -> list[str]:
    """Tables of tornado swing, Morris mu* and Sobol' indices for every outcome that moves."""
    g = report.get("global")
    if not g:
        return []
    m, s = g["morris"], g["sobol"]
    lines = ["", (f"**Global sensitivity** (every assumption moves at once: Morris screening, "
                  f"{m['trajectories']} trajectories, {m['points']} points; Sobol' indices "
                  f"of the {len(s['variables'])} assumptions it ranks highest, "
                  f"{s['points']} points; ± is a 95% bootstrap interval). First order: "
                  "the share of the outcome's variance the assumption explains alone; total: "
                  "with its interactions. Morris mu*: the mean absolute change of the outcome "
                  "when the assumption crosses its whole range."), ""]
    keys = [k for k in g["headlines"] if k in m["outcomes"]]
    keys += [k for k in m["outcomes"] if k not in keys]
    for key in keys:
        morris = {i["name"]: i for i in m["outcomes"][key]}
        if not any(_finite(i["mu_star"]) and i["mu_star"] > 0 for i in morris.values()):
            continue
        sobol = {i["name"]: i for i in s["outcomes"].get(key, [])}
        swing = _swing(report.get("tornado", []), key)
        order = sorted(morris, key=lambda n: (-_or0(sobol.get(n, {}).get("total")),
                                              -_or0(morris[n]["mu_star"]), n))
        lines += [f"*{outcome_name(key, g['headlines'])}*", "",
                  ("| assumption | tornado swing | Morris mu* | Sobol' first order | "
                   "Sobol' total |"), "|---|---|---|---|---|"]
        for n in order[:ROWS]:
            mi, si = morris[n], sobol.get(n, {})
            lines.append(f"| {n} | {_num(swing.get(n), '.3g')} | "
                         f"{_pm(mi['mu_star'], mi['mu_star_conf'])} | "
                         f"{_pm(si.get('first'), si.get('first_conf'))} | "
                         f"{_pm(si.get('total'), si.get('total_conf'))} |")
        if len(order) > ROWS:
            lines.append(f"| … {len(order) - ROWS} more (results.json) | | | | |")
        lines.append("")
    return lines


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)


def _or0(x: Any) -> float:
    return float(x) if _finite(x) else 0.0
