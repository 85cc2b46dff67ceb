"""The truce model's part of the truce report in words: sentences and tables for the
terminal and ``summary.md`` (the JSON is :mod:`sim.analyses.truce_json`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def sides_text(report_json: Mapping[str, Any]) -> list[str]:
    """Plain sentences: who is likelier to break, on which issue, and the punishments."""
    lk = report_json["likelier"]
    lines = []
    if lk["expected_breaches"] and not lk["tie"]:
        levels = ", ".join(f"{k}={v}" for k, v in (lk["levels"] or {}).items())
        lines.append(
            f"{lk['side']} is likelier to break the truce: "
            f"{lk['expected_breaches']:.3g} expected breaches over the term against "
            f"{lk['other']:.3g}, mostly {lk['mostly']} on {lk['issue']} ({levels})."
        )
    else:
        lines.append("Neither side is likelier to break the truce.")
    for p, side in report_json["sides"].items():
        pb = side["punished_by"]
        if not pb["levels"]:
            lines.append(f"No punishment of {p} is available in the family.")
            continue
        levels = ", ".join(f"{k}={v}" for k, v in pb["levels"].items())
        span = (
            "for ever"
            if pb["length"] is None
            else (
                f"for {pb['length']} period{'s' if pb['length'] != 1 else ''} "
                f"({pb['length_days']:g} days), then back to the truce"
            )
        )
        kind = (
            "mildest deterring punishment"
            if pb["deters"] and pb["needed"]
            else "mildest punishment (nothing to deter at the central values)"
            if not pb["needed"]
            else "harshest punishment available (none deters)"
        )
        cred = "credible" if pb["credible"] else "not credible"
        lines.append(f"{kind.capitalize()} of {p}: {pb['punisher']} sets {levels} {span}; {cred}.")
        sig = pb["signal"]
        if sig and sig.get("chosen") == "optimal":
            lines.append(
                f"  {p}'s {sig['lever']} is watched through a signal (sd "
                f"{sig['sd']:g}): trigger {sig['trigger']:.3g}, false alarms "
                f"{sig['false_alarm']:.3g} a period, a breach caught with "
                f"probability {sig['detect']:.3g}."
            )
    return lines


def model_lines(report: Mapping[str, Any]) -> list[str]:
    """The truce model in words and one table (see docs/explanation/truce.md)."""
    m, time = report["model"], report["time"]
    o = m["outcomes"]
    shocks = ", ".join(x["assumption"] for x in m["shocks"]) or "none"
    lines = [
        (
            f"Truce model (delta = {m['delta']:.4f}; shocks: {shocks}; renewal "
            f"{o['renewed_source']}):"
        ),
        *sides_text(m),
    ]
    p1, p2 = report["players"]
    w = max(len(p1), len(p2), 8)
    rows = [
        ("P(no slip to expiry)", _p(o["no_slip"])),
        ("P(a dispute)", _p(o["dispute"])),
        ("disputes a year", f"{o['disputes_per_year']:.3g}"),
        (
            f"days punished ({p1} / {p2})",
            f"{o['punished_days'][p1]:.3g} / {o['punished_days'][p2]:.3g}",
        ),
        (
            "days to repair a dispute",
            " / ".join(
                "-" if o["repair_days"][p] is None else f"{o['repair_days'][p]:g}" for p in (p1, p2)
            ),
        ),
        (f"P(collapse before day {time['length_days']:g})", _p(o["collapse"])),
        (f"P(renewed at expiry) [{o['renewed_source']}]", _p(o["renewed"])),
        (f"payoff {p1} (stage {o['stage'][p1]:.3f})", f"{o['payoffs'][p1]:.3f}"),
        (f"payoff {p2} (stage {o['stage'][p2]:.3f})", f"{o['payoffs'][p2]:.3f}"),
    ]
    width = max(len(a) for a, _ in rows)
    lines += [f"  {a:<{width}}  {b:>{w}}" for a, b in rows]
    sim = m.get("simulated")
    if sim:
        lines.append(
            f"  Monte Carlo check ({sim['runs']:,} runs): P(no slip) "
            f"{sim['no_slip']['mean']:.3f} ± {sim['no_slip']['se']:.3f}, P(dispute) "
            f"{sim['dispute']['mean']:.3f} ± {sim['dispute']['se']:.3f}, P(collapse) "
            f"{sim['collapse']['mean']:.3f} ± {sim['collapse']['se']:.3f}"
        )
    lines += [f"  Note: {n}" for n in m["notes"]]
    return lines


def _p(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def summary_lines(report: Mapping[str, Any]) -> list[str]:
    """Markdown lines for the truce section of ``summary.md``."""
    m, time = report["model"], report["time"]
    o = m["outcomes"]
    p1, p2 = report["players"]
    lines = [
        (
            "The truce model (deliberate breaches under shocks, imperfect monitoring, "
            "finite punishments; docs/explanation/truce.md):"
        ),
        "",
        *[f"- {x.strip()}" for x in sides_text(m)],
        "",
        "| outcome | value |",
        "|---|---|",
        f"| P(no slip to day {time['length_days']:g}) | {_p(o['no_slip'])} |",
        f"| P(a dispute) | {_p(o['dispute'])} |",
        f"| disputes a year | {o['disputes_per_year']:.3g} |",
        (
            f"| days punished, {p1} / {p2} | {o['punished_days'][p1]:.3g} / "
            f"{o['punished_days'][p2]:.3g} |"
        ),
        f"| P(collapse before expiry) | {_p(o['collapse'])} |",
        f"| P(renewed at expiry), {o['renewed_source']} | {_p(o['renewed'])} |",
        (
            f"| payoffs {p1} / {p2} (stage {o['stage'][p1]:.3f} / {o['stage'][p2]:.3f}) | "
            f"{o['payoffs'][p1]:.3f} / {o['payoffs'][p2]:.3f} |"
        ),
        "",
    ]
    return lines


def console_lines(report: Mapping[str, Any]) -> list[str]:
    """Two lines for the console of ``tradesim run``."""
    o = report["model"]["outcomes"]
    return [
        sides_text(report["model"])[0],
        (
            f"model: P(no slip) {_p(o['no_slip'])}, P(dispute) {_p(o['dispute'])}, "
            f"P(collapse) {_p(o['collapse'])}, P(renewed) {_p(o['renewed'])}"
        ),
    ]
