"""The continuous analysis as text (:func:`report_lines`), for ``tradesim continuous``."""

from __future__ import annotations

from collections.abc import Mapping

from sim.analyses.continuous import ContinuousReport
from sim.scenario import Scenario
from sim.solvers.continuous import ActionProfile, ContinuousGame, Coordinate


def describe(game: ContinuousGame, profile: ActionProfile, units: Mapping[str, str]) -> str:
    """``US: us_tariff=62.5%, chips=1 | China: ...``"""
    parts = []
    for p, cs, action in zip(game.players, game.coordinates, profile, strict=True):
        levers = ", ".join(
            f"{c.name}={_tidy(x, c):.4g}{units.get(c.name, '')}"
            for c, x in zip(cs, action, strict=True)
        )
        parts.append(f"{p}: {levers}")
    return " | ".join(parts)


def _tidy(x: float, c: Coordinate) -> float:
    """``x`` with optimiser dust (below 1e-9 of the lever's span) rounded away."""
    return 0.0 if abs(x) < 1e-9 * c.span else x


def units_of(scenario: Scenario) -> dict[str, str]:
    return {
        lv.name: (lv.unit if lv.unit in {"%"} else f" {lv.unit}" if lv.unit else "")
        for p in scenario.players
        for lv in p.levers
    }


def report_lines(r: ContinuousReport) -> list[str]:
    """The report as text lines."""
    units = units_of(r.scenario)
    eq = r.equilibria
    status = (
        "complete: the best responses contract, so the equilibrium is unique"
        if eq.complete
        else "may be incomplete"
    )
    lines = [
        (
            f"{r.scenario.name}: {len(eq.equilibria)} pure "
        f"{'equilibrium' if len(eq.equilibria) == 1 else 'equilibria'} of the continuous game "
            f"({status}; search grid {eq.search_grid}, verified on grid {eq.verify_grid}, "
            f"{eq.starts} random starts, seed {r.seed})"
        )
    ]
    for k, e in enumerate(eq.equilibria, start=1):
        pay = ", ".join(f"{p} {u:.3f}" for p, u in zip(r.game.players, e.payoffs, strict=True))
        gain = max(*e.verification.regret_grid, *e.verification.regret_local)
        lines.append(f"  {k}. {describe(r.game, e.profile, units)}")
        lines.append(f"     payoffs {pay}; largest gain from deviating {gain:.1e}")
    if eq.modulus is not None:
        lines.append(f"best-response contraction modulus (estimated): {eq.modulus:.3f}")
    lines.append(f"Pareto frontier: {len(r.frontier.profiles)} profiles found")
    if r.path:
        lines.append("most cooperative self-enforcing levels (Nash reversion), by discount factor:")
        for lv in r.path:
            joint = float(lv.payoffs.sum())
            lines.append(
                f"  delta={lv.delta:g}: {describe(r.game, lv.profile, units)} "
                f"(joint payoff {joint:.3f})"
            )
    return lines
