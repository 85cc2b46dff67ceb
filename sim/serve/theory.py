r"""What the model predicts for a class game, and what the class did, side by side.

Predictions come from the project's solvers on the scenario's game: the Pareto frontier and
the Nash and Kalai–Smorodinsky deals (:mod:`sim.solvers.bargaining`), the equilibria
(:func:`sim.solvers.reduction.solve_reduced`), the truce's critical discount factor
:math:`\delta^*` under grim trigger (:func:`sim.solvers.repeated.thresholds`) and, with
issues, the linked and separate thresholds (:mod:`sim.solvers.linkage`).

**Predicted survival.** If both sides play grim trigger part by part, the truce is intact
after round :math:`t` iff no move slipped (implementation noise :math:`\varepsilon`, once per
side and round) and no kept part was misread before the last round (perception noise
:math:`\pi`, once per side, part and round, over the :math:`m` side-parts that have levers):

.. math:: S(t) = (1-\varepsilon)^{2t} (1-\pi)^{m (t-1)},

which for a linked truce (:math:`m = 2`) is
:func:`sim.solvers.truce.grim_survival`. The class's survival is the share of its pairs
(those present from round 1) whose truce is intact after round :math:`t`, by treatment.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sim.serve.engine import Classroom, disagreement
from sim.serve.setup import Pair


def predictions(room: Classroom) -> dict[str, Any]:
    """The theory panel of the dashboard (JSON-ready)."""
    from sim.solvers import bargaining as bg
    from sim.solvers import repeated as rp
    from sim.solvers.reduction import solve_reduced

    game = room.game
    A, B = game.A, game.B
    space = bg.payoff_space(A, B)
    eqs = solve_reduced(game.payoffs)
    out: dict[str, Any] = {
        "players": list(game.players),
        "points": space.points.tolist(),
        "frontier": space.frontier.tolist(),
        "equilibria": [{"payoffs": [float(x) for x in eq.payoffs], "label": _mixed(room, eq)}
                       for eq in eqs.equilibria],
        "continuation": room.continuation,
        "continuation_source": room.continuation_source,
        "noise_perception": room.noise_perception,
        "noise_implementation": room.settings.noise_implementation,
    }
    d = room.disagreement if room.disagreement is not None else disagreement(
        room.scenario, game)
    result = bg.solve_bargaining(space, d)
    out["disagreement"] = [float(x) for x in d]
    for name, key in (("nash", "nash"), ("kalai_smorodinsky", "ks")):
        sol = result.solutions.get(name)
        out[key] = None if sol is None else [float(x) for x in sol.payoffs]
    out["truce"] = None
    if room.truce is not None:
        t = rp.thresholds(game.payoffs, room.truce, _punishment(room))
        out["truce"] = {
            "label": game.profile_label(room.truce),
            "payoffs": list(room.payoffs(*room.truce)),
            "delta_star": _finite(t.delta_star),
            "binding": game.players[t.binding],
            "sustainable": bool(t.sustainable(room.continuation)),
        }
        if room.issues:
            from sim.solvers.linkage import linkage

            lk = linkage(game, dict(room.issues), room.truce)
            out["truce"]["delta_star_linked"] = _finite(lk.linked_critical)
            out["truce"]["delta_star_separate"] = _finite(lk.separate_critical)
    return out


def _punishment(room: Classroom) -> str | tuple[int, int]:
    body = room.scenario.truce
    pun = (body.punishment if body else None) or "nash"
    if pun in {"nash", "minmax"}:
        return pun
    return tuple(room.game.profile_index(room.scenario.profiles[pun]))  # type: ignore[return-value]


def _mixed(room: Classroom, eq: Any) -> str:
    """``US: s | China: t`` for a pure equilibrium; a mixed strategy shows its support with
    probabilities (two decimals)."""
    parts = []
    for i, p in enumerate(room.game.players):
        x = np.asarray(eq.strategies[i], dtype=float)
        support = np.flatnonzero(x > 1e-9)
        names = room.game.strategies[i]
        label = names[int(support[0])] if len(support) == 1 else " + ".join(
            f"{x[k]:.2f}×[{names[k]}]" for k in support)
        parts.append(f"{p}: {label}")
    return " | ".join(parts)


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def side_parts(room: Classroom, linked: bool) -> int:
    """:math:`m`: the (side, part) cells with levers, each misread independently."""
    return sum(room.owns(i, lv) for i in (0, 1) for _, lv in room.parts(linked))


def predicted_survival(room: Classroom, rounds: int, *, noise: bool, linked: bool
                       ) -> list[float]:
    """:math:`S(t)` for :math:`t = 0..rounds` (see the module docstring)."""
    eps = room.settings.noise_implementation
    pi = room.noise_perception if noise else 0.0
    m = side_parts(room, linked)
    t = np.arange(rounds + 1)
    s = (1 - eps) ** (2 * t) * (1 - pi) ** (m * np.maximum(t - 1, 0))
    return [float(x) for x in s]


def treatment(pair: Pair | Mapping[str, Any], room: Classroom) -> str:
    """A pair's treatment in words: noise on or off, and linked or separate when the
    scenario has issues."""
    noise = pair.noise if isinstance(pair, Pair) else pair["noise"]
    linked = pair.linked if isinstance(pair, Pair) else pair["linked"]
    words = "noise" if noise else "no noise"
    if room.issues:
        words += ", linked" if linked else ", separate issues"
    return words


def class_stats(room: Classroom, pairs: Sequence[Pair], results: Sequence[Mapping[str, Any]],
                deals: Mapping[int, Mapping[str, Any]]) -> dict[str, Any]:
    """Outcomes per round, pairs' average payoffs, survival by treatment, deals."""
    players = room.players
    by_pair: dict[int, list[Mapping[str, Any]]] = {}
    for r in results:
        by_pair.setdefault(int(r["pair"]), []).append(r)
    rounds = max((int(r["round"]) for r in results), default=0)
    outcomes = []
    for t in range(1, rounds + 1):
        counts: dict[str, int] = {}
        for r in results:
            if r["round"] == t:
                key = _outcome(room, r)
                counts[key] = counts.get(key, 0) + 1
        outcomes.append({"round": t, "counts": counts})
    points = []
    for p in pairs:
        rows = by_pair.get(p.id, [])
        if rows:
            avg = [math.fsum(r["sides"][i]["payoff"] for r in rows) / len(rows) for i in (0, 1)]
            points.append({"pair": p.id, "treatment": treatment(p, room), "rounds": len(rows),
                           "robot": p.robot_side is not None, "payoffs": avg})
    survival = {}
    if room.truce is not None and room.settings.activity == "truce":
        for p in pairs:
            key = treatment(p, room)
            if key not in survival:
                survival[key] = {"pairs": 0, "intact": [0] * (rounds + 1),
                                 "predicted": predicted_survival(room, rounds, noise=p.noise,
                                                                 linked=p.linked)}
            if p.first_round != 1 or p.id not in by_pair:
                continue
            s = survival[key]
            s["pairs"] += 1
            alive = True
            s["intact"][0] += 1
            for r in sorted(by_pair[p.id], key=lambda r: r["round"]):
                alive = alive and bool(r["kept"])
                s["intact"][r["round"]] += int(alive)
        for s in survival.values():
            n = s["pairs"]
            s["class"] = [x / n if n else None for x in s.pop("intact")]
    bargaining = None
    if room.settings.activity == "bargain":
        agreed = [d for d in deals.values() if d["agreed"]]
        bargaining = {
            "pairs": len(pairs), "settled": len(deals), "agreed": len(agreed),
            "points": [{"pair": d["pair"], "payoffs": d["payoffs"], "agreed": d["agreed"]}
                       for d in deals.values() if d["payoffs"] is not None],
            "mean_seconds": (math.fsum(d["seconds"] for d in agreed if d["seconds"] is not None)
                             / len(agreed)) if agreed else None,
        }
    return {"players": list(players), "rounds": rounds, "outcomes": outcomes,
            "pairs": points, "survival": survival, "bargaining": bargaining}


def _outcome(room: Classroom, r: Mapping[str, Any]) -> str:
    """``both kept`` / ``US broke`` / ... for the truce; the profile for a one-shot game."""
    if room.truce is None or room.settings.activity != "truce":
        return " | ".join(s["label"] for s in r["sides"])
    broke = [room.players[i] for i in (0, 1) if not all(r["sides"][i]["kept"].values())]
    if not broke:
        return "both kept"
    if len(broke) == 2:
        return "both broke"
    return f"{broke[0]} broke"
