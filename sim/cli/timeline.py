"""``tradesim timeline FILE``: a negotiation's dated stages analysed, and the backtest score.

The typer command only: it parses options, calls :mod:`sim.scenario.timeline`,
:mod:`sim.analyses.timeline`, :mod:`sim.render.timeline` and :mod:`sim.plots.timeline`
(imported when it runs, so ``tradesim --help`` stays fast) and prints a table or JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.errors import InputError


def timeline(
    file: Annotated[Path, typer.Argument(help="Timeline file (TOML) with dated stages.")],
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    figure: Annotated[Path | None, typer.Option(
        "--figure", help="Write the timeline figure (PNG) to this path.")] = None,
    report: Annotated[Path | None, typer.Option(
        "--report", help="Write a self-contained HTML page (figure, backtest, stages).")] = None,
) -> None:
    """Analyse each stage of a timeline and score its predictions for the next stage.

    Example: tradesim timeline scenarios/timelines/us-china-2025.toml --format json
    """
    if fmt not in {"table", "json"}:
        msg = f"--format: got '{fmt}'; expected table or json"
        raise InputError(msg)
    from sim.analyses.timeline import analyse_timeline
    from sim.cli.common import grid
    from sim.formats.json import dumps
    from sim.render.timeline import render_table
    from sim.scenario.timeline import load_timeline

    result = analyse_timeline(load_timeline(file, grid=grid()))
    png = None
    if figure is not None or report is not None:
        from sim.plots.timeline import timeline_figure

        png = timeline_figure(result)
    if figure is not None and png is not None:
        from sim.io import atomic_write_bytes

        atomic_write_bytes(figure, png)
    if report is not None:
        from sim.io import atomic_write_text
        from sim.render.timeline_html import timeline_html

        atomic_write_text(report, timeline_html(result, png,
                                                command=f"tradesim timeline {file}"))
    if fmt == "json":
        typer.echo(dumps(result), nl=False)
    else:
        typer.echo(render_table(result), nl=False)
