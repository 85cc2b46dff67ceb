"""A scenario as a short text and as HTML for Jupyter, instead of its full dataclass.

The dataclass repr of the London scenario runs to some 22,000 characters; these views show
what a reader needs first: the players and their levers with levels, then every fact and
assumption with its value, unit, range and source (as ``tradesim show`` does).
"""

from __future__ import annotations

import html
from typing import Any


def short(s: Any) -> str:
    """One paragraph: name, title, players with levers, counts, file."""
    players = "; ".join(
        f"{p.name}: " + ", ".join(f"{lv.name} ({'/'.join(lv.levels)})" for lv in p.levers)
        for p in s.players)
    where = f", file {s.path}" if s.path else ""
    return (f"<Scenario {s.name!r}: {s.title}. {players}. {len(s.facts)} facts, "
            f"{len(s.assumptions)} assumptions, {len(s.sources)} sources, "
            f"{len(s.profiles)} named profiles{where}>")


def _rows(rows: list[list[Any]]) -> str:
    return "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>"
                   for r in rows)


def as_html(s: Any) -> str:
    """Title, description, a levers table and a facts-and-assumptions table."""
    levers = [[p.name, lv.name, ", ".join(lv.levels)] for p in s.players for lv in p.levers]
    values = [[q.name, q.kind, f"{q.value:g}", q.unit,
               "" if q.range is None else f"{q.range[0]:g} to {q.range[1]:g}",
               ", ".join(q.sources) or q.why]
              for q in (*s.facts.values(), *s.assumptions.values())]
    head = "<tr>" + "".join(f"<th>{h}</th>" for h in ("name", "kind", "value", "unit",
                                                        "range", "source or why")) + "</tr>"
    return (f"<div><b>{html.escape(s.title)}</b> ({html.escape(s.name)})"
            f"<p>{html.escape(s.description)}</p>"
            "<table><caption>Players and levers</caption><tr><th>player</th><th>lever</th>"
            f"<th>levels</th></tr>{_rows(levers)}</table>"
            f"<table><caption>Facts and assumptions</caption>{head}{_rows(values)}</table>"
            "</div>")
