"""The table of ``tradesim compare`` (rows of :func:`sim.analyses.compare.compare_one`)."""

from __future__ import annotations

from typing import Any


def render_table(rows: list[dict[str, Any]]) -> str:
    def num(x: Any, fmt: str = ".3g") -> str:
        return "-" if x is None else format(x, fmt)

    common = next((r["truce"]["per_common_period"] for r in rows
                   if r["truce"] and "per_common_period" in r["truce"]), None)
    head = (f"{'scenario':<26} {'eq (pure)':>9}  {'best equilibrium payoffs':<30} "
            f"{'delta':>6} {'delta*':>7} {'holds':>5}  Nash deal")
    note = (f"delta and delta* per {common['days']:g}-day period (each truce's converted: "
            "delta^(days / its period))") if common else ""
    lines = ([note] if note else []) + [head, "-" * len(head)]
    for r in rows:
        pay = ", ".join(f"{p} {num(v, '.4g')}" for p, v in r["payoffs"].items())
        t, d = r["truce"] or {}, r["deal"] or {}
        per = t.get("per_common_period", t)
        deal = ", ".join(f"{p} {num(v, '.4g')}" for p, v in (d.get("payoffs") or {}).items())
        holds = "-" if not t else ("yes" if t["sustainable"] else "no")
        lines.append(f"{r['scenario'][:26]:<26} {r['n_equilibria']:>4} ({r['n_pure']:>2})  "
                     f"{pay[:30]:<30} {num(per.get('delta')):>6} {num(per.get('delta_star')):>7} "
                     f"{holds:>5}  {deal or '-'}")
    return "\n".join(lines + _horizon_table(rows, num))


def _horizon_table(rows: list[dict[str, Any]], num: Any) -> list[str]:
    """The truce model's outcomes read at the common horizon, and the library pair's."""
    truces = [r for r in rows if r["truce"] and "horizon" in r["truce"]]
    if not truces:
        return []
    days = truces[0]["truce"]["horizon"]["days"]
    head = (f"{'scenario':<26} {'no slip':>8} {'dispute':>8} {'collapse':>8} "
            f"{'disputes/yr':>11} {'renewed (at expiry)':>20} {'library pair':>13}")
    out = ["", (f"Truce model at a common horizon of {days:g} days (exact; the library "
               "strategy pair's survival, Monte Carlo, last):"), head, "-" * len(head)]
    for r in truces:
        t, h = r["truce"], r["truce"]["horizon"]
        m = t["model"] or {}
        renewed = "-" if not m else f"{m['renewed']:.3f} (day {m['length_days']:g})"
        late = " *" if h.get("beyond_expiry") else ""
        out.append(f"{r['scenario'][:26]:<26} {num(h.get('no_slip'), '.3f'):>8} "
                   f"{num(h.get('dispute'), '.3f'):>8} {num(h.get('collapse'), '.3f'):>8} "
                   f"{num(m.get('disputes_per_year'), '.3g'):>11} {renewed:>20} "
                   f"{num(h.get('survival'), '.3f'):>13}{late}")
    if any(r["truce"]["horizon"].get("beyond_expiry") for r in truces):
        out.append("* the horizon is past this truce's expiry: read at its expiry")
    return out
