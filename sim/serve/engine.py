r"""The rules of a class game, on the scenario's own game (no storage, no HTTP).

**Moves by lever.** A student's move sets each of their side's levers to one of its levels
(a partial concession is a move too). For the truce a move is judged *part by part*: a part
is the whole set of the side's levers when the truce is **linked**, or one issue of the
scenario's ``[bargaining.issues]`` when issues are negotiated **separately** (as in
:mod:`sim.solvers.linkage`). A side *keeps* the truce on a part iff changing only that part's
levers from the truce levels does not lower the other side's payoff (the other side playing
its truce levels):

.. math:: u_{-i}(c^T_i[\text{part} \leftarrow m], c^T_{-i}) \ge u_{-i}(c^T) - \text{tol}.

So a concession keeps the truce and anything that hurts the partner breaks it.

**Noise**, as in :mod:`sim.solvers.truce`: *implementation* noise :math:`\varepsilon` turns a
move that keeps the truce into the side's breach strategy; *perception* noise :math:`\pi`
makes each kept part look broken to the partner, who then sees the mover's breach levels on
that part. Every draw comes from ``default_rng([seed, pair, round])``, so the outcome does
not depend on the order in which moves arrive, and a replay gives the same result.

**Robots** are strategies of :mod:`sim.solvers.strategies`, one instance per part. Their
state is rebuilt by replaying the pair's stored rounds, so nothing lives only in memory.

**Random stopping**: after each round the game goes on with probability :math:`\delta` (the
truce's per-period continuation), so the number of rounds is Geometric(:math:`1-\delta`)
(Roth & Murnighan 1978; Dal Bó 2005), capped by the teacher's maximum.

References
----------
Roth, A. E., Murnighan, J. K. (1978). Equilibrium behavior and repeated play of the
prisoner's dilemma. *J. Mathematical Psychology* 17, 189-198.
Dal Bó, P. (2005). Cooperation under the shadow of the future: experimental evidence from
infinitely repeated games. *American Economic Review* 95(5), 1591-1604.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.analyses.settings import profile_index
from sim.errors import InputError
from sim.scenario import BargainingSpec
from sim.serve.setup import MoveError, Pair, Settings

WHOLE = "truce"
"""The single part of a linked truce."""
TOL = 1e-9

@dataclass
class Classroom:
    """A scenario's game with the class's settings: validation, judging, robots, payoffs.

    Built by :func:`classroom`; every method is deterministic given its arguments.
    """

    scenario: Any
    game: Any
    settings: Settings
    truce: tuple[int, int] | None
    breach: tuple[int, int] | None
    continuation: float
    continuation_source: str
    noise_perception: float
    issues: tuple[tuple[str, tuple[str, ...]], ...]
    disagreement: np.ndarray | None = None
    disagreement_note: str = ""
    target: tuple[int, int] | None = None  # a robot bargainer's aim (largest Nash product)
    _tiny: dict[str, Any] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ levers

    @property
    def players(self) -> tuple[str, str]:
        return self.game.players[0], self.game.players[1]

    def lever_names(self, side: int) -> tuple[str, ...]:
        return self.game.levers[side]

    def levers(self, side: int) -> list[dict[str, Any]]:
        """Each lever of ``side`` in plain words: levels, the truce level, the sources."""
        sc, game = self.scenario, self.game
        truce = game.lever_choice(side, self.truce[side]) if self.truce else {}
        out = []
        for k, name in enumerate(game.levers[side]):
            lever = None if name == "strategy" else _find_lever(sc, game.players[side], name)
            sources = [sc.sources[s].cite() for s in (lever.sources if lever else ())
                       if s in sc.sources]
            out.append({
                "name": name,
                "description": lever.description if lever and lever.description else (
                    "your move" if name == "strategy" else name.replace("_", " ")),
                "levels": list(game.levels[side][k]),
                "truce_level": truce.get(name),
                "sources": sources,
            })
        return out

    def index(self, side: int, choice: Mapping[str, Any]) -> int:
        """The strategy index of a ``{lever: level}`` move, or a :class:`MoveError`."""
        game = self.game
        if not isinstance(choice, Mapping):
            msg = "expected the move as an object {lever: level}"
            raise MoveError(msg)
        names = game.levers[side]
        for key in choice:
            if key not in names:
                msg = (f"'{key}' is not a lever of {game.players[side]}; expected: "
                       f"{', '.join(names)}")
                raise MoveError(msg)
        digits = []
        for k, name in enumerate(names):
            if name not in choice:
                msg = f"no level for lever '{name}'; expected one of: " + \
                    ", ".join(game.levels[side][k])
                raise MoveError(msg)
            level = choice[name]
            if not isinstance(level, str) or level not in game.levels[side][k]:
                msg = (f"'{str(level)[:40]}' is not a level of '{name}'; expected one of: "
                       f"{', '.join(game.levels[side][k])}")
                raise MoveError(msg)
            digits.append(game.levels[side][k].index(level))
        sizes = [len(lv) for lv in game.levels[side]]
        return int(np.ravel_multi_index(digits, sizes))

    def choice(self, side: int, index: int) -> dict[str, str]:
        return self.game.lever_choice(side, int(index))

    def payoffs(self, i: int, j: int) -> tuple[float, float]:
        p = self.game.payoffs
        return float(p[0][i, j]), float(p[1][i, j])

    def label(self, side: int, index: int) -> str:
        """Levers changed from the truce (``kept the truce levels`` when none)."""
        if self.game.levers[side] == ("strategy",) or self.truce is None:
            return self.game.strategies[side][index]
        mine, truce = self.choice(side, index), self.choice(side, self.truce[side])
        changed = [f"{k}={v}" for k, v in mine.items() if truce[k] != v]
        return ", ".join(changed) if changed else "truce levels"

    # ------------------------------------------------------------------ parts and judging

    def parts(self, linked: bool) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The parts a move is judged by: the whole truce, or one per issue."""
        if linked or not self.issues:
            return ((WHOLE, tuple(self.game.levers[0]) + tuple(self.game.levers[1])),)
        return self.issues

    def _with(self, side: int, base: int, levers: Sequence[str], levels: Mapping[str, str]
              ) -> int:
        choice = self.choice(side, base)
        for name in levers:
            if name in choice:
                choice[name] = levels[name]
        return self.index(side, choice)

    def kept(self, side: int, index: int, levers: Sequence[str]) -> bool:
        """Whether changing only ``levers`` to ``index``'s levels leaves the other side no
        worse off than the truce (see the module docstring)."""
        assert self.truce is not None
        own = [lv for lv in levers if lv in self.game.levers[side]]
        if not own:
            return True
        probe = self._with(side, self.truce[side], own, self.choice(side, index))
        cell = (probe, self.truce[1]) if side == 0 else (self.truce[0], probe)
        other = 1 - side
        return bool(self.game.payoffs[other][cell]
                    >= self.game.payoffs[other][self.truce] - TOL * _scale(self.game.payoffs))

    def owns(self, side: int, levers: Sequence[str]) -> bool:
        """Whether ``side`` has a lever among ``levers`` (else nothing of it can be misread)."""
        return any(lv in self.game.levers[side] for lv in levers)

    def breach_on(self, side: int, base: int, levers: Sequence[str]) -> int:
        """``base`` with ``levers`` set to the side's breach levels."""
        assert self.breach is not None
        return self._with(side, base, levers, self.choice(side, self.breach[side]))

    # ------------------------------------------------------------------ robots

    def _robot(self, side: int) -> Any:
        from sim.solvers.strategies import make_strategy
        from sim.solvers.truce import TruceGame

        key = f"robot{side}"
        if key not in self._tiny:
            arr = np.asarray(self.game.payoffs, dtype=float)
            assert self.truce is not None
            assert self.breach is not None
            rows, cols = [self.truce[0], self.breach[0]], [self.truce[1], self.breach[1]]
            small = TruceGame(payoffs=arr[:, rows][:, :, cols], truce=self.truce,
                              breach=self.breach)
            self._tiny[key] = make_strategy(self.settings.robot).for_game(small.own(side))
        return self._tiny[key]

    def robot_move(self, pair: Pair, rnd: int, history: Sequence[Mapping[str, Any]]) -> int:
        """The robot's strategy index this round, replaying the pair's earlier rounds."""
        side = pair.robot_side
        assert side is not None
        if self.settings.activity == "oneshot" or self.truce is None:
            return self.oneshot_robot(side)
        strategy = self._robot(side)
        move = self.truce[side]
        for name, levers in self.parts(pair.linked):
            state = strategy.start(1)
            for past in history:
                if strategy.classifier["memory_depth"] != 0:
                    own = past["sides"][side]["kept"][name]
                    seen = past["sides"][1 - side]["seen"][name]
                    strategy.update(state, np.array([own]), np.array([seen]))
            rng = np.random.default_rng([self.settings.seed, pair.id, rnd, 1])
            stream = rng if strategy.classifier["stochastic"] else None
            if not bool(strategy.intend(state, stream)[0]):
                move = self.breach_on(side, move, levers)
        return move

    def oneshot_robot(self, side: int) -> int:
        """A robot's one-shot move: its side of the pure stage equilibrium best for it, else
        its best reply to the other side's first strategy."""
        from sim.solvers.bargaining import pure_nash

        eqs = pure_nash(self.game.A, self.game.B)
        if eqs:
            best = max(eqs, key=lambda e: (self.game.payoffs[side][e], e))
            return int(best[side])
        own = self.game.payoffs[side]
        return int(np.argmax(own[:, 0] if side == 0 else own[0, :]))

    # ------------------------------------------------------------------ a round

    def resolve(self, pair: Pair, rnd: int, meant: tuple[int, int],
                history: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """What happened in round ``rnd`` when the sides meant to play ``meant``.

        Returns a JSON-ready record: per side the meant and played levels, whether each part
        kept the truce, how the partner saw it, what the partner saw, and the payoff.
        """
        eps = self.settings.noise_implementation
        pi = self.noise_perception if pair.noise else 0.0
        rng = np.random.default_rng([self.settings.seed, pair.id, rnd])
        parts = self.parts(pair.linked) if self.truce is not None else ()
        u_slip, u_seen = rng.random(2), rng.random((2, max(len(parts), 1)))
        played = list(meant)
        sides: list[dict[str, Any]] = []
        for i in (0, 1):
            kept = {name: self.kept(i, meant[i], lv) for name, lv in parts}
            slipped = bool(parts) and all(kept.values()) and bool(u_slip[i] < eps)
            if slipped:
                assert self.breach is not None
                played[i] = self.breach[i]
                kept = {name: self.kept(i, played[i], lv) for name, lv in parts}
            seen = {name: kept[name] and not (bool(u_seen[i, k] < pi) and self.owns(i, lv))
                    for k, (name, lv) in enumerate(parts)}
            observed = played[i]
            for name, lv in parts:
                if kept[name] and not seen[name]:
                    observed = self.breach_on(i, observed, lv)
            sides.append({"meant": self.choice(i, meant[i]), "played": self.choice(i, played[i]),
                          "observed": self.choice(i, observed), "kept": kept, "seen": seen,
                          "slipped": slipped, "robot": pair.seats[i] is None})
        pay = self.payoffs(played[0], played[1])
        for i in (0, 1):
            sides[i]["payoff"] = pay[i]
            sides[i]["label"] = self.label(i, played[i])
        return {"round": rnd, "pair": pair.id, "noise": pair.noise, "linked": pair.linked,
                "profile": [int(played[0]), int(played[1])],
                "kept": bool(parts) and all(all(s["kept"].values()) for s in sides),
                "sides": sides}

    # ------------------------------------------------------------------ bargaining

    def offer(self, raw: Mapping[str, Any]) -> tuple[int, int]:
        """A deal ``{player: {lever: level}}`` over both sides' levers, validated."""
        if not isinstance(raw, Mapping) or set(raw) != set(self.players):
            msg = f"expected an offer naming the levels of both sides: {', '.join(self.players)}"
            raise MoveError(msg)
        return self.index(0, raw[self.players[0]]), self.index(1, raw[self.players[1]])

    def robot_accepts(self, side: int, deal: tuple[int, int]) -> bool:
        """A robot bargainer takes any deal worth at least its largest-Nash-product deal."""
        if self.target is None:
            return False
        own = self.game.payoffs[side]
        return bool(own[deal] >= own[self.target] - TOL * _scale(self.game.payoffs))

    # ------------------------------------------------------------------ stopping

    def stop_round(self) -> int:
        """Rounds this game will last: Geometric(1 - delta), at most ``max_rounds``."""
        s = self.settings
        if s.activity != "truce":
            return 1
        if self.continuation <= 0.0:
            return 1
        rng = np.random.default_rng([s.seed, 0, 0, 2])
        return int(min(s.max_rounds, rng.geometric(1.0 - self.continuation)))


def _scale(payoffs: np.ndarray) -> float:
    return max(1.0, float(np.abs(payoffs).max()))


def _find_lever(scenario: Any, player: str, name: str) -> Any:
    for p in scenario.players:
        if p.name == player:
            for lever in p.levers:
                if lever.name == name:
                    return lever
    return None


def classroom(scenario: Any, game: Any, s: Settings) -> Classroom:
    """Check that the scenario can host the activity and work out truce, breach, noise,
    continuation, issues and the bargaining disagreement point."""
    from sim.solvers import bargaining as bg
    from sim.solvers import repeated as rp

    where = scenario.name
    if len(game.players) != 2:
        msg = f"{where}: a class game needs two players, this one has {len(game.players)}"
        raise InputError(msg)
    if s.activity == "truce" and not scenario.truce:
        msg = (f"{where}: the truce activity needs a [truce] section naming the truce "
               "profile; choose the one-shot game or the bargaining round")
        raise InputError(msg)
    truce, breach = _truce_and_breach(scenario, game)
    numbers = scenario.truce_numbers() if scenario.truce else {}
    timing = rp.truce_timing(numbers)
    if s.continuation is not None:
        cont, source = float(s.continuation), "set by the teacher"
    elif timing.delta is not None and timing.delta < 1.0:
        cont, source = float(timing.delta), f"the scenario's truce ({timing.source})"
    else:
        cont, source = 0.8, "a default (the scenario sets no discount)"
    pi = float(s.noise_perception if s.noise_perception is not None
               else numbers.get("noise_perception", 0.1))
    issues: tuple[tuple[str, tuple[str, ...]], ...] = ()
    body = scenario.bargaining or BargainingSpec()
    if body.issues and game.levers[0] != ("strategy",):
        from sim.solvers.linkage import resolve_issues

        issues = tuple((x.name, x.levers) for x in resolve_issues(game, body.issues))
    room = Classroom(scenario=scenario, game=game, settings=s, truce=truce, breach=breach,
                     continuation=cont, continuation_source=source, noise_perception=pi,
                     issues=issues)
    if s.activity == "bargain":
        d = disagreement(scenario, game)
        room.disagreement = d
        room.target = nash_product_profile(bg.payoff_space(game.A, game.B), d)
    return room


def nash_product_profile(space: Any, d: np.ndarray) -> tuple[int, int] | None:
    r"""The pure profile with the largest Nash product :math:`(u_1-d_1)(u_2-d_2)` among those
    weakly above ``d`` (Nash 1950, restricted to pure deals), or ``None`` when none is."""
    gains = space.points - d
    ok = np.all(gains >= 0, axis=1)
    if not ok.any():
        return None
    score = np.where(ok, np.prod(np.clip(gains, 0, None), axis=1), -np.inf)
    return space.profile(int(np.argmax(score)))


def _truce_and_breach(scenario: Any, game: Any
                      ) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """The ``[truce]`` profile and each side's breach: its ``escalation`` levels, else its
    best one-shot deviation (:func:`sim.solvers.truce.truce_game`); a side with no gainful
    deviation breaches with its best other strategy, so that it has a breach to play."""
    from sim.solvers.truce import truce_game

    body = scenario.truce
    truce = profile_index(scenario, game, body.profile if body else None)
    if truce is None:
        return None, None
    escalation = profile_index(scenario, game, body.escalation if body else None)
    breach = list(truce_game(game.payoffs, truce, escalation).breach)
    for i in (0, 1):
        if breach[i] == truce[i] and game.shape[i] > 1:
            own = game.payoffs[i][:, truce[1]] if i == 0 else game.payoffs[i][truce[0], :]
            breach[i] = next(int(k) for k in own.argsort()[::-1] if int(k) != truce[i])
    return truce, (breach[0], breach[1])


def disagreement(scenario: Any, game: Any) -> np.ndarray:
    """The ``[bargaining]`` disagreement point raised by the outside options, as
    ``tradesim bargain`` takes it (:func:`sim.solvers.bargaining.disagreement_point`); a game
    without a pure equilibrium falls back to the minmax point."""
    from sim.errors import SolverError
    from sim.solvers import bargaining as bg

    body = scenario.bargaining or BargainingSpec()
    spec = body.disagreement or "nash"
    profiles = {n: profile_index(scenario, game, n) for n in scenario.profiles}
    refs = body.outside_options
    options = tuple(None if p not in refs else scenario.value(refs[p]) for p in game.players)
    try:
        base = bg.disagreement_point(game.A, game.B, spec, profiles=profiles)
    except SolverError:
        base = bg.disagreement_point(game.A, game.B, "minmax")
    return np.asarray(bg.with_outside_options(base, options).point, dtype=float)
