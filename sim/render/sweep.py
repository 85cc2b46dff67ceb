"""Sweep and sensitivity reports as text: the table of ``tradesim sweep`` and the run's
sensitivity section (markdown)."""

from __future__ import annotations

import math
from typing import Any

from sim.analyses.sensitivity import where_text


def short_sets(report: dict[str, Any]) -> dict[str, str]:
    from sim.plots.sweep import short_set_labels

    labels = {s["equilibria"] for s in report.get("equilibrium_sets", ())}
    labels |= {str(t[k]) for t in report["tipping_points"] if t["conclusion"] == "equilibria"
               for k in ("before", "after")}
    return short_set_labels(sorted(labels))

def tipping_text(t: dict[str, Any], short: dict[str, str]) -> str:
    """A tipping point in words, equilibrium sets and deals in their short form."""
    from sim.plots.sweep import short_set_labels

    lo, hi = t.get("bracket") or (t["value"] - t["tolerance"], t["value"] + t["tolerance"])
    where = where_text(t["variable"], t["value"], lo, hi, t.get("exact"))
    if t["conclusion"] == "equilibria":
        return (f"the equilibrium set changes from [{short[t['before']]}] to "
                f"[{short[t['after']]}] when {where}")
    if t["conclusion"] == "nash_deal":
        lottery = "a lottery of "
        raw = [str(t["before"]), str(t["after"])]
        deals = [r.removeprefix(lottery).replace(" + ", " ; ") for r in raw]
        s = short_set_labels(deals)
        before, after = ((lottery if r.startswith(lottery) else "")
                         + s[d].replace(" ; ", " + ") for r, d in zip(raw, deals, strict=True))
        return f"the Nash bargaining deal changes from [{before}] to [{after}] when {where}"
    return str(t["text"])

def render_table(report: dict[str, Any]) -> str:
    """A short readable summary: the grid, the equilibrium sets, every tipping point."""
    vs = report["variables"]
    grid = " x ".join(f"{v['name']} {v['lo']:g}..{v['hi']:g} ({v['n']} points)" for v in vs)
    lines = [f"{report['title']}: sweep of {grid}", ""]
    sets = report["equilibrium_sets"]
    short = short_sets(report)
    lines.append(f"{len(sets)} distinct equilibrium set(s) on the grid "
                 "(lever settings shared by every equilibrium are omitted):")
    first: dict[str, dict[str, Any]] = {}
    for row in report.get("points", []):
        first.setdefault(row.get("equilibria"), row)
    names = [v["name"] for v in vs]
    for s in sets[:8]:
        lines.append(f"  {s['points']:>6} points: {short[s['equilibria']]}")
        row = first.get(s["equilibria"]) or {}
        if row.get("mixed_equilibria"):
            at = ", ".join(f"{n} = {row[n]:g}" for n in names if n in row)
            lines += [f"           mixed, at {at}: {m}"
                      for m in row["mixed_equilibria"].split(" ; ")]
    if len(sets) > 8:
        lines.append(f"  ... and {len(sets) - 8} more (see sweep.json)")
    lines.append("")
    tps = report["tipping_points"]
    if not tps:
        lines.append("No conclusion changes over the swept range.")
    else:
        lines.append(f"Tipping points ({len(tps)}):")
        for t in tps[:40]:
            at = ", ".join(f"{k} = {v:g}" for k, v in t["at"].items())
            text = tipping_text(t, short)
            lines.append(f"  - {text}" + (f" (at {at})" if at else ""))
        if len(tps) > 40:
            lines.append(f"  ... and {len(tps) - 40} more (see sweep.json)")
    return "\n".join(lines)

def _finite(x: Any) -> bool:
    return x is not None and isinstance(x, int | float) and math.isfinite(x)

def tornado_outcomes(report: dict[str, Any]) -> list[str]:
    """Outcomes worth a tornado chart: those defined at the centre that move somewhere."""
    out = []
    for key, base in report["base"].items():
        if key.startswith("deal:") or not _finite(base):
            continue
        if any(_swing(b, key) > 1e-9 * max(1.0, abs(base)) for b in report["tornado"]):
            out.append(key)
    return out

def _swing(b: dict[str, Any], key: str) -> float:
    lo, hi = b["at_low"].get(key), b["at_high"].get(key)
    return abs(hi - lo) if _finite(lo) and _finite(hi) else -1.0

def sensitivity_markdown(report: dict[str, Any]) -> list[str]:
    lines = [("Each assumption is moved to the low and the high end of its range, the others "
             "held at their values (the tornado); conclusions that change inside a range are "
             "located by bisection; and a Latin-hypercube sample over all the ranges at once "
             "shows how often each headline conclusion holds."), ""]
    for key in tornado_outcomes(report):
        eps = 1e-9 * max(1.0, abs(report["base"][key]))
        bars = [b for b in sorted(report["tornado"], key=lambda b: -_swing(b, key))[:8]
                if _swing(b, key) > eps]
        lines += [f"**Tornado: {key}** (central value {report['base'][key]:.4g})", "",
                  "| assumption | low end | at low | high end | at high |",
                  "|---|---|---|---|---|"]
        lines += [f"| {b['name']} | {b['low']:g} | {b['at_low'][key]:.4g} | {b['high']:g} | "
                  f"{b['at_high'][key]:.4g} |" for b in bars]
        lines.append("")
    tps = report["tipping_points"]
    lines += [("**Tipping points inside the assumptions' ranges** "
              "(one assumption at a time, the others at their values)"), ""]
    short = short_sets(report)
    lines += [f"- {tipping_text(t, short)}" for t in tps] or [("- none: no conclusion changes inside any "
                                                 "single assumption's range")]
    rb = report["robustness"]
    spread = rb.get("discrepancy")
    evenness = (f"; centred L2 discrepancy {spread:.3g}, lower is more even"
                if _finite(spread) else "")
    lines += ["", (f"**Robustness** ({rb['samples']} Latin-hypercube samples over "
              f"{len(rb['variables'])} assumptions, seed {report['seed']}{evenness})"), "",
              "| conclusion | share of samples | standard error |", "|---|---|---|"]
    lines += [f"| {s['statement']} | {s['share']:.1%} | {s['se']:.1%} |" for s in rb["shares"]]
    if _finite(rb["survival_mean"]):
        lines += ["", (f"Mean probability that the truce reaches its expiry intact over the "
                  f"samples: {rb['survival_mean']:.3f} (standard error {rb['survival_se']:.3f}).")]
    return lines
