"""A timeline's analysis as markdown sections and as one self-contained HTML page.

``tradesim timeline FILE --report PAGE.html`` writes the page: the timeline figure, the
backtest (each stage's prediction for the next date against the baseline, and the means),
then one section per stage (its equilibria, the recorded profile's status, the truce's
threshold and the truce model's outcomes, the deal, what changed, the prediction). The page
uses the styles, markdown subset and figure embedding of ``report.html``
(:mod:`sim.render.html`), so it needs no network either.
"""

from __future__ import annotations

import html
from typing import Any

from sim import __version__
from sim.render.html import CHECK, CSS, markdown_to_html, png_figure_html
from sim.render.timeline import equilibrium_text, fmt, recorded_text


def backtest_markdown(result: Any) -> list[str]:
    """The predictions of every stage and the mean scores, as a markdown table."""
    lines = [("| stage | date | no change means | model | baseline | recorded next | Brier "
             "(baseline) | log (baseline) |"), "|---|---|---|---|---|---|---|---|"]
    for s in result.stages:
        p = s.prediction
        if p is None:
            continue
        scores = ("-", "-") if p.outcome is None else (
            f"{fmt(p.brier)} ({fmt(p.brier_baseline)})", f"{fmt(p.log)} ({fmt(p.log_baseline)})")
        lines.append(f"| {s.key} | {s.date} | {p.event} | {fmt(p.probability)} | "
                     f"{fmt(p.baseline)} | {p.observed or 'not recorded'} | {scores[0]} | "
                     f"{scores[1]} |")
    sc = result.score
    lines += ["", (f"Mean over {sc.scored} scored stage(s): Brier **{fmt(sc.brier)}** "
                  f"(baseline {fmt(sc.brier_baseline)}; lower is better), log score "
                  f"**{fmt(sc.log)}** (baseline {fmt(sc.log_baseline)}; higher is better). "
                  "Each prediction is made from its stage as written, before the next is read.")]
    return lines


def stage_markdown(s: Any) -> list[str]:
    """One stage as markdown: a bullet list, then its prediction's table."""
    st = s.status
    lines = [f"Scenario `{s.scenario}`. Recorded: {recorded_text(s.recorded)}"
             + (f" (sources: {', '.join(s.recorded_sources)})" if s.recorded_sources else ""),
             "",
             (f"- Recorded profile: equilibrium **{st.equilibrium}**, self-enforcing "
             f"**{st.self_enforcing}** (δ* {fmt(st.delta_star)}), Pareto-optimal **{st.pareto}**"),
             f"- Equilibria ({'complete' if s.complete else 'not complete'}): "
             + "; ".join(equilibrium_text(e) for e in s.equilibria)]
    if s.truce is not None:
        t = s.truce
        lines.append(f"- Truce {t.profile}: δ* {fmt(t.delta_star)} (punishment {t.punishment}) "
                     f"against δ {fmt(t.delta)} × hazard {fmt(t.hazard_factor)} = "
                     f"{fmt(t.delta_effective)}: "
                     f"**{'sustainable' if t.sustainable else 'not sustainable'}**")
        if t.model is not None:
            m = t.model
            lines.append(f"- Truce model over its term: P(no slip) {fmt(m['no_slip'])}, "
                         f"P(dispute) {fmt(m['dispute'])}, P(collapse) {fmt(m['collapse'])}, "
                         f"P(renewed) {fmt(m['renewed'])}")
    if s.deal is not None:
        lines.append(f"- Deal (Nash bargaining): {s.deal}")
    if s.changed:
        lines.append("- Changed since the previous stage: " + "; ".join(s.changed))
    p = s.prediction
    if p is not None:
        lines += ["", f"Prediction for the next date ({p.event}):", "",
                  "| outcome | model | baseline |", "|---|---|---|"]
        lines += [f"| {k}{' (recorded)' if k == p.observed else ''} | {fmt(v)} | "
                  f"{fmt(p.baseline_outcomes.get(k))} |" for k, v in p.outcomes.items()]
    return lines


def timeline_html(result: Any, figure: bytes | None, *, command: str = "") -> str:
    """The whole page (``figure``: the timeline figure's PNG bytes, or ``None``)."""
    title = html.escape(result.title or result.name)
    nav = ["<li><a href='#backtest'>Backtest</a></li>"]
    body = [(f"<section id='backtest'><h2>Backtest</h2>\n"
            f"{png_figure_html('timeline.png', figure) if figure else ''}\n"
            f"{markdown_to_html(backtest_markdown(result))}</section>")]
    for k, s in enumerate(result.stages):
        anchor = f"stage-{k}"
        head = html.escape(f"{s.date}: {s.title}")
        nav.append(f"<li><a href='#{anchor}'>{head}</a></li>")
        body.append(f"<section id='{anchor}'><h2>{head}</h2>\n"
                    f"{markdown_to_html(stage_markdown(s))}</section>")
    meta = " · ".join(filter(None, [f"timeline {result.name}", f"tradesim {__version__}"]))
    top = [f"<h1 id='timeline'>{title}</h1>", f"<p class='meta'>{html.escape(meta)}</p>"]
    if command:
        top.append(f"<p class='meta'>Command: <code>{html.escape(command)}</code></p>")
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{title}: tradesim timeline</title><style>{CSS}</style></head><body>\n"
            + "\n".join(top) + f"\n<nav><h2>Contents</h2><ul>{''.join(nav)}</ul></nav>\n"
            + "\n".join(body) + f"\n{CHECK}</body></html>\n")
