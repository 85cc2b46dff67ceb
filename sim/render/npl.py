"""The n-player truce and bargaining reports (:mod:`sim.analyses.npl_truce`,
:mod:`sim.analyses.npl_bargain`) as text, for ``tradesim truce`` and ``tradesim bargain``
on games with three or more players."""

from __future__ import annotations

from typing import Any


def _g(x: float | None) -> str:
    return "never" if x is None else f"{x:.4g}"


def render_truce(r: dict[str, Any]) -> str:
    """The n-player truce report as plain text."""
    t = r["time"]
    lines = [f"Truce of {r['scenario']} among {', '.join(r['players'])}: {r['truce']['label']}",
             "  payoffs: " + ", ".join(f"{p} {_g(v)}" for p, v in r["truce"]["payoffs"].items()),
             (f"  delta = {_g(t['delta'])} per {t['period_days']:g}-day period "
             f"({t['delta_source']}); {t['periods']} periods in {t['length_days']:g} days"), ""]
    for key, table in r["thresholds"].items():
        punishment, who = key.split("/")
        title = f"Grim trigger, punishment {punishment}, " + (
            "everyone reverts" if who == "all" else "only the victims punish")
        if "error" in table:
            lines += [title, f"  not available: {table['error']}", ""]
            continue
        holds = "holds" if table["sustainable"] else "does not hold"
        lines.append(f"{title}: delta* = {_g(table['delta_star'])} "
                     f"(binding: {', '.join(table['binding'])}); the truce {holds} at "
                     f"delta = {_g(t['delta'])}")
        for p, row in table["players"].items():
            lines.append(f"  {p:<12} truce {_g(row['truce_payoff']):>8}  deviate to "
                         f"{row['deviation']} {_g(row['deviation_payoff']):>8}  punished "
                         f"{_g(row['punishment_payoff']):>8}  delta* {_g(row['delta_star'])}")
        lines.append("")
    s = r["simulation"]
    lines.append(f"Noisy grim trigger among {s['sides']} sides ({s['runs']} runs, noise "
                 f"{_g(s['noise_per_side'])} per side per period, seed {s['seed']}): the "
                 f"truce lasts its {t['periods']} periods with probability "
                 f"{_g(s['expiry'])} (closed form {_g(s['expiry_closed_form'])})")
    return "\n".join(lines)


def render_bargain(r: dict[str, Any]) -> str:
    """The n-player bargaining report as plain text."""
    nash = r["nash"]
    co = r["coalitions"]
    lines = [f"Bargaining among {', '.join(r['players'])} ({r['scenario']})",
             f"Disagreement point ({r['disagreement_rule']}): "
             + ", ".join(f"{p} {_g(v)}" for p, v in r["disagreement"].items())]
    if nash["gains"]:
        lines.append("Nash bargaining solution: "
                     + ", ".join(f"{p} {_g(v)}" for p, v in nash["payoffs"].items()))
        for item in nash["lottery"]:
            lines.append(f"  {item['probability']:7.3f}  {item['label']}")
    else:
        lines.append("Nash bargaining solution: no lottery gives every side more than the "
                     "disagreement point; the deal is no deal")
    lines += ["", ("Coalitions (worth: what the members can guarantee together, with side "
              "payments):")]
    for c in co["worth"]:
        lines.append(f"  {_g(c['worth']):>10}  {c['label']}")
    lines.append("Shapley value: " + ", ".join(f"{p} {_g(v)}" for p, v in co["shapley"].items()))
    lc = co["least_core"]
    state = "non-empty" if lc["core_nonempty"] else "empty"
    lines.append(f"Core: {state} (least-core epsilon {_g(lc['epsilon'])}); a division in "
                 "it: " + ", ".join(f"{p} {_g(v)}" for p, v in lc["point"].items()))
    return "\n".join(lines)
