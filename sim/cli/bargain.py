"""``tradesim bargain FILE``: the typer command (analysis in :mod:`sim.analyses.bargain`,
text in :mod:`sim.render.bargain`, figures in :mod:`sim.plots.bargain`)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from sim.analyses.bargain import analyse, settings
from sim.errors import InputError
from sim.render.bargain import render_table


def bargain(
    file: Annotated[Path, typer.Argument(help="Scenario file (TOML).")],
    disagreement: Annotated[str | None, typer.Option(
        "--disagreement", help="nash, minmax or a profile name; overrides the file.")] = None,
    delta: Annotated[list[str] | None, typer.Option(
        "--delta", metavar="D|PLAYER=D", help="Per-round discount factor in (0, 1) for both players, or "
                        "PLAYER=VALUE (repeatable); default: the [truce] timing.")] = None,
    first: Annotated[str | None, typer.Option(
        "--first", help="Who proposes first in alternating offers [default: move_order[0] "
                        "or the first player].")] = None,
    tie_rule: Annotated[str, typer.Option(
        "--tie-rule", help="Ties in sequential play: favour-other, harm-other or first.")] =
        "favour-other",
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    figures: Annotated[Path | None, typer.Option(
        "--figures", help="Directory for the figures [default: results/<name>/figures].")] =
        None,
    no_figures: Annotated[bool, typer.Option("--no-figures", help="Draw no figures.")] = False,
) -> None:
    """Pareto frontier, bargaining solutions, Rubinstein split, outside options, issue
    linkage and move order.

    Example: tradesim bargain scenarios/london-2025.toml --disagreement nash --delta China=0.8
    """
    if fmt not in {"table", "json"}:
        msg = f"--format: got '{fmt}'; expected table or json"
        raise InputError(msg)
    from sim.cli.common import limits, read_scenario
    from sim.scenario.build import build_game

    scenario = read_scenario(file)
    outdir = figures if figures is not None else Path("results") / scenario.name / "figures"
    if not no_figures:
        from sim.io import check_output_dir

        check_output_dir(outdir)  # before the work
    game = build_game(scenario, max_cells=limits().max_cells)
    if len(game.players) > 2:
        _many_sides(scenario, game, disagreement, fmt=fmt,
                    two_sided={"--delta": delta, "--first": first})
        return
    s = settings(scenario, game, disagreement=disagreement, delta=delta, first=first,
                 tie_rule=tie_rule)
    report = analyse(scenario, game, s)
    if not no_figures:
        from sim.plots.bargain import figures as draw
        from sim.staging import write_files

        report = replace(report, figures=[str(p) for p in write_files(outdir, draw(report))])
    if fmt == "json":
        from sim.formats.json import dumps

        typer.echo(dumps(report), nl=False)
    else:
        typer.echo(render_table(report))
        if report.figures:
            typer.echo("Figures: " + ", ".join(report.figures))


def _many_sides(scenario: Any, game: Any, disagreement: str | None, *, fmt: str,
                two_sided: dict[str, Any]) -> None:
    """``tradesim bargain`` for three or more players (:mod:`sim.analyses.npl_bargain`)."""
    from sim.analyses import npl_bargain
    from sim.render.npl import render_bargain

    for name, value in two_sided.items():
        if value:
            msg = (f"{name}: alternating offers are two-player; with {len(game.players)} "
                   "players bargain reports the Nash solution and the coalitions")
            raise InputError(msg)
    report = npl_bargain.analyse(scenario, game,
                                 npl_bargain.disagreement_spec(scenario, disagreement))
    if fmt == "json":
        typer.echo(json.dumps(report, indent=2, allow_nan=False))
    else:
        typer.echo(render_bargain(report))
