"""The bargaining report as text: the table of ``tradesim bargain``, the console lines and
the markdown of ``tradesim run``, from the typed result of
:func:`sim.analyses.bargain.analyse` (:mod:`sim.analyses.bargain_results`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sim.analyses import bargain_results as br
from sim.analyses.bargain import LONG_NAMES, SOLUTION_NAMES


def _f(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _pp(pair: Mapping[str, float | None], digits: int = 3) -> str:
    return ", ".join(f"{p} {_f(v, digits)}" for p, v in pair.items())


def render_table(report: br.BargainResult) -> str:
    """A plain-text report for the terminal."""
    lines = [f"Bargaining: {report.scenario} ({' vs '.join(report.players)})"]
    lines += _disagreement_lines(report)
    lines += ["", *_space_lines(report)]
    lines += ["", *_solution_lines(report)]
    lines += ["", *_rubinstein_lines(report.rubinstein)]
    if report.outside_options:
        lines += ["", *_option_lines(report.outside_options)]
    lines += ["", *_linkage_lines(report.linkage)]
    lines += ["", *_order_lines(report.move_order, report.players)]
    return "\n".join(lines)


def _disagreement_lines(r: br.BargainResult) -> list[str]:
    d = r.disagreement
    several = len(d.profiles or ()) > 1
    what = {"nash": "each side's worst pure stage equilibrium" if several
            else "pure stage Nash equilibrium", "minmax": "minmax values",
            "profile": f"profile '{d.spec}'"}[d.kind]
    lines = [f"Disagreement point: {what} ({_pp(d.base)})"]
    if d.profile:
        lines.append(f"  {d.profile}")
    elif several:
        lines += [f"  {len(d.profiles)} pure equilibria:"] + [
            f"    {label}" for label in d.profiles]
    if d.outside_options:
        opts = "; ".join(f"{p} {_f(o.value)} ({o.source})"
                         for p, o in d.outside_options.items())
        lines.append(f"  outside options: {opts} -> disagreement {_pp(d.point)}")
    return lines


def _space_lines(r: br.BargainResult) -> list[str]:
    sp = r.payoff_space
    lines = [(f"Payoff space: {sp.profiles} pure profiles, {len(sp.pareto)} Pareto-optimal "
             f"({len(sp.on_frontier)} on the frontier of the convex hull, "
             f"{len(sp.frontier)} vertices)"),
             "Pareto-optimal profiles (payoffs; * = on the hull's frontier):"]
    on = set(sp.on_frontier)
    for prof in sorted(sp.pareto, key=lambda x: -x.payoffs[r.players[0]]):
        star = "*" if prof.label in on else " "
        lines.append(f" {star}{_pp(prof.payoffs, 2)}  {prof.label}")
    return lines


def _solution_lines(r: br.BargainResult) -> list[str]:
    if not r.feasible:
        return [("Bargaining solutions: none - no feasible payoff pair gives both players their "
                "disagreement payoff (an outside option beats every deal).")]
    lines = ["Bargaining solutions (payoffs; the lottery over pure profiles achieving them):"]
    for name, sol in r.solutions.items():
        kind = f"  (a lottery over {len(sol.lottery)} outcomes)" \
            if len(sol.lottery) > 1 else ""
        lines.append(f"  {SOLUTION_NAMES[name]:<18} {_pp(sol.payoffs)}{kind}")
        for x in sol.lottery:
            named = f" [{', '.join(x.named)}]" if x.named else ""
            lines.append(f"    {100 * x.probability:5.1f}%  {' / '.join(x.profiles)}"
                         f"{named}")
    lines.append("Named profiles:")
    for name, prof in r.named_profiles.items():
        used = ", ".join(SOLUTION_NAMES[n] for n in prof.in_solutions) or "none"
        lines.append(f"  {name:<18} {_pp(prof.payoffs, 2)}; Pareto-optimal: "
                     f"{'yes' if prof.pareto_optimal else 'no'}; played in the deals of: {used}")
        lines += _nash_deal_lines(prof.nash_deal)
    return lines


def _moves(diff: Mapping[str, Mapping[str, Sequence[str]]]) -> str:
    return "; ".join(f"{p} " + ", ".join(f"{lv}={a} (not {b})" for lv, (a, b) in levers.items())
                     for p, levers in diff.items())


def _nash_deal_lines(deal: Sequence[br.DealPart] | None) -> list[str]:
    """How the Nash deal relates to a named profile; a lottery is always called one."""
    if deal is None:
        return []
    if len(deal) == 1:
        diff = deal[0].differs
        return [f"    the Nash deal differs on: {_moves(diff)}" if diff
                else "    the Nash deal is this profile"]
    lines = ["    the Nash deal is a lottery:"]
    for x in deal:
        what = (f"differs on: {_moves(x.differs)}" if x.differs else "this profile")
        lines.append(f"      {100 * x.probability:5.1f}%  {what}")
    return lines


def _rubinstein_lines(rub: br.RubinsteinResult) -> list[str]:
    first = rub.first
    lines = [(f"Rubinstein alternating offers ({first} proposes first; delta "
             f"{_pp(rub.deltas, 4)} per {rub.period_days:g}-day round, from "
             f"{rub.delta_source}):"),
             (f"  unit surplus, no deadline: {_pp(rub.unit_surplus.shares)}; "
             f"{first}'s share with the {rub.length_days:g}-day deadline "
             f"({rub.rounds} rounds): {_f(rub.unit_surplus.at_deadline)}")]
    st = rub.stationary
    if st is None:
        lines.append("  on the frontier: no deal (the outside options exceed every agreement)")
        return lines
    bind = [p for p, b in st.binding.items() if b]
    lines.append(f"  on the frontier over {_pp(rub.disagreement, 2)}: agreement "
                 f"{_pp(st.offer)}"
                 + (f" (outside option binds for {', '.join(bind)})" if bind else ""))
    lines.append(f"  with the deadline ({rub.rounds} rounds left): {_pp(rub.at_deadline)}")
    pays = rub.deadline.payoffs
    shown = ", ".join(f"{n}: {_f(pays[n - 1][0], 2)}/{_f(pays[n - 1][1], 2)}"
                      for n in range(1, min(len(pays), 6) + 1))
    lines.append(f"  as the deadline nears (rounds left: payoffs): {shown}")
    return lines


def _option_lines(options: Mapping[str, br.OutsideOptionResult]) -> list[str]:
    lines = ["Outside options:"]
    for p, o in options.items():
        lines.append(
            f"  {p}: {_f(o.value)} ({o.source}), swept over {_f(o.range[0])}.."
            f"{_f(o.range[1])}: binds the axiomatic solutions above {_f(o.binds_above)}, "
            f"alternating offers above {_f(o.rubinstein_binds_above)}; moves the Nash deal "
            f"above {_f(o.moves_nash_above)}; no deal above {_f(o.no_deal_above)}")
        for name in ("nash", "kalai_smorodinsky", "rubinstein"):
            path = o.sweep[name]
            first, last = path[0], path[-1]
            label = LONG_NAMES.get(name, name)
            lines.append(f"    {label} deal from ({_f(first[0], 2)}, {_f(first[1], 2)}) at "
                         f"{_f(o.range[0])} to ({_f(last[0], 2)}, {_f(last[1], 2)}) at "
                         f"{_f(o.range[1])}")
    return lines


def _linkage_lines(lk_: br.LinkageResult) -> list[str]:
    issues = list(lk_.issues)
    lines = [f"Issue linkage (grim trigger, Nash reversion; delta {_pp(lk_.deltas, 4)}):",
             "  issues: " + "; ".join(f"{k} = {', '.join(v)}" for k, v in lk_.issues.items())]
    w = max(12, *(len(row.name) for row in lk_.deals)) if lk_.deals else 12
    head = f"  {'deal':<{w}}  " + "  ".join(f"{i[:14]:>14}" for i in issues)
    lines.append(head + f"  {'levers':>8}  {'separate':>8}  {'linked':>8}  helps")
    for row in lk_.deals:
        cells = []
        for i in issues:
            t = row.separate[i]
            cell = "never" if t.delta_star is None else f"{t.delta_star:.3f}"
            cells.append(f"{cell:>14}")
        apart, sep, lnk = (_delta_text(x) for x in (
            row.lever_by_lever_delta_star, row.separate_delta_star, row.linked_delta_star))
        lines.append(f"  {row.name:<{w}}  " + "  ".join(cells)
                     + f"  {apart:>8}  {sep:>8}  {lnk:>8}  {'yes' if row.helps else 'no'}")
    lines.append("  (delta* needed: 'levers' = every lever its own negotiation, 'separate' = "
                 "one per issue, 'linked' = all issues in one; helps = linked below separate)")
    only = lk_.only_when_linked
    lines.append(f"  Profiles sustainable at these deltas: {lk_.sustainable_count.separate} "
                 f"separately, {lk_.sustainable_count.linked} linked; {only.count} "
                 "improve on the disagreement point only when linked")
    if only.best:
        best = only.best[0]
        lines.append(f"  the best of them by Nash product: {_pp(best.payoffs, 2)}  "
                     f"{best.label}")
    return lines


def _delta_text(x: float | None) -> str:
    return "never" if x is None else f"{x:.3f}"


def _order_lines(mo: br.MoveOrderResult, players: Sequence[str]) -> list[str]:
    lines = [f"Move order (subgame perfect equilibrium; ties: {mo.tie_rule}):"]
    if mo.status_quo:
        lines.append(f"  moves are counted from the status quo {mo.status_quo}")
    elif len(mo.simultaneous) > 1:
        lines.append("  no single status quo (several pure equilibria, none worst for both), "
                     "so moves are not counted")
    for o in mo.orders:
        ties = f"; {o.ties_on_path} tie(s) on the path" if o.ties_on_path else ""
        lines.append(f"  {o.name}: {_pp(o.outcome.payoffs)}{ties}")
        lines.append(f"    {o.outcome.label}")
        if mo.status_quo:
            moves = ", ".join(f"{c.player} {c.lever} {c.from_}->{c.to}"
                              for c in o.changes) or "nobody moves"
            lines.append(f"    in play order: {moves}")
    sims = "; ".join(_pp(e.payoffs) for e in mo.simultaneous) or "none in pure strategies"
    lines.append(f"  simultaneous pure equilibria: {sims}")
    lines.append(f"  value of moving first: {_pp(mo.first_mover_value)}")
    if mo.commitment_value is not None:
        cv = mo.commitment_value
        lines.append("  value of leading over each side's worst simultaneous pure "
                     "equilibrium: " + _pp({p: cv.values[p] for p in players}))
    return lines


def _lottery_text(lottery: Sequence[br.LotteryEntry]) -> str:
    """``full_deal`` or ``a lottery: 29% full_deal + 71% US: ... | China: ...``: every
    profile in it by its ``[profiles]`` name, else its levers."""
    def name(x: br.LotteryEntry) -> str:
        return "/".join(x.named) if x.named else " or ".join(x.profiles)

    if len(lottery) == 1:
        return name(lottery[0])
    return "a lottery: " + " + ".join(f"{100 * x.probability:.1f}% {name(x)}"
                                      for x in lottery)


def console_lines(r: br.BargainResult) -> list[str]:
    """A few lines for ``tradesim run``: the deals, the split, linkage and move order."""
    lines = []
    for name in ("nash", "kalai_smorodinsky"):
        sol = r.solutions.get(name)
        if sol is None:
            lines.append(f"{SOLUTION_NAMES[name]}: no deal beats the disagreement point")
            continue
        lines.append(f"{SOLUTION_NAMES[name]} deal: {_pp(sol.payoffs)} "
                     f"({_lottery_text(sol.lottery)})")
    rub = r.rubinstein
    if rub.stationary is not None:
        lines.append(f"Rubinstein ({rub.first} first, {rub.rounds} rounds to the "
                     f"{rub.length_days:g}-day deadline): {_pp(rub.at_deadline)}")
    for row in r.linkage.deals:
        sep, lnk = row.separate_delta_star, row.linked_delta_star
        lines.append(f"Linkage, {row.name}: delta* {'never' if sep is None else f'{sep:.3f}'}"
                     f" separately, {'never' if lnk is None else f'{lnk:.3f}'} linked")
    for o in r.move_order.orders:
        lines.append(f"{o.name}: {_pp(o.outcome.payoffs)}")
    return lines


def render_markdown(report: br.BargainResult) -> list[str]:
    """The bargaining section of ``summary.md``: each block of the text report as a bold
    lead line and a list (long lists collapse in the HTML report), not a code block."""
    out: list[str] = []
    for block in render_table(report).split("\n\n"):
        head, *rest = block.split("\n")
        out += [f"**{_md(head.strip())}**" if rest else _md(head.strip()), ""]
        if rest:
            out += [f"- {_md(line.strip())}" for line in rest] + [""]
    return out


def _md(text: str) -> str:
    """Escape what markdown would read as emphasis (intraword underscores are literal)."""
    return text.replace("\\", "\\\\").replace("*", "\\*")


