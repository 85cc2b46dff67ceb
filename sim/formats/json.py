"""JSON-ready views of results (the schema of ``solve --format json`` and ``results.json``).

Floats are written with 12 significant digits (and ``-0.0`` as ``0.0``) so that the same
inputs give byte-identical files on every platform.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from sim.analyses.core import Analysis
from sim.game import Game
from sim.solvers.equilibria import EquilibriumSet

DIGITS = 12


def clean_float(x: float) -> float:
    """``x`` rounded to :data:`DIGITS` significant digits; ``-0.0`` becomes ``0.0``."""
    x = float(x)
    if not math.isfinite(x):
        return x
    y = float(f"{x:.{DIGITS}g}")
    return 0.0 if y == 0 else y


def jsonable(obj: Any) -> Any:
    """Convert numpy scalars/arrays, tuples and floats into plain, rounded JSON values."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return jsonable(obj.tolist())
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return clean_float(obj)
    return obj


def dumps(obj: Any) -> str:
    """Stable JSON text: rounded floats, keys in insertion order, 2-space indent."""
    return json.dumps(jsonable(obj), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def equilibria_json(game: Game, eqs: EquilibriumSet) -> dict[str, Any]:
    """DESIGN's ``solve --format json`` schema."""
    out: dict[str, Any] = {
        "game": game.name,
        "players": list(game.players),
        "strategies": {p: list(s) for p, s in zip(game.players, game.strategies, strict=True)},
        "method": eqs.method,
        "complete": eqs.complete,
        "degenerate": eqs.degenerate,
        "equilibria": [],
    }
    for eq in eqs.equilibria:
        entry: dict[str, Any] = {
            "strategies": {p: list(map(float, x))
                           for p, x in zip(game.players, eq.strategies, strict=True)},
            "payoffs": {p: float(v) for p, v in zip(game.players, eq.payoffs, strict=True)},
        }
        if eq.exact_strategies is not None:
            entry["exact_strategies"] = {
                p: [str(f) for f in x]
                for p, x in zip(game.players, eq.exact_strategies, strict=True)}
        if eq.exact_payoffs is not None:
            entry["exact_payoffs"] = {
                p: str(v) for p, v in zip(game.players, eq.exact_payoffs, strict=True)}
        out["equilibria"].append(entry)
    if eqs.components:
        out["components"] = [list(c) for c in eqs.components]
    if eqs.exact:
        out["exact"] = True
    if eqs.message or not eqs.complete:
        out["message"] = eqs.message or "the method does not guarantee that all were found"
    return out


def profile_json(game: Game, index: tuple[int, ...]) -> dict[str, Any]:
    return {
        "profile": {p: game.strategies[i][s] for i, (p, s) in enumerate(zip(game.players, index,
                                                                             strict=True))},
        "payoffs": {p: float(game.payoffs[(i, *index)]) for i, p in enumerate(game.players)},
    }


def analysis_json(a: Analysis) -> dict[str, Any]:
    """Everything :func:`sim.analyses.core.analyse` found, for ``results.json``."""
    g = a.game
    return {
        "equilibria": equilibria_json(g, a.equilibria),
        "pure_equilibria": [profile_json(g, s) for s in a.pure],
        "dominated": [
            {"player": g.players[d.player], "strategy": g.strategies[d.player][d.strategy],
             "by": g.strategies[d.player][d.by], "strict": d.strict}
            for d in a.dominated
        ],
        "iterated_elimination": {
            "surviving": {p: [g.strategies[i][s] for s in a.elimination.surviving[i]]
                          for i, p in enumerate(g.players)},
            "removed": [{"player": g.players[d.player],
                         "strategy": g.strategies[d.player][d.strategy],
                         "by": g.strategies[d.player][d.by]} for d in a.elimination.removed],
        },
        "pareto_optimal": [profile_json(g, s) for s in a.pareto],
        "security": [
            {"player": g.players[s.player], "pure_level": s.pure_level,
             "pure_strategy": g.strategies[s.player][s.pure_strategy],
             "mixed_level": s.mixed_level,
             "mixed_strategy": None if s.mixed_strategy is None else list(s.mixed_strategy)}
            for s in a.security
        ],
    }
