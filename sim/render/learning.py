"""A learning run (:mod:`sim.analyses.learning`) as text and as JSON.

Used by ``tradesim learn FILE`` (:mod:`sim.cli.learn`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.analyses.learning import LearningReport

_WHAT = {"fictitious": "fictitious play", "stochastic": "stochastic fictitious play",
         "replicator": "replicator dynamics"}


def _mix(strategies: tuple[str, ...], p: np.ndarray) -> str:
    parts = [f"{x:.3f} {s}" for s, x in zip(strategies, p, strict=True) if x >= 5e-4]
    return " + ".join(parts)


def _length(r: LearningReport) -> str:
    s = r.settings
    if s.method == "replicator":
        return f"{s.starts} random start(s), t = {s.t_end:g} payoff ranges, seed {s.seed}"
    noise = f", eta = {s.eta:g}" if s.method == "stochastic" else ""
    return f"{s.rounds} round(s){noise}, seed {s.seed}"


def _equilibrium(r: LearningReport, k: int) -> str:
    g = r.game
    return " | ".join(f"{p}: {_mix(g.strategies[i], x)}"
                      for i, (p, x) in enumerate(zip(g.players, r.equilibria.equilibria[k]
                                                     .strategies, strict=True)))


def render_table(r: LearningReport) -> str:
    """The run as plain text: the final profile, regrets, nearest equilibrium, basins."""
    g = r.game
    first = "from the first start" if r.settings.method == "replicator" else "at the end"
    lines = [f"{g.name}: {_WHAT[r.settings.method]}, {_length(r)}", f"Profile {first}:"]
    for i, p in enumerate(g.players):
        lines.append(f"  {p}: {_mix(g.strategies[i], r.final[i])}  (regret {r.regret[i]:.4g})")
    if r.nearest is not None:
        lines.append(f"Nearest equilibrium (distance {r.distance:.3g}): "
                     f"{_equilibrium(r, r.nearest)}")
    if not r.equilibria.complete:
        lines.append(f"note: equilibria from {r.equilibria.method} (complete: false)")
    if r.basins is not None:
        lines.append(f"Basins of attraction (share of {len(r.basins.labels)} starts ending "
                     f"within {r.basins.radius:g} of each equilibrium):")
        shares = r.basins.shares()
        for k in range(len(r.basins.equilibria)):
            lines.append(f"  {shares[k]:6.1%}  {_equilibrium(r, k)}")
        lines.append(f"  {shares[-1]:6.1%}  none of them (still moving or cycling)")
    return "\n".join(lines) + "\n"


def to_json(r: LearningReport) -> dict[str, Any]:
    """The run as a JSON-ready dict (documented in docs/reference/cli.md)."""
    g = r.game
    s = r.settings
    out: dict[str, Any] = {
        "game": g.name, "players": list(g.players),
        "strategies": {p: list(g.strategies[i]) for i, p in enumerate(g.players)},
        "method": s.method, "seed": s.seed,
        "final": {p: [float(x) for x in r.final[i]] for i, p in enumerate(g.players)},
        "regret": {p: float(r.regret[i]) for i, p in enumerate(g.players)},
        "equilibria": [{p: [float(x) for x in eq.strategies[i]]
                        for i, p in enumerate(g.players)} for eq in r.equilibria.equilibria],
        "equilibria_complete": r.equilibria.complete,
        "nearest": r.nearest, "distance": r.distance,
    }
    if r.basins is not None:
        out.update(starts=s.starts, t_end=s.t_end)
        shares = r.basins.shares()
        out["basins"] = {"labels": [int(v) for v in r.basins.labels],
                         "shares": [float(v) for v in shares[:-1]], "none": float(shares[-1]),
                         "radius": r.basins.radius}
    else:
        out["rounds"] = s.rounds
        if s.method == "stochastic":
            out["eta"] = s.eta
    return out
