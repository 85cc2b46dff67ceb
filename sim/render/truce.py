"""The truce report as text: the table of ``tradesim truce`` and the run's summary lines.

Every function takes the JSON-ready report of :func:`sim.analyses.truce.analyse`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.analyses.truce import levels_text
from sim.scenario import Scenario


def _fmt_g(x: float | None) -> str:
    """An annual discount factor: ``≈ 0`` below 0.001 (a truce of short periods compounds to
    figures like 2e-12 a year, which say nothing a reader can use)."""
    if x is None:
        return "never"
    return "≈ 0" if abs(x) < 1e-3 else f"{x:.3g}"


def _fmt(x: float | None, digits: int = 3) -> str:
    return "never" if x is None else f"{x:.{digits}f}"


def render_table(report: Mapping[str, Any]) -> str:
    """A short plain-text report for the terminal."""
    t, time = report["thresholds"][report["punishment"]], report["time"]
    lines = [f"Truce stability: {report['scenario']}",
             f"Truce: {report['truce']['label']}",
             (f"Time: {time['period_days']:g}-day periods, {time['length_days']:g}-day truce "
             f"({time['periods']} periods); delta = {time['delta']:.4f} per "
             f"{time['period_days']:g}-day period ({_fmt_g(time['delta_annual'])} a year), "
             f"from {time['delta_source']}"),
             f"Punishment: {_PUNISHMENT_NAMES.get(report['punishment'], report['punishment'])}",
             ""]
    width = max(len(p) for p in report["players"])
    lines.append(f"{'side':<{width}}  {'truce':>8}  {'deviate':>8}  {'punished':>8}  "
                 f"{'delta*':>7}  {'annual':>7}  best one-shot deviation")
    for p, row in t["players"].items():
        dev = levels_text(row["deviation"]) if row["gain"] > 0 else "none gains"
        lines.append(f"{p:<{width}}  {row['truce_payoff']:8.3f}  {row['deviation_payoff']:8.3f}  "
                     f"{row['punishment_payoff']:8.3f}  {_fmt(row['delta_star']):>7}  "
                     f"{_fmt_g(row['delta_star_annual']):>7}  {dev}")
    verdict = "yes" if t["sustainable"] else "no"
    lines.append(f"Binding side: {t['binding']} (delta* = {_fmt(t['delta_star'])}). "
                 f"Sustainable at delta = {time['delta']:.4f}: {verdict}.")
    if t["k"] is not None:
        lines.append(f"With {t['k']}-period punishments: delta* = {_fmt(t['delta_star_k'])} "
                     f"(binding: {t['binding_k']}).")
    others = [f"{name} {_fmt(o.get('delta_star'))}" if "error" not in o else f"{name}: n/a"
              for name, o in report["thresholds"].items() if name != report["punishment"]]
    if others:
        lines.append("Other punishments, delta*: " + "; ".join(others) + ".")
    if report["named_profiles"]:
        lines.append("Named profiles, delta* with Nash reversion: " + "; ".join(
            f"{n} {_fmt(v['delta_star'])}" for n, v in report["named_profiles"].items()) + ".")
    lines += ["", *_sustainable_lines(report["best_sustainable"]), "",
              *_model_lines(report), *_simulation_lines(report)]
    return "\n".join(lines)


def _model_lines(report: Mapping[str, Any]) -> list[str]:
    from sim.render.truce_model import model_lines

    return [*model_lines(report), ""] if report.get("model") else []


_PUNISHMENT_NAMES = {
    "nash": "Nash reversion (the stage equilibrium worst for the deviator), grim trigger",
    "minmax": "the deviator's minmax payoff, grim trigger",
}


def _sustainable_lines(best: Mapping[str, Any]) -> list[str]:
    if "error" in best:
        return [f"Best sustainable profile: n/a ({best['error']})"]
    lines = [(f"Best sustainable profile at delta = {best['delta']:.4f} ({best['count']} "
             f"sustainable): {best['joint']['label']}")]
    if best["nash_product"] is not None:
        lines.append(f"  by Nash product: {best['nash_product']['label']}")
    lines.append("As delta rises (Nash reversion; each step lists what changes):")
    lines += [f"  from delta = {st['delta']:.3f}: {st['changes']} (joint payoff "
              f"{st['joint_payoff']:.3f})" for st in best["steps"]]
    return lines


def _simulation_lines(report: Mapping[str, Any]) -> list[str]:
    sim, time = report["simulation"], report["time"]
    breach = " | ".join(f"{p}: {levels_text(lv)}" for p, lv in sim["breach"].items())
    lines = [(f"Simulation: {sim['runs']:,} runs x {sim['periods']} periods, seed {sim['seed']}, "
             f"implementation noise {sim['noise_implementation']:g}, perception noise "
             f"{sim['noise_perception']:g}"),
             f"A breach ({sim['breach_kind']}) is: {breach}"]
    p1, p2 = report["players"]
    w = max(10, *(len(pair["label"]) for pair in sim["pairs"]))
    head = (f"{'strategies':<{w}}  {'P(intact, day ' + format(time['length_days'], 'g') + ')':>20}"
            f"  {'median breach day':>17}  {'mutual':>6}  {'recovery':>8}  {p1:>8}  {p2:>8}")
    lines.append(head)
    for pair in sim["pairs"]:
        e = pair["expiry"]
        med = pair["first_breach"]["median_day"]
        rec = pair["recovery"]
        lines.append(
            f"{pair['label']:<{w}}  {e['probability']:>12.4f} ± {e['se']:.4f}  "
            f"{'-' if med is None else format(med, 'g'):>17}  "
            f"{pair['mutual_compliance']['share']:6.3f}  {'-' if rec is None else f'{rec:.3f}':>8}"
            f"  {pair['payoffs'][p1]['mean']:8.3f}  {pair['payoffs'][p2]['mean']:8.3f}")
    return lines


def render_markdown(report: Mapping[str, Any]) -> str:
    """The truce section of ``summary.md`` (the table report in a code block, with a title)."""
    return "## Truce stability\n\n```text\n" + render_table(report) + "\n```\n"


def _origin(scenario: Scenario, key: str) -> str:
    ref = getattr(scenario.truce, key, None)
    if isinstance(ref, str):
        q = scenario.quantity(ref)
        return f"`{ref}`, {q.origin()}"
    return "set in [truce]" if ref is not None else "default"


def summary_lines(scenario: Scenario, report: Mapping[str, Any]) -> list[str]:
    """Markdown lines for ``summary.md``: each number with where it comes from."""
    t, time, sim = report["thresholds"][report["punishment"]], report["time"], report["simulation"]
    lines = [f"Truce profile: {report['truce']['label']}.", "",
             "| setting | value | from |", "|---|---|---|"]
    rows = [("truce length (days)", f"{time['length_days']:g}", "length_days"),
            ("period (days)", f"{time['period_days']:g}", "period_days"),
            ("annual discount rate", _g(time["annual_discount_rate"]), "annual_discount_rate"),
            ("renewal probability (per expiry)", _g(time["renewal_probability"]),
             "renewal_probability"),
            ("implementation noise", _g(sim["noise_implementation"]), "noise_implementation"),
            ("perception noise", _g(sim["noise_perception"]), "noise_perception")]
    lines += [f"| {a} | {b} | {_origin(scenario, k)} |" for a, b, k in rows]
    lines += [(f"| δ per {time['period_days']:g}-day period | {time['delta']:.4f} | "
               f"{time['delta_source']} |"), "",
              f"Punishment: {_PUNISHMENT_NAMES.get(report['punishment'], report['punishment'])}."
              , "", "| side | truce payoff | best deviation | gain | punished | δ* | δ* (annual) |",
              "|---|---|---|---|---|---|---|"]
    for p, row in t["players"].items():
        dev = levels_text(row["deviation"]) if row["gain"] > 0 else "none gains"
        lines.append(f"| {p} | {row['truce_payoff']:.3f} | {dev} | {row['gain']:.3f} | "
                     f"{row['punishment_payoff']:.3f} | {_fmt(row['delta_star'])} | "
                     f"{_fmt_g(row['delta_star_annual'])} |")
    verdict = "sustainable" if t["sustainable"] else "not sustainable"
    lines += ["", (f"Binding side: **{t['binding']}** (δ* = {_fmt(t['delta_star'])}); at "
                  f"δ = {time['delta']:.4f} the truce is **{verdict}** under grim trigger."), ""]
    if report.get("model"):
        from sim.render.truce_model import summary_lines as model_summary

        lines += model_summary(report)
    lines += [(f"Survival to day {time['length_days']:g} ({sim['runs']:,} runs, seed "
              f"{sim['seed']}; a breach is the {sim['breach_kind']} levels):"), "",
              "| strategies | P(intact at expiry) | ± s.e. | mutual compliance | recovery |",
              "|---|---|---|---|---|"]
    for pair in sim["pairs"]:
        rec = pair["recovery"]
        lines.append(f"| {pair['label']} | {pair['expiry']['probability']:.4f} | "
                     f"{pair['expiry']['se']:.4f} | {pair['mutual_compliance']['share']:.3f} | "
                     f"{'-' if rec is None else f'{rec:.3f}'} |")
    return lines


def console_lines(report: Mapping[str, Any]) -> list[str]:
    """A few lines for the console of ``tradesim run``."""
    t, time = report["thresholds"][report["punishment"]], report["time"]
    lines = [f"delta* {p}: {_fmt(row['delta_star'])}" for p, row in t["players"].items()]
    verdict = "yes" if t["sustainable"] else "no"
    lines.append(f"binding: {t['binding']}; sustainable at delta = {time['delta']:.4f}: {verdict}")
    if report.get("model"):
        from sim.render.truce_model import console_lines as model_console

        lines += model_console(report)
    for pair in report["simulation"]["pairs"]:
        e = pair["expiry"]
        lines.append(f"P(intact at day {time['length_days']:g}) {pair['label']}: "
                     f"{e['probability']:.3f} ± {e['se']:.3f}")
    return lines


def _g(x: float | None) -> str:
    return "-" if x is None else f"{x:g}"
