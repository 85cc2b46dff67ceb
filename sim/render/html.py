"""``report.html``: one self-contained page with everything ``tradesim run`` found.

The page needs no network: styles are inline and every figure is embedded as a base64
``data:`` URI. It shows the scenario (title, date, description, notes, contradictions), its
sources (outlet, date, title, reliability, address), the facts with their sources, the
assumptions with their ranges, then every section of the run in order (its summary, turned
from markdown into HTML, and its captioned figures), after a **key findings** section in
plain words (:mod:`sim.render.findings`).

The page is a Jinja2 template (``templates/report.html.j2``, autoescaped); the summaries'
markdown is rendered by markdown-it-py (CommonMark with tables, raw HTML escaped), their
headings placed under the section's ``h2``, long lists and tables collapsed into
``<details>`` and wide tables scrolled inside their own box, so the page never overflows a
phone's width.
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
       margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45;
       overflow-wrap: break-word; }
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
.wide { max-width: 100%; overflow-x: auto; }
.findings { background: #f4f8fb; border-left: 4px solid #345; padding: .2em 1em .6em; }
.findings li { margin: .4em 0; }
details summary { cursor: pointer; color: #345; margin: .4em 0; }
@media (max-width: 600px) { nav ul { columns: 1; } body { margin: 1em auto; } }
"""


CHECK = ("<script>window.addEventListener('load', function () {"
         "var imgs = Array.prototype.slice.call(document.images);"
         "document.body.setAttribute('data-figures', imgs.length);"
         "document.body.setAttribute('data-figures-rendered', imgs.filter(function (i) {"
         "return i.complete && i.naturalWidth > 0; }).length); });</script>")
"""After loading, the page records on ``<body>`` how many figures it has and how many the
browser decoded (``data-figures``, ``data-figures-rendered``): what the browser test reads.
The page works the same without scripts."""


LONG_LIST = 12
"""Lists longer than this are collapsed into a ``<details>`` element (44 dominated
strategies are one click away, not a screenful)."""


def _parser() -> Any:
    from markdown_it import MarkdownIt

    # commonmark with tables; raw HTML in a summary is escaped, never passed through
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def _shift_headings(tokens: list[Any], top: int) -> None:
    """Make the summary's largest heading ``h{top}`` and keep the others relative to it."""
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    if not levels:
        return
    shift = top - min(levels)
    for t in tokens:
        if t.type in {"heading_open", "heading_close"}:
            t.tag = f"h{min(6, int(t.tag[1]) + shift)}"


def _collapse_long_lists(tokens: list[Any]) -> list[Any]:
    """Wrap top-level lists of more than :data:`LONG_LIST` items and tables of more than
    :data:`LONG_LIST` rows in ``<details>``; wrap every table in a scrolling ``<div>``."""
    from markdown_it.token import Token

    def raw(text: str) -> Token:
        t = Token("html_block", "", 0)
        t.content = text
        return t

    out: list[Any] = []
    start = 0
    for t in tokens:
        if t.level == 0 and t.type in {"bullet_list_open", "ordered_list_open", "table_open"}:
            start = len(out)
        out.append(t)
        if t.level == 0 and t.type in {"bullet_list_close", "ordered_list_close",
                                       "table_close"}:
            block = out[start:]
            table = t.type == "table_close"
            n = (sum(b.type == "tr_open" for b in block) - 1 if table
                 else sum(b.type == "list_item_open" and b.level == 1 for b in block))
            body = [raw("<div class='wide'>\n"), *block, raw("</div>\n")] if table else block
            if n > LONG_LIST:
                body = [raw(f"<details><summary>{n} {'rows' if table else 'items'} (show)"
                            "</summary>\n"), *body, raw("</details>\n")]
            out[start:] = body
    return out


def markdown_to_html(lines: Sequence[str], *, top: int = 3) -> str:
    """Markdown (a run section's summary) as HTML by markdown-it-py (CommonMark and tables,
    raw HTML escaped); headings start at ``h{top}``, long lists and tables collapse."""
    md = _parser()
    tokens = md.parse("\n".join(lines))
    _shift_headings(tokens, top)
    return md.renderer.render(_collapse_long_lists(tokens), md.options, {})


def figure_html(path: Path) -> str:
    """A ``<figure>`` with the PNG at ``path`` embedded as a base64 data URI."""
    return png_figure_html(path.name, path.read_bytes())


def png_figure_html(name: str, png: bytes) -> str:
    """A ``<figure>`` with PNG bytes embedded as a base64 data URI, captioned ``name``."""
    data = base64.b64encode(png).decode("ascii")
    name = html.escape(name)
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{name}">'
            f"<figcaption>{name}</figcaption></figure>")


CAPTIONS = {
    "payoff_heatmap.png": "each player's payoff in every pure profile; rows are the first "
                          "player's strategies, columns the second's",
    "payoff_space.png": "every pure profile's payoff pair, the equilibria and the Pareto "
                        "frontier",
    "qre.png": "logit quantal-response equilibria as rationality grows, ending at a Nash "
               "equilibrium",
    "truce_delta_star.png": "the discount factor each side needs to keep the truce, by "
                            "punishment, against the scenario's δ",
    "truce_sustainable.png": "which profiles a grim-trigger threat can sustain at each "
                             "discount factor",
    "truce_survival.png": "probability that the truce is still unbroken, day by day, for each "
                          "strategy pair under noise",
    "tornado.png": "how far each assumption, moved to the ends of its range, moves an "
                   "outcome (the others at their values)",
    "bargain-payoff-space.png": "the bargaining set: feasible payoffs, the disagreement point "
                                "and the Nash and Kalai-Smorodinsky deals",
    "bargain-rubinstein-deadline.png": "Rubinstein alternating offers: each side's share as "
                                       "the deadline approaches",
    "bargain-outside-options.png": "the deal as each side's outside option improves",
    "bargain-linkage.png": "each issue's δ* alone and linked: where linkage helps",
}
"""What each figure of ``tradesim run`` shows, for its caption in the report."""


def caption(name: str) -> str:
    return CAPTIONS.get(name, name.removesuffix(".png").replace("_", " ").replace("-", " "))


def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(loader=PackageLoader("sim.render", "templates"),
                       autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                       lstrip_blocks=True)


def _figures(section: Any, figures_dir: Path | None) -> list[dict[str, str]]:
    if figures_dir is None:
        return []
    out = []
    for name in section.figures:
        path = figures_dir / name
        if path.exists():
            out.append({"name": name, "caption": caption(name),
                        "data": base64.b64encode(path.read_bytes()).decode("ascii")})
    return out


def report_html(scenario: Scenario, sections: Sequence[Any], *, figures_dir: Path | None,
                seed: int = 0, command: str = "", sha256: str = "") -> str:
    """The whole page, from ``templates/report.html.j2`` (Jinja2, autoescaped): key
    findings (:mod:`sim.render.findings`), each section's summary (markdown-it-py) with its
    captioned figures, then sources, facts and assumptions. ``sections`` are
    :class:`sim.run.Section`; figures are read from ``figures_dir`` (``None``: none drawn)."""
    from markupsafe import Markup

    from sim.formats.json import to_json
    from sim.render.findings import key_findings

    items = [{"anchor": f"section-{k}-{re.sub(r'[^a-z0-9]+', '-', s.key.lower())}",
              "title": s.title, "body": Markup(markdown_to_html(s.summary)),
              "figures": _figures(s, figures_dir)} for k, s in enumerate(sections)]
    meta = [x for x in (scenario.date, f"scenario {scenario.name}", f"seed {seed}",
                        f"tradesim {__version__}", f"sha256 {sha256[:12]}" if sha256 else "")
            if x]
    findings = key_findings({s.key: to_json(s.data) for s in sections}, scenario.payoff_unit)
    return _environment().get_template("report.html.j2").render(
        scenario=scenario, sections=items, meta=meta, command=command, css=Markup(CSS),
        check=Markup(CHECK), findings=findings, unit=scenario.payoff_unit,
        drew_figures=figures_dir is not None)
