"""``report.html``: one self-contained page with everything ``tradesim run`` found.

The page needs no network: styles are inline and every figure is embedded as a base64
``data:`` URI. It shows the scenario (title, date, description, notes, contradictions), its
sources (outlet, date, title, reliability, address), the facts with their sources, the
assumptions with their ranges, then every section of the run in order (its summary, turned
from markdown into HTML, and its figures).

The markdown of the summaries is a small subset, converted here without a dependency:
headings (``#``..``####``), bullet lists, pipe tables, fenced code blocks, paragraphs,
and inline ``code`` and ``**bold**``. Everything is HTML-escaped first.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim import __version__
from sim.scenario import Scenario

CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; max-width: 1100px;
       margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { border-bottom: 2px solid #345; padding-bottom: .2em; }
h2 { border-bottom: 1px solid #ccc; margin-top: 2em; }
table { border-collapse: collapse; margin: .8em 0; font-size: .9em; }
th, td { border: 1px solid #ccc; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
pre { background: #f6f8fa; padding: .8em; overflow-x: auto; font-size: .82em; }
code { background: #f2f2f2; padding: 0 .2em; }
figure { margin: 1.2em 0; }
figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: .85em; color: #555; }
nav ul { columns: 2; }
.meta { color: #555; font-size: .9em; }
"""


CHECK = ("<script>window.addEventListener('load', function () {"
         "var imgs = Array.prototype.slice.call(document.images);"
         "document.body.setAttribute('data-figures', imgs.length);"
         "document.body.setAttribute('data-figures-rendered', imgs.filter(function (i) {"
         "return i.complete && i.naturalWidth > 0; }).length); });</script>")
"""After loading, the page records on ``<body>`` how many figures it has and how many the
browser decoded (``data-figures``, ``data-figures-rendered``): what the browser test reads.
The page works the same without scripts."""


def _inline(text: str) -> str:
    out = html.escape(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


def _cells(row: str) -> list[str]:
    return [c.strip() for c in row.strip().strip("|").split("|")]


def markdown_to_html(lines: Sequence[str]) -> str:
    """The markdown subset of summary sections as HTML (see the module docstring)."""
    out: list[str] = []
    para: list[str] = []
    items: list[str] = []
    rows: list[list[str]] = []
    code: list[str] | None = None

    def flush() -> None:
        if para:
            out.append(f"<p>{_inline(' '.join(para))}</p>")
            para.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()
        if rows:
            head, *body = rows
            out.append("<table><thead><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in head)
                       + "</tr></thead><tbody>"
                       + "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r)
                                 + "</tr>" for r in body) + "</tbody></table>")
            rows.clear()

    for raw in "\n".join(lines).split("\n"):
        line = raw.rstrip()
        if code is not None:
            if line.startswith("```"):
                out.append(f"<pre>{html.escape(chr(10).join(code))}</pre>")
                code = None
            else:
                code.append(raw)
            continue
        if line.startswith("```"):
            flush()
            code = []
        elif m := re.match(r"^(#{1,4})\s+(.*)$", line):
            flush()
            level = min(len(m[1]) + 1, 5)  # the page's own h1 is the scenario title
            out.append(f"<h{level}>{_inline(m[2])}</h{level}>")
        elif line.startswith("|"):
            if para or items:
                flush()
            if not re.match(r"^\|[\s:|-]+\|?$", line):
                rows.append(_cells(line))
        elif re.match(r"^\s*([-*]|\d+\.) ", line):
            if para or rows:
                flush()
            items.append(re.sub(r"^\s*([-*]|\d+\.) ", "", line))
        elif not line.strip():
            flush()
        else:
            if rows or items:
                flush()
            para.append(line.strip())
    if code is not None:
        out.append(f"<pre>{html.escape(chr(10).join(code))}</pre>")
    flush()
    return "\n".join(out)


def figure_html(path: Path) -> str:
    """A ``<figure>`` with the PNG at ``path`` embedded as a base64 data URI."""
    return png_figure_html(path.name, path.read_bytes())


def png_figure_html(name: str, png: bytes) -> str:
    """A ``<figure>`` with PNG bytes embedded as a base64 data URI, captioned ``name``."""
    data = base64.b64encode(png).decode("ascii")
    name = html.escape(name)
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{name}">'
            f"<figcaption>{name}</figcaption></figure>")


def _table(anchor: str, title: str, headers: tuple[str, ...], rows) -> str:
    """A headed HTML table; ``rows`` hold cells that are already escaped."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (f"<h2 id='{anchor}'>{title}</h2><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def inputs_html(scenario: Scenario) -> str:
    """Sources, facts (with sources) and assumptions (with ranges) as HTML tables."""
    parts = []
    if scenario.sources:
        parts.append(_table("sources", "Sources",
                            ("id", "outlet", "date", "title", "reliability", "address"),
                            ((f"<code>{html.escape(s.id)}</code>", *map(html.escape, (
                                s.outlet, s.date, s.title, s.reliability, s.url)))
                             for s in scenario.sources.values())))
    if scenario.facts:
        parts.append(_table("facts", "Facts (reported numbers)",
                            ("name", "value", "unit", "sources", "note"),
                            ((f"<code>{html.escape(q.name)}</code>", f"{q.value:g}",
                              html.escape(q.unit), html.escape(", ".join(q.sources)),
                              html.escape(" ".join(q.note.split())))
                             for q in scenario.facts.values())))
    if scenario.assumptions:
        parts.append(_table("assumptions", "Assumptions (judgement calls, with ranges)",
                            ("name", "value", "range", "unit", "why"),
                            ((f"<code>{html.escape(q.name)}</code>", f"{q.value:g}",
                              _range(q.range), html.escape(q.unit),
                              html.escape(" ".join(q.why.split())))
                             for q in scenario.assumptions.values())))
    if scenario.contradictions:
        items = "".join(f"<li>{html.escape(' '.join(c.split()))}</li>"
                        for c in scenario.contradictions)
        parts.append(f"<h2 id='contradictions'>Contradictions between the sources</h2>"
                     f"<ul>{items}</ul>")
    return "\n".join(parts)


def _range(r: tuple[float, float] | None) -> str:
    return "" if r is None else f"{r[0]:g} to {r[1]:g}"


def report_html(scenario: Scenario, sections: Sequence[Any], *, figures_dir: Path | None,
                seed: int = 0, command: str = "", sha256: str = "") -> str:
    """The whole page. ``sections`` are :class:`sim.run.Section`; their figures are read
    from ``figures_dir`` (``None``: the run drew none)."""
    title = html.escape(scenario.title)
    nav = ["<li><a href='#scenario'>Scenario</a></li>"]
    body = []
    for k, s in enumerate(sections):
        anchor = f"section-{k}-{re.sub(r'[^a-z0-9]+', '-', s.key.lower())}"
        nav.append(f"<li><a href='#{anchor}'>{html.escape(s.title)}</a></li>")
        figs = []
        if figures_dir is not None:
            for name in s.figures:
                path = figures_dir / name
                if path.exists():
                    figs.append(figure_html(path))
        body.append(f"<section id='{anchor}'><h2>{html.escape(s.title)}</h2>\n"
                    f"{markdown_to_html(s.summary)}\n{''.join(figs)}</section>")
    nav += ["<li><a href='#sources'>Sources</a></li>",
            "<li><a href='#assumptions'>Assumptions</a></li>"]
    head = [f"<h1 id='scenario'>{title}</h1>",
            "<p class='meta'>" + html.escape(" · ".join(filter(None, [
                scenario.date, f"scenario {scenario.name}", f"seed {seed}",
                f"tradesim {__version__}", f"sha256 {sha256[:12]}" if sha256 else ""])))
            + "</p>"]
    if command:
        head.append(f"<p class='meta'>Command: <code>{html.escape(command)}</code></p>")
    if scenario.description:
        head.append(f"<p>{html.escape(' '.join(scenario.description.split()))}</p>")
    if scenario.notes:
        head.append("<ul>" + "".join(f"<li>{html.escape(' '.join(n.split()))}</li>"
                                     for n in scenario.notes) + "</ul>")
    if figures_dir is None:
        head.append("<p class='meta'>This run drew no figures (--no-figures).</p>")
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{title}: tradesim report</title><style>{CSS}</style></head><body>\n"
            + "\n".join(head)
            + f"\n<nav><h2>Contents</h2><ul>{''.join(nav)}</ul></nav>\n"
            + "\n".join(body) + "\n" + inputs_html(scenario) + f"\n{CHECK}</body></html>\n")
