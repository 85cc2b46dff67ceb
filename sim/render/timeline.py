"""A timeline's analysis (:mod:`sim.analyses.timeline`) as text (its JSON is
:func:`sim.formats.json.to_json` of the result).

Used by ``tradesim timeline FILE`` (:mod:`sim.cli.timeline`).
"""

from __future__ import annotations

import math
from typing import Any


def fmt(x: float | None, digits: int = 3) -> str:
    """A number in ``digits`` significant digits; ``-`` for none, ``never`` for infinity."""
    if x is None:
        return "-"
    if math.isinf(x):
        return "never"
    return f"{x:.{digits}g}"


def recorded_text(recorded: dict[str, dict[str, str]]) -> str:
    """``US: lever=level | China: ...`` of a recorded profile."""
    return " | ".join(f"{p}: " + ", ".join(f"{lv}={lvl}" for lv, lvl in c.items())
                      for p, c in recorded.items())


def equilibrium_text(e: Any) -> str:
    """An equilibrium's strategies in one line (mixed ones with their probabilities)."""
    parts = []
    for player, mix in e.strategies.items():
        if len(mix) == 1:
            parts.append(f"{player}: {next(iter(mix))}")
        else:
            parts.append(f"{player}: " + " + ".join(f"{x:.3g} {s}" for s, x in mix.items()))
    return " | ".join(parts)


def render_table(result: Any) -> str:
    """The analysis as plain text, one block per stage, then the total score."""
    lines = [f"Timeline {result.name}" + (f": {result.title}" if result.title else ""), ""]
    for s in result.stages:
        lines.append(f"== {s.date}  {s.title}  (scenario {s.scenario})")
        lines.append(f"  recorded: {recorded_text(s.recorded)}"
                     + (f"  [{', '.join(s.recorded_sources)}]" if s.recorded_sources else ""))
        st = s.status
        lines.append(f"  recorded profile: equilibrium {st.equilibrium}, self-enforcing "
                     f"{st.self_enforcing} (delta* {fmt(st.delta_star)}), Pareto-optimal "
                     f"{st.pareto}")
        lines.append(f"  equilibria ({'complete' if s.complete else 'not complete'}):")
        lines += [f"    {equilibrium_text(e)}" for e in s.equilibria]
        if s.truce is not None:
            t = s.truce
            lines.append(f"  truce {t.profile}: delta* {fmt(t.delta_star)} (punishment "
                         f"{t.punishment}), delta {fmt(t.delta)} x hazard "
                         f"{fmt(t.hazard_factor)} = {fmt(t.delta_effective)}: "
                         f"{'sustainable' if t.sustainable else 'not sustainable'}")
            if t.model is not None:
                m = t.model
                lines.append(f"    truce model over its term: P(no slip) {fmt(m['no_slip'])}, "
                             f"P(dispute) {fmt(m['dispute'])}, P(collapse) "
                             f"{fmt(m['collapse'])}, P(renewed) {fmt(m['renewed'])}")
            if t.days_to_next is not None:
                dist = ", ".join(f"{k} {fmt(v)}" for k, v in (t.to_next or {}).items())
                lines.append(f"    to the next date: {t.days_to_next} days, {t.periods_to_next}"
                             f" period(s)" + (f": {dist}" if dist else "")
                             + ("; the deadline passes first" if t.expires_before_next else ""))
        if s.deal is not None:
            lines.append(f"  deal: {s.deal}")
        if s.changed:
            lines.append("  changed: " + "; ".join(s.changed))
        p = s.prediction
        if p is not None:
            out = "not recorded" if p.observed is None else p.observed
            dist = ", ".join(f"{k} {fmt(v)}" for k, v in p.outcomes.items())
            base = ", ".join(f"{k} {fmt(v)}" for k, v in p.baseline_outcomes.items())
            lines.append(f"  prediction for the next date: {dist} (baseline {base}); "
                         f"recorded: {out}")
            if p.outcome is not None:
                lines.append(f"    Brier {fmt(p.brier)} (baseline {fmt(p.brier_baseline)}), log "
                             f"{fmt(p.log)} (baseline {fmt(p.log_baseline)})")
        lines.append("")
    sc = result.score
    lines.append(f"Backtest over {sc.scored} scored stage(s): Brier {fmt(sc.brier)} (baseline "
                 f"{fmt(sc.brier_baseline)}), log {fmt(sc.log)} (baseline {fmt(sc.log_baseline)})")
    return "\n".join(lines) + "\n"
