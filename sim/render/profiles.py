"""Pure profiles as tables a person can read: one column per lever, one per payoff.

A lever-built strategy is a string like ``us_tariff=war, chip_controls=strict``; at
London's size a profile is some 250 characters on one line. Here every lever gets its own
column (headed by the lever's name, or ``Player.lever`` when two players share a lever
name), every player's payoff its own column, so a table can be read down a column, filtered
(:func:`parse_where`) and sorted (:func:`sort_profiles`). Two-player games up to
:data:`BIMATRIX_MAX` strategies a side also print as a bimatrix with best responses marked
(:func:`bimatrix_lines`), the view Gambit's graphical interface gives.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from fractions import Fraction

import numpy as np

from sim.errors import InputError
from sim.game import Game

BIMATRIX_MAX = 12
"""Largest number of strategies a side for which ``show`` prints the bimatrix."""

Profile = tuple[int, ...]


def lever_columns(game: Game) -> list[tuple[int, int, str]]:
    """``(player, lever index, column name)`` for every lever of every player."""
    levers = game.levers or tuple(("strategy",) for _ in game.players)
    names = [lv for per in levers for lv in per]
    out = []
    for i, per in enumerate(levers):
        for k, lever in enumerate(per):
            if lever == "strategy" and len(per) == 1:  # a matrix game: the player's choice
                name = game.players[i]
            else:
                name = lever if names.count(lever) == 1 else f"{game.players[i]}.{lever}"
            out.append((i, k, name))
    return out


def lever_level(game: Game, player: int, lever: int, strategy: int) -> str:
    """The level of lever ``lever`` in strategy ``strategy`` of ``player``."""
    if not game.levels:
        return game.strategies[player][strategy]
    sizes = [len(lv) for lv in game.levels[player]]
    digits = np.unravel_index(strategy, sizes)
    return game.levels[player][lever][int(digits[lever])]


def payoff_header(player: str, unit: str = "") -> str:
    return f"{player} payoff" + (f" ({unit})" if unit else "")


def fmt(x: float | Fraction) -> str:
    """A payoff for people: a fraction as itself, a float to 4 significant digits."""
    if isinstance(x, Fraction):
        return str(x)
    x = float(x)
    return f"{0.0 if abs(x) < 5e-13 else x:.4g}"


def profile_table(game: Game, profiles: Iterable[Profile], *, unit: str = "",
                  names: Sequence[str] | None = None) -> tuple[list[str], list[list[str]]]:
    """Headers and rows: (a ``profile`` name column when ``names``), one column per lever,
    one per player's payoff."""
    cols = lever_columns(game)
    headers = (["profile"] if names is not None else []) + [c for _, _, c in cols]
    headers += [payoff_header(p, unit) for p in game.players]
    rows = []
    for j, idx in enumerate(profiles):
        row = [names[j]] if names is not None else []
        row += [lever_level(game, i, k, idx[i]) for i, k, _ in cols]
        row += [fmt(game.payoffs[(p, *idx)]) for p in range(len(game.players))]
        rows.append(row)
    return headers, rows


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *,
               indent: str = "  ") -> list[str]:
    """Aligned columns; numbers right-aligned."""
    widths = [max(len(h), *(len(r[c]) for r in rows)) if rows else len(h)
              for c, h in enumerate(headers)]
    numeric = [bool(rows) and all(_is_number(r[c]) for r in rows) for c in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return indent + "  ".join(c.rjust(w) if num else c.ljust(w)
                                  for c, w, num in zip(cells, widths, numeric, strict=True)
                                  ).rstrip()

    return [line(headers), indent + "  ".join("-" * w for w in widths),
            *(line(r) for r in rows)]


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    esc = [[c.replace("|", "\\|") for c in r] for r in [list(headers), *rows]]
    return ["| " + " | ".join(esc[0]) + " |", "|" + "---|" * len(headers),
            *("| " + " | ".join(r) + " |" for r in esc[1:])]


def csv_text(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue()


def _is_number(s: str) -> bool:
    try:
        float(Fraction(s))
    except (ValueError, ZeroDivisionError):
        return False
    return True


def parse_where(game: Game, specs: Sequence[str]) -> dict[int, set[str]]:
    """``--where lever=level`` (repeatable; ``lever=a,b`` for either) as column -> levels.

    Raises :class:`InputError` naming the option, the lever and what exists."""
    cols = {name: n for n, (_, _, name) in enumerate(lever_columns(game))}
    out: dict[int, set[str]] = {}
    for spec in specs:
        lever, sep, levels = spec.partition("=")
        lever = lever.strip()
        if not sep or not lever or not levels.strip():
            msg = f"--where {spec!r}: expected LEVER=LEVEL, e.g. --where {next(iter(cols))}=..."
            raise InputError(msg)
        if lever not in cols:
            msg = f"--where {spec!r}: no lever {lever!r}; levers: {', '.join(cols)}"
            raise InputError(msg)
        c = cols[lever]
        i, k, _ = lever_columns(game)[c]
        known = (game.levels[i][k] if game.levels else game.strategies[i])
        wanted = {v.strip() for v in levels.split(",")}
        bad = sorted(wanted - set(known))
        if bad:
            msg = f"--where {spec!r}: {lever} has no level {bad[0]!r}; levels: {', '.join(known)}"
            raise InputError(msg)
        out[c] = out.get(c, set(known)) & wanted
    return out


def matching(game: Game, where: dict[int, set[str]]) -> list[Profile]:
    """Every pure profile whose levers take one of the allowed levels."""
    cols = lever_columns(game)
    allowed = []
    for i in range(len(game.players)):
        allowed.append([s for s in range(game.shape[i])
                        if all(lever_level(game, i, k, s) in where[c]
                               for c, (pi, k, _) in enumerate(cols) if pi == i and c in where)])
    return [tuple(p) for p in np.ndindex(*[len(a) for a in allowed])
            for p in [tuple(allowed[i][j] for i, j in enumerate(p))]]


def sort_profiles(game: Game, profiles: list[Profile], key: str | None) -> list[Profile]:
    """By a player's payoff, highest first (``--sort US``), or by a lever's level in the
    file's order (``--sort us_tariff``); stable, so ties keep the file's order."""
    if key is None:
        return profiles
    if key in game.players:
        p = game.players.index(key)
        return sorted(profiles, key=lambda idx: -float(game.payoffs[(p, *idx)]))
    cols = {name: (i, k) for i, k, name in lever_columns(game)}
    if key not in cols:
        msg = (f"--sort {key!r}: expected a player ({', '.join(game.players)}) or a lever "
               f"({', '.join(cols)})")
        raise InputError(msg)
    i, k = cols[key]
    known = game.levels[i][k] if game.levels else game.strategies[i]
    return sorted(profiles, key=lambda idx: known.index(lever_level(game, i, k, idx[i])))


def best_responses(game: Game, *, tol: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks: ``row[r, c]`` when r is a best response of the row player to c, and
    ``col[r, c]`` when c is one of the column player's to r."""
    A, B = np.asarray(game.A, dtype=float), np.asarray(game.B, dtype=float)
    scale = tol * max(1.0, float(np.abs(game.payoffs).max(initial=0.0)))
    return A.max(axis=0, keepdims=True) - scale <= A, B.max(axis=1, keepdims=True) - scale <= B


def bimatrix_lines(game: Game, *, unit: str = "") -> list[str]:
    """The bimatrix of a two-player game, ``a, b`` in each cell, ``*`` after a payoff that is
    a best response; a cell with both marked is a pure Nash equilibrium. Long strategy names
    become ``R1``, ``C1``... with a key below."""
    rows, cols = game.shape
    br_row, br_col = best_responses(game)
    short = max(len(s) for per in game.strategies for s in per) <= 14
    rn = list(game.strategies[0]) if short else [f"R{r + 1}" for r in range(rows)]
    cn = list(game.strategies[1]) if short else [f"C{c + 1}" for c in range(cols)]
    cells = [[f"{fmt(game.A[r, c])}{'*' if br_row[r, c] else ''}, "
              f"{fmt(game.B[r, c])}{'*' if br_col[r, c] else ''}" for c in range(cols)]
             for r in range(rows)]
    corner = f"{game.players[0]} \\ {game.players[1]}"
    lines = [f"Bimatrix ({game.players[0]}'s payoff, {game.players[1]}'s"
             + (f", in {unit}" if unit else "") + "); * marks a best response; a cell with both starred "
             "is a pure Nash equilibrium:"]
    lines += text_table([corner, *cn], [[rn[r], *cells[r]] for r in range(rows)])
    if not short:
        lines += ["", "Key:"]
        lines += [f"  R{r + 1} = {game.players[0]}: {s}" for r, s in enumerate(game.strategies[0])]
        lines += [f"  C{c + 1} = {game.players[1]}: {s}" for c, s in enumerate(game.strategies[1])]
    return lines
