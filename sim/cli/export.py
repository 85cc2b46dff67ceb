"""``tradesim export FILE --format nfg|json|csv``: a game for Gambit and other tools.

``nfg`` writes Gambit's strategic-game format (outcome form with strategy labels, or the
compact payoff form with ``--form payoff``); ``json`` the players, strategies and one payoff
array per player (``payoffs[player][i][j]...``); ``csv`` one row per pure profile (a column
per player's strategy, then a column per player's payoff). Without ``--out`` the text goes
to standard output; with it, the file is written atomically.
"""

from __future__ import annotations

import csv
import io
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import numpy as np
import typer


class ExportFormat(StrEnum):
    nfg = "nfg"
    json = "json"
    csv = "csv"


class NfgForm(StrEnum):
    outcome = "outcome"
    payoff = "payoff"


def export_text(game, fmt: ExportFormat, *, exact_payoffs=None, form: NfgForm = NfgForm.outcome,
                title: str | None = None) -> str:
    """The exported text of ``game`` (a :class:`sim.game.Game`)."""
    if fmt is ExportFormat.nfg:
        from sim.formats.nfg import write_nfg

        return write_nfg(game, exact_payoffs=exact_payoffs, form=form.value, title=title)
    if fmt is ExportFormat.json:
        from sim.formats.json import dumps

        return dumps({
            "game": game.name,
            "players": list(game.players),
            "strategies": {p: list(s) for p, s in zip(game.players, game.strategies, strict=True)},
            "payoffs": {p: game.payoffs[i].tolist() for i, p in enumerate(game.players)},
        })
    from sim.formats.json import clean_float

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    from sim.render.profiles import lever_columns, lever_level

    cols = lever_columns(game)  # one column per lever, as `show` prints them
    writer.writerow([*(name for _, _, name in cols), *(f"payoff {p}" for p in game.players)])
    for index in np.ndindex(*game.shape):
        writer.writerow([*(lever_level(game, i, k, index[i]) for i, k, _ in cols),
                         *(repr(clean_float(game.payoffs[(i, *index)]))
                           for i in range(len(game.players)))])
    return buf.getvalue()


def export(
    file: Annotated[Path, typer.Argument(help="Scenario (.toml) or Gambit game (.nfg).")],
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="Output format.")]
    = ExportFormat.nfg,
    out: Annotated[Path | None, typer.Option(
        help="File to write: a new path or a regular file; - or nothing: standard output.")]
    = None,
    form: Annotated[NfgForm, typer.Option(help="nfg only: outcome form (keeps strategy "
                                          "labels) or compact payoff form.")] = NfgForm.outcome,
) -> None:
    """Write a scenario's game for Gambit (.nfg), as JSON or as CSV.

    Example: tradesim export scenarios/classroom/battle-of-the-sexes.toml --format nfg --out bos.nfg
    """
    from sim.cli.common import load_any
    from sim.io import STDOUT, check_output_file, write_output

    to_file = out is not None and str(out) != STDOUT
    if to_file:
        check_output_file(out)  # before the work: never a FIFO, device or directory
    scenario, game = load_any(file)
    exact_payoffs = None
    title = getattr(scenario, "title", None)
    if file.suffix.lower() == ".nfg":
        from sim.formats.nfg import load_nfg

        nfg = load_nfg(file)
        exact_payoffs, title = nfg.exact_payoffs, nfg.title
    text = export_text(game, format, exact_payoffs=exact_payoffs, form=form, title=title)
    if not to_file:
        write_output(STDOUT, text)  # the exact text; escaped only on a terminal
        return
    typer.echo(f"Wrote {write_output(out, text)}", err=True)
