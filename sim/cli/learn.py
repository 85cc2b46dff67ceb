"""``tradesim learn FILE``: learning dynamics (fictitious play, stochastic fictitious play,
replicator dynamics) on a scenario's or a Gambit game's payoffs, with a figure.

The typer command only: it parses options, calls :mod:`sim.analyses.learning`,
:mod:`sim.render.learning` and :mod:`sim.plots.learning` (imported when it runs, so
``tradesim --help`` stays fast) and prints a table or JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sim.errors import InputError


def learn(
    file: Annotated[Path, typer.Argument(help="Scenario (.toml) or Gambit game (.nfg).")],
    method: Annotated[str, typer.Option(
        "--method", help="fictitious, stochastic or replicator.")] = "fictitious",
    rounds: Annotated[int, typer.Option(
        "--rounds", help="Rounds of (stochastic) fictitious play.")] = 1000,
    eta: Annotated[float, typer.Option(
        "--eta", help="Logit noise of stochastic fictitious play, in payoff ranges.")] = 0.1,
    starts: Annotated[int, typer.Option(
        "--starts", help="Random starting profiles of the replicator dynamics.")] = 64,
    t_end: Annotated[float, typer.Option(
        "--t-end", help="Replicator time, in units of one payoff range.")] = 200.0,
    seed: Annotated[int, typer.Option(
        "--seed", min=0, help="Seed of the ties, the noisy draws and the random starts.")] = 0,
    plot: Annotated[Path | None, typer.Option(
        "--plot", help="Write the figure (PNG) here.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """How boundedly rational players learn: where fictitious play, stochastic fictitious
    play or the replicator dynamics take a game, and which equilibrium each start reaches.

    Example: tradesim learn scenarios/classroom/stag-hunt.toml --method replicator --seed 1
    """
    from sim.analyses.learning import LearningSettings, check_settings

    if fmt not in {"table", "json"}:
        msg = f"--format: got '{fmt}'; expected table or json"
        raise InputError(msg)
    settings = LearningSettings(method=method, rounds=rounds, t_end=t_end, eta=eta,
                                starts=starts, seed=seed)
    check_settings(settings)
    if plot is not None:
        from sim.io import check_output_file

        check_output_file(plot)  # before the work
    from sim.analyses.learning import learn as run_learning
    from sim.cli.common import load_any
    from sim.render.learning import render_table, to_json

    _, game = load_any(file)
    report = run_learning(game, settings)
    if plot is not None:
        from sim.io import atomic_write_bytes
        from sim.plots.learning import learning_figure

        atomic_write_bytes(plot, learning_figure(report))
    if fmt == "json":
        typer.echo(json.dumps(to_json(report), indent=2, allow_nan=False))
    else:
        typer.echo(render_table(report), nl=False)
        if plot is not None:
            typer.echo(f"Figure: {plot}")
