"""The tables of each report as lists of rows (``{column: value}``).

One source for both views of a result: :meth:`sim.api.Report.to_dataframe` turns a table
into a :class:`pandas.DataFrame` (pandas is the optional ``pandas`` extra), and
:mod:`sim.api.html` draws every table in Jupyter. Each function returns
``{name: (caption, rows)}`` in the order the command prints the parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Rows = list[dict[str, Any]]
Tables = dict[str, tuple[str, Rows]]


def _pay(payoffs: Mapping[str, Any], players: list[str], prefix: str = "") -> dict[str, Any]:
    return {f"{prefix}{p}": payoffs.get(p) for p in players}


def truce_tables(r: Mapping[str, Any]) -> Tables:
    players = list(r["players"])
    out: Tables = {}
    for name, t in r["thresholds"].items():
        rows = [{"side": p, "truce": v.get("truce_payoff"), "deviate": v.get("deviation_payoff"),
                 "punished": v.get("punishment_payoff"), "delta*": v.get("delta_star"),
                 "delta* a year": v.get("delta_star_annual")}
                for p, v in t["players"].items()]
        chosen = " (the report's)" if name == r.get("punishment") else ""
        caption = (f"Punishment {name}{chosen}: binding side {t.get('binding')}, delta* = "
                   f"{t.get('delta_star')}, sustainable at delta = {r['time']['delta']}: "
                   f"{'yes' if t.get('sustainable') else 'no'}")
        out[f"thresholds_{name}"] = (caption, rows)
    out["named_profiles"] = ("Named profiles, delta* with Nash reversion", [
        {"profile": k, "delta*": v.get("delta_star"), "sustainable": v.get("sustainable")}
        for k, v in (r.get("named_profiles") or {}).items()])
    steps = (r.get("best_sustainable") or {}).get("steps", [])
    out["best_sustainable"] = ("Best sustainable profile as delta rises", [
        {"from delta": s["delta"], "changes": s.get("changes"), "joint payoff":
         s.get("joint_payoff")} for s in steps])
    sim = r.get("simulation") or {}
    caption = (f"Simulation: {sim.get('runs')} runs, seed {sim.get('seed')}, implementation "
               f"noise {sim.get('noise_implementation')}, perception noise "
               f"{sim.get('noise_perception')}")
    out["simulation"] = (caption, [
            {"strategies": pair["label"], "P(intact at expiry)": pair["expiry"]["probability"],
             "se": pair["expiry"]["se"],
             "mutual compliance": pair["mutual_compliance"]["share"],
             "recovery": pair.get("recovery"),
             **{f"payoff {p}": pair["payoffs"][p]["mean"] for p in players}}
            for pair in sim.get("pairs", [])])
    model = r.get("model") or {}
    if model.get("outcomes"):
        o = model["outcomes"]
        out["model"] = ("Truce model: outcomes over the term", [
            {"outcome": k, "value": v} for k, v in o.items() if not isinstance(v, Mapping)]
            + [{"outcome": f"{k} {p}", "value": x} for k, v in o.items()
               if isinstance(v, Mapping) for p, x in v.items()])
    return out


def bargain_tables(r: Mapping[str, Any]) -> Tables:
    players = list(r["players"])
    d = r["disagreement"]
    out: Tables = {"disagreement": (f"Disagreement point ({d.get('note') or d.get('spec')})", [
        {"side": p, "base": d["base"].get(p), "point": d["point"].get(p)} for p in players])}
    out["solutions"] = ("Bargaining solutions", [
        {"solution": name, **_pay(sol.get("payoffs", {}), players),
         "achieved by": " + ".join(f"{x['probability']:.3g} x "
                                   + (", ".join(x["named"]) or " / ".join(x["profiles"]))
                                   for x in sol.get("lottery", []))}
        for name, sol in r["solutions"].items() if sol is not None])
    space = r["payoff_space"]
    frontier = {x["label"] if isinstance(x, Mapping) else x
                for x in space.get("on_frontier", [])}
    out["pareto"] = (f"Pareto-optimal pure profiles ({len(space['pareto'])})", [
        {"profile": x["label"], **_pay(x["payoffs"], players),
         "on the hull's frontier": x["label"] in frontier} for x in space["pareto"]])
    out["named_profiles"] = ("Named profiles", [
        {"profile": k, **_pay(v.get("payoffs", {}), players),
         "Pareto-optimal": v.get("pareto_optimal")} for k, v in r["named_profiles"].items()])
    out.update(_rubinstein(r, players))
    link = r.get("linkage") or {}
    out["linkage"] = (f"Issue linkage at delta {link.get('delta')}", [
        {"deal": x["name"], **{f"issue {k}": v["delta_star"] for k, v in x["separate"].items()},
         "separate": x["separate_delta_star"], "linked": x["linked_delta_star"],
         "helps": x["helps"]} for x in link.get("deals", [])])
    mo = r.get("move_order") or {}
    out["move_order"] = ("Move order (subgame perfect equilibrium)", [
        {"order": o["name"], **_pay(o["outcome"]["payoffs"], players),
         "outcome": o["outcome"]["label"], "ties on path": o["ties_on_path"]}
        for o in mo.get("orders", [])])
    return out


def _rubinstein(r: Mapping[str, Any], players: list[str]) -> Tables:
    rb = r.get("rubinstein") or {}
    out: Tables = {}
    if rb.get("stationary"):
        out["rubinstein"] = (f"Rubinstein alternating offers ({rb.get('first')} first)", [
            {"": "agreement", **_pay(rb["stationary"]["offer"], players)},
            {"": "with the deadline", **_pay(rb.get("at_deadline") or {}, players)}])
    options = r.get("outside_options") or {}
    out["outside_options"] = ("Outside options", [
        {"side": p, "value": o.get("value"), "binds the axiomatic solutions above":
         o.get("binds_above"), "moves the Nash deal above": o.get("moves_nash_above"),
         "binds alternating offers above": o.get("rubinstein_binds_above")}
        for p, o in options.items() if isinstance(o, Mapping)])
    return out


def sweep_tables(r: Mapping[str, Any]) -> Tables:
    return {"points": (f"Sweep of {r['scenario']}: one row per point", list(r["points"])),
            "tipping_points": ("Tipping points", [
                {k: v for k, v in t.items() if k != "bracket"} for t in r["tipping_points"]])}


def compare_tables(r: Mapping[str, Any]) -> Tables:
    return {"scenarios": ("Scenarios side by side", [
        {"scenario": x["scenario"], "equilibria": x["n_equilibria"],
         **{f"payoff {p}": v for p, v in x["payoffs"].items()},
         "delta*": None if x["truce"] is None else x["truce"].get("delta_star"),
         "P(intact at expiry)": None if x["truce"] is None else x["truce"].get("survival")}
        for x in r["scenarios"]])}


TABLES = {"truce": truce_tables, "bargain": bargain_tables, "sweep": sweep_tables,
          "compare": compare_tables}


def dataframe(rows: Rows) -> Any:
    """A :class:`pandas.DataFrame` of ``rows``; a clear error without pandas."""
    try:
        import pandas as pd
    except ImportError:
        from sim.errors import InputError

        msg = ("to_dataframe needs pandas: pip install 'tradesim[pandas]' (or pip install "
               "pandas)")
        raise InputError(msg) from None
    return pd.DataFrame(rows)
