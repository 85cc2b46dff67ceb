"""A timeline's analysis (:mod:`sim.analyses.timeline`) as text and as JSON.

Used by ``tradesim timeline FILE`` (:mod:`sim.cli.timeline`).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any


def to_json(result: Any) -> dict[str, Any]:
    """The analysis as a JSON-ready dict (non-finite numbers become ``null``)."""

    def clean(x: Any) -> Any:
        if isinstance(x, float):
            return x if math.isfinite(x) else None
        if isinstance(x, dict):
            return {str(k): clean(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [clean(v) for v in x]
        return x

    return clean(dataclasses.asdict(result))


def _g(x: float | None, digits: int = 3) -> str:
    if x is None:
        return "-"
    if math.isinf(x):
        return "never"
    return f"{x:.{digits}g}"


def _recorded(recorded: dict[str, dict[str, str]]) -> str:
    return " | ".join(f"{p}: " + ", ".join(f"{lv}={lvl}" for lv, lvl in c.items())
                      for p, c in recorded.items())


def _eq(e: Any) -> str:
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
        lines.append(f"  recorded: {_recorded(s.recorded)}"
                     + (f"  [{', '.join(s.recorded_sources)}]" if s.recorded_sources else ""))
        st = s.status
        lines.append(f"  recorded profile: equilibrium {st.equilibrium}, self-enforcing "
                     f"{st.self_enforcing} (delta* {_g(st.delta_star)}), Pareto-optimal "
                     f"{st.pareto}")
        lines.append(f"  equilibria ({'complete' if s.complete else 'not complete'}):")
        lines += [f"    {_eq(e)}" for e in s.equilibria]
        if s.truce is not None:
            t = s.truce
            lines.append(f"  truce {t.profile}: delta* {_g(t.delta_star)} (punishment "
                         f"{t.punishment}), delta {_g(t.delta)} x hazard "
                         f"{_g(t.hazard_factor)} = {_g(t.delta_effective)}: "
                         f"{'sustainable' if t.sustainable else 'not sustainable'}")
            if t.model is not None:
                m = t.model
                lines.append(f"    truce model over its term: P(no slip) {_g(m['no_slip'])}, "
                             f"P(dispute) {_g(m['dispute'])}, P(collapse) "
                             f"{_g(m['collapse'])}, P(renewed) {_g(m['renewed'])}")
            if t.days_to_next is not None:
                dist = ", ".join(f"{k} {_g(v)}" for k, v in (t.to_next or {}).items())
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
            dist = ", ".join(f"{k} {_g(v)}" for k, v in p.outcomes.items())
            base = ", ".join(f"{k} {_g(v)}" for k, v in p.baseline_outcomes.items())
            lines.append(f"  prediction for the next date: {dist} (baseline {base}); "
                         f"recorded: {out}")
            if p.outcome is not None:
                lines.append(f"    Brier {_g(p.brier)} (baseline {_g(p.brier_baseline)}), log "
                             f"{_g(p.log)} (baseline {_g(p.log_baseline)})")
        lines.append("")
    sc = result.score
    lines.append(f"Backtest over {sc.scored} scored stage(s): Brier {_g(sc.brier)} (baseline "
                 f"{_g(sc.brier_baseline)}), log {_g(sc.log)} (baseline {_g(sc.log_baseline)})")
    return "\n".join(lines) + "\n"
