"""HTML for Jupyter (``_repr_html_``): every part of a report as a table, then the whole text
report in a ``<details>`` block, so nothing the command prints is left out of the notebook.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

STYLE = ("<style>.tradesim table{border-collapse:collapse;margin:.4em 0 1em}"
         ".tradesim th,.tradesim td{padding:2px 8px;text-align:left;vertical-align:top;"
         "border-bottom:1px solid #ddd}.tradesim caption{text-align:left;font-weight:bold;white-space:nowrap}"
         "</style>")


def cell(x: Any) -> str:
    """A table cell: ``-`` for missing, four significant digits for floats."""
    if x is None:
        return "-"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return f"{x:.4g}"
    return str(x)


def table(header: Sequence[str], rows: Sequence[Sequence[Any]], caption: str = "") -> str:
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell(c))}</td>" for c in row)
                   + "</tr>" for row in rows)
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page(parts: Sequence[str], text: str, summary: str = "the whole report as text") -> str:
    """The parts, then the full text in a closed ``<details>``."""
    full = (f"<details><summary>{html.escape(summary)}</summary>"
            f"<pre>{html.escape(text)}</pre></details>")
    return f'{STYLE}<div class="tradesim">{"".join(parts)}{full}</div>'


def frames_html(frames: Mapping[str, Any], text: str) -> str:
    """Each table of :mod:`sim.api.frames` (as rows), captioned, then the text."""
    parts = [table(list(rows[0]), [list(r.values()) for r in rows], caption)
             for caption, rows in frames.items() if rows]
    return page(parts, text)
