"""Readable text of results: summary.md sections, console lines and the inputs table.

Every number shown is traced to where it came from: a fact (with its source ids), an
assumption (with its range), or the payoff formula of a player, whose inputs are listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from sim.analyses.core import Analysis
from sim.game import Game
from sim.render import profiles as pr
from sim.scenario import Scenario, formula_inputs
from sim.solvers.equilibria import EquilibriumSet


def fmt(x: float) -> str:
    """A payoff or probability for people: up to 4 significant digits, no ``-0``."""
    x = float(x)
    if abs(x) < 5e-13:
        x = 0.0
    return f"{x:.4g}"


def mixed_label(game: Game, player: int, x: np.ndarray) -> str:
    """``"defect"`` for a pure strategy, ``"2/3 A + 1/3 B"``-style (decimals) for a mix."""
    support = np.flatnonzero(x > 1e-9)
    if len(support) == 1:
        return game.strategies[player][int(support[0])]
    return " + ".join(f"{fmt(x[k])}×[{game.strategies[player][k]}]" for k in support)


def payoff_origin(scenario: Scenario, player: str) -> str:
    """One line: which facts (with sources) and assumptions a player's payoff uses."""
    if scenario.matrix is not None:
        return f"{player}'s payoffs are given directly in the file's [game] table"
    facts, assumptions, _ = formula_inputs(scenario, player)
    parts = []
    if facts:
        parts.append("facts " + ", ".join(
            f"{f} ({', '.join(scenario.facts[f].sources)})" for f in facts))
    if assumptions:
        parts.append("assumptions " + ", ".join(assumptions))
    used = "; ".join(parts) if parts else "lever values only"
    return f"{player}'s payoff = formula [payoffs.{player}] using {used}"


def exact_mixed_label(game: Game, player: int, x: Sequence[Fraction]) -> str:
    """:func:`mixed_label` with exact probabilities: ``2/3×[opera] + 1/3×[football]``."""
    support = [k for k, v in enumerate(x) if v != 0]
    if len(support) == 1:
        return game.strategies[player][support[0]]
    return " + ".join(f"{x[k]}×[{game.strategies[player][k]}]" for k in support)


def equilibrium_lines(g: Game, eqs: EquilibriumSet) -> list[str]:
    """One numbered line per equilibrium: what each player plays and the payoffs, as
    fractions when the equilibrium was computed exactly (``--exact``)."""
    out = []
    for k, eq in enumerate(eqs.equilibria, start=1):
        if eq.exact_strategies is not None and eq.exact_payoffs is not None:
            labels = [exact_mixed_label(g, i, x) for i, x in enumerate(eq.exact_strategies)]
            values = [str(v) for v in eq.exact_payoffs]
        else:
            labels = [mixed_label(g, i, x) for i, x in enumerate(eq.strategies)]
            values = [fmt(v) for v in eq.payoffs]
        plays = "; ".join(f"{p} plays {lab}" for p, lab in zip(g.players, labels, strict=True))
        pays = ", ".join(f"{p} {v}" for p, v in zip(g.players, values, strict=True))
        out.append(f"{k}. {plays} — payoffs: {pays}")
    return out


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 equilibrium``, ``3 equilibria``, ``0 strategies``."""
    many = plural or {"equilibrium": "equilibria", "strategy": "strategies"}.get(noun,
                                                                                 noun + "s")
    return f"{n} {noun if n == 1 else many}"


def degeneracy_text(degenerate: bool | None) -> str:
    """``degenerate game``, ``nondegenerate`` or ``degeneracy not checked``."""
    return {True: "degenerate game", False: "nondegenerate",
            None: "degeneracy not checked"}[degenerate]


def equilibria_status(name: str, eqs: EquilibriumSet) -> str:
    """``game: 1 equilibrium (method; all equilibria found)``, with ``degenerate game`` or
    ``degeneracy not checked`` when that is so."""
    status = "all equilibria found" if eqs.complete else "may be incomplete"
    flag = "" if eqs.degenerate is False else f"; {degeneracy_text(eqs.degenerate)}"
    return f"{name}: {count(len(eqs.equilibria), 'equilibrium')} ({eqs.method}; {status}{flag})"



def _completeness(a: Analysis) -> str:
    e = a.equilibria
    text = f"method: {e.method}; "
    text += "all equilibria found" if e.complete else "may be incomplete"
    if e.degenerate is not False:
        text += f"; {degeneracy_text(e.degenerate)}"
    if e.message:
        text += f" ({e.message})"
    return text


def core_summary(scenario: Scenario, a: Analysis, named: dict[str, tuple[int, ...]]) -> list[str]:
    g = a.game
    lines = [f"{g.players[0]} has {g.shape[0]} strategies, {g.players[1]} has "
             f"{g.shape[1]}." if len(g.players) == 2 else
             f"{len(g.players)} players; strategies per player: {g.shape}.", ""]
    lines += ["### Where the payoffs come from", ""]
    lines += [f"- {payoff_origin(scenario, p)}" for p in g.players]
    lines += ["", f"### Nash equilibria ({len(a.equilibria.equilibria)}; {_completeness(a)})", ""]
    lines += equilibrium_lines(a.game, a.equilibria) or ["None found."]
    unit = scenario.payoff_unit
    lines += ["", "### Named profiles", ""]
    if named:
        headers, rows = pr.profile_table(g, list(named.values()), unit=unit,
                                         names=list(named))
        rows = [[*r, "yes" if idx in a.pure else "no", "yes" if idx in a.pareto else "no"]
                for r, idx in zip(rows, named.values(), strict=True)]
        lines += pr.markdown_table([*headers, "equilibrium?", "Pareto-optimal?"], rows)
    else:
        lines.append("None defined.")
    lines += ["", f"### Pareto-optimal pure profiles ({len(a.pareto)})", ""]
    if a.pareto:
        lines += pr.markdown_table(*pr.profile_table(g, a.pareto[:40], unit=unit))
    if len(a.pareto) > 40:
        lines += ["", f"… and {len(a.pareto) - 40} more (see results.json)"]
    lines += ["", "### Dominated strategies", ""]
    lines += [f"- {g.players[d.player]}: [{g.strategies[d.player][d.strategy]}] is "
              f"{'strictly' if d.strict else 'weakly'} dominated by "
              f"[{g.strategies[d.player][d.by]}]" for d in a.dominated] or ["None."]
    surv = a.elimination.surviving
    lines += ["", "Iterated elimination of strictly dominated strategies leaves "
              + "; ".join(f"{p}: {len(surv[i])} of {g.shape[i]}"
                          for i, p in enumerate(g.players)) + ".", ""]
    lines += ["### Security levels (what each side can guarantee)", ""]
    for s in a.security:
        mixed = "" if s.mixed_level is None else f"; in mixed strategies {fmt(s.mixed_level)}"
        lines.append(f"- {g.players[s.player]}: {fmt(s.pure_level)} with "
                     f"[{g.strategies[s.player][s.pure_strategy]}]{mixed}")
    return lines


def core_console(a: Analysis, named: dict[str, tuple[int, ...]]) -> list[str]:
    g = a.game
    out = [f"Nash equilibria: {len(a.equilibria.equilibria)} ({_completeness(a)})"]
    out += ["  " + line for line in equilibrium_lines(a.game, a.equilibria)[:10]]
    if len(a.equilibria.equilibria) > 10:
        out.append(f"  … {len(a.equilibria.equilibria) - 10} more in results.json")
    out.append(f"Pareto-optimal pure profiles: {len(a.pareto)}")
    for s in a.pareto[:8]:
        pays = ", ".join(f"{p} {fmt(g.payoffs[(k, *s)])}" for k, p in enumerate(g.players))
        out.append(f"  {g.profile_label(s)} ({pays})")
    if len(a.pareto) > 8:
        out.append(f"  … {len(a.pareto) - 8} more in summary.md")
    out.append("Named profiles:" if named else "Named profiles: none")
    for name, idx in named.items():
        flags = [w for w, ok in (("equilibrium", idx in a.pure), ("Pareto-optimal",
                 idx in a.pareto)) if ok]
        pays = ", ".join(f"{p} {fmt(g.payoffs[(k, *idx)])}" for k, p in enumerate(g.players))
        out.append(f"  {name}: {pays}" + (f" ({', '.join(flags)})" if flags else ""))
    strict = [d for d in a.dominated if d.strict]
    out.append(f"Dominated strategies: {len(strict)} strictly, "
               f"{len(a.dominated) - len(strict)} weakly (list in summary.md)")
    surv = a.elimination.surviving
    out.append("Iterated elimination of strictly dominated strategies leaves:")
    for i, p in enumerate(g.players):
        shown = [g.strategies[i][k] for k in surv[i][:6]]
        more = f" … and {len(surv[i]) - 6} more" if len(surv[i]) > 6 else ""
        out.append(f"  {p} ({len(surv[i])} of {g.shape[i]}): " + "; ".join(shown) + more)
    return out


def inputs_markdown(scenario: Scenario) -> list[str]:
    """The sources, facts and assumptions behind every number, as markdown."""
    lines: list[str] = []
    if scenario.sources:
        lines += ["## Sources", ""]
        lines += [f"- `{s.id}`: {s.cite()}" + (f" — {s.reliability}" if s.reliability else "")
                  for s in scenario.sources.values()]
        lines.append("")
    if scenario.facts:
        lines += ["## Facts (reported numbers)", "", "| name | value | unit | source |",
                  "|---|---|---|---|"]
        lines += [f"| {q.name} | {q.value:g} | {q.unit} | {', '.join(q.sources)} |"
                  for q in scenario.facts.values()]
        lines.append("")
    if scenario.assumptions:
        lines += ["## Assumptions (judgement calls, with the range swept)", "",
                  "| name | value | range | unit | why |", "|---|---|---|---|---|"]
        for q in scenario.assumptions.values():
            lo, hi = q.range or (q.value, q.value)
            lines.append(f"| {q.name} | {q.value:g} | {lo:g} to {hi:g} | {q.unit} | "
                         f"{' '.join(q.why.split())} |")
        lines.append("")
    if scenario.contradictions:
        lines += ["## Contradictions between the sources", ""]
        lines += [f"- {' '.join(c.split())}" for c in scenario.contradictions]
        lines.append("")
    return lines


def formula_lines(scenario: Scenario) -> list[str]:
    """The payoff formulas themselves, with the ``[terms]`` and ``[trade]`` markets they use."""
    if scenario.matrix is not None:
        return []
    lines = ["Payoff formulas:"]
    lines += [f"  {p} = {f.text}" for p, f in scenario.payoffs.items()]
    used = set().union(*(f.names for f in scenario.payoffs.values()))
    stack, seen = sorted(used), set()
    while stack:
        name = stack.pop()
        if name in scenario.terms and name not in seen:
            seen.add(name)
            stack.extend(scenario.terms[name].names)
    terms = [t for t in scenario.terms if t in seen]
    if terms:
        lines.append("  where")
        lines += [f"    {t} = {scenario.terms[t].text}" for t in terms]
    if scenario.trade:
        lines.append("  and the [trade] markets " + ", ".join(scenario.trade)
                     + " (surpluses and tariff revenue, docs/explanation/continuous-games.md)")
    return [*lines, ""]


def show_text(scenario: Scenario | None, game: Game, *, max_rows: int = 60,
              where: Sequence[str] = (), sort: str | None = None) -> str:
    """`tradesim show`: players, levers with each level's value and source, the payoff
    formulas, the payoffs as a table with one column per lever (filtered by ``where``,
    sorted by ``sort``) and, for two players with at most 12 strategies each, the bimatrix.

    With ``scenario=None`` (a Gambit ``.nfg`` game) it shows the players, their strategies
    and the payoffs only.
    """
    unit = scenario.payoff_unit if scenario is not None else ""
    chosen = pr.sort_profiles(game, pr.matching(game, pr.parse_where(game, where)), sort)
    headers, rows = pr.profile_table(game, chosen[:max_rows], unit=unit)
    table = [f"Payoffs: {len(chosen)} of {int(np.prod(game.shape))} profiles"
             + (f" where {', '.join(where)}" if where else "")
             + (f", sorted by {sort}" if sort else "") + ":",
             *pr.text_table(headers, rows)]
    if len(chosen) > max_rows:
        table.append(f"  … {len(chosen) - max_rows} more (--rows, --where, or "
                     "`tradesim export --format csv` for all)")
    if len(game.players) == 2 and max(game.shape) <= pr.BIMATRIX_MAX and not where:
        table += ["", *pr.bimatrix_lines(game, unit=unit)]
    if scenario is None:
        lines = [game.name, ""]
        lines += [f"{p}: {', '.join(game.strategies[i])}" for i, p in enumerate(game.players)]
        return "\n".join([*lines, "", *table]).rstrip() + "\n"
    lines = [f"{scenario.title} ({scenario.name})", ""]
    for p in scenario.players:
        lines.append(f"{p.name}" + (f" — {p.description}" if p.description else ""))
        for lv in p.levers:
            cite = f"  [{', '.join(lv.sources)}]" if lv.sources else ""
            lines.append(f"  lever {lv.name}{cite}" + (f": {lv.description}" if lv.description
                                                        else ""))
            for level, value, ref in zip(lv.levels, lv.values, lv.refs, strict=True):
                origin = f"  ({ref}: {scenario.quantity(ref).origin()})" if ref else ""
                lines.append(f"    {level} = {value:g}{origin}")
        lines.append("")
    lines += [payoff_origin(scenario, p) for p in game.players]
    lines += ["", *formula_lines(scenario), *table, ""]
    lines += inputs_markdown(scenario)
    return "\n".join(lines).rstrip() + "\n"
