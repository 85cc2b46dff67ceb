"""The Python API for notebooks and scripts: every analysis of the command line as a function.

>>> import sim
>>> s = sim.load_scenario("scenarios/classroom/prisoners-dilemma.toml")
>>> r = sim.solve(s)
>>> len(r), r.complete
(1, True)
>>> r[0].strategies["US"]
[0.0, 1.0]

Each function takes a scenario (from :func:`load_scenario`), a path to a scenario file
(``.toml``; :func:`solve` and :func:`analyse` also take a Gambit ``.nfg`` file) or, where it
makes sense, a :class:`~sim.game.Game`. Results print as readable text (``print(r)``; the
same text is their ``repr``), render as HTML tables in Jupyter (``_repr_html_``), and turn
into the JSON of the matching ``--format json`` output with ``r.to_dict()``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.api.errors import pythonic
from sim.api.html import table as _table
from sim.api.record import Record
from sim.game import Game
from sim.scenario import Scenario
from sim.scenario import load_scenario as _load_scenario
from sim.scenario.build import build_game

__all__ = [
    "Analysis",
    "Equilibria",
    "EquilibriumView",
    "Report",
    "analyse",
    "bargain",
    "build_game",
    "compare",
    "load",
    "load_game",
    "load_scenario",
    "solve",
    "sweep",
    "truce",
]


@pythonic({"grid": "grid"})
def load_scenario(path: str | Path, *, grid: int | None = None) -> Scenario:
    """Read and validate a scenario file (raises :class:`~sim.errors.ScenarioErrors`).

    Parameters
    ----------
    path : str or Path
        The scenario file (TOML), or the name of a bundled scenario (``"london-2025"``,
        ``"prisoners-dilemma"``; :func:`bundled_scenarios` lists them), found from any
        folder.
    grid : int, optional
        Values each continuous lever is discretised into (``tradesim --grid N``); ``None``
        for the default, :data:`sim.scenario.levers.DEFAULT_GRID`.

    Returns
    -------
    Scenario
    """
    from sim.scenario.bundled import names, resolve

    if not resolve(path).exists():
        from sim.api.record import close_names
        from sim.errors import ScenarioError, ScenarioErrors

        hint = close_names(Path(path).stem, names()) or (
            f"; bundled: {', '.join(names())}" if names() else "")
        raise ScenarioErrors([ScenarioError(path, "", None,
                                            f"no such file or bundled scenario{hint}")])
    return _load_scenario(path, grid=grid)


load = load_scenario
"""``sim.load("london-2025")``: the short name of :func:`load_scenario`."""


def bundled_scenarios() -> list[str]:
    """The names of the scenarios that ship with tradesim, for :func:`load`."""
    from sim.scenario.bundled import names

    return names()


@pythonic()
def load_game(source: Scenario | Game | str | Path) -> Game:
    """The game of a scenario, of a scenario or ``.nfg`` file, or a game itself."""
    if isinstance(source, Game):
        return source
    if isinstance(source, Scenario):
        return build_game(source)
    path = Path(source)
    if path.suffix.lower() == ".nfg":
        from sim.formats.nfg import read_nfg

        return read_nfg(path)
    return build_game(_load_scenario(path))


def _scenario(source: Scenario | str | Path) -> Scenario:
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Game):
        from sim.errors import InputError

        msg = "this analysis needs a scenario (its [truce] or [bargaining] settings), not a Game"
        raise InputError(msg)
    return _load_scenario(source)


# --------------------------------------------------------------------------- equilibria


@dataclass(frozen=True)
class EquilibriumView:
    """One equilibrium with names: ``strategies[player]`` (probabilities in the file's
    strategy order) and ``payoffs[player]``."""

    strategies: dict[str, list[float]]
    payoffs: dict[str, float]
    labels: dict[str, str]

    names: dict[str, list[str]] | None = None  # each player's strategy names

    def __str__(self) -> str:
        mix = " | ".join(f"{p}: {lab}" for p, lab in self.labels.items())
        pays = ", ".join(f"{p} {v:.4g}" for p, v in self.payoffs.items())
        return f"{mix} -> {pays}"

    __repr__ = __str__

    def support(self, player: str) -> dict[str, float]:
        """``{strategy name: probability}`` of the strategies ``player`` plays."""
        names = (self.names or {}).get(player) or [str(k) for k in
                                                   range(len(self.strategies[player]))]
        return {n: x for n, x in zip(names, self.strategies[player], strict=True) if x > 1e-12}

    def _repr_html_(self) -> str:
        rows = [[p, s, x, self.payoffs[p] if k == 0 else None]
                for p in self.strategies for k, (s, x) in enumerate(self.support(p).items())]
        return _table(["player", "strategy", "probability", "payoff"], rows,
                      "One equilibrium (strategies played with positive probability)")


class Equilibria(Sequence[EquilibriumView]):
    """The Nash equilibria of a game: a sequence of :class:`EquilibriumView`.

    Attributes: ``game``, ``result`` (the solver's :class:`~sim.solvers.equilibria.
    EquilibriumSet`), ``complete``, ``degenerate``, ``method``, ``message``.
    """

    def __init__(self, game: Game, result: Any) -> None:
        from sim.render.text import mixed_label

        self.game = game
        self.result = result
        self._views = tuple(
            EquilibriumView(
                strategies={p: [float(v) for v in eq.strategies[i]]
                            for i, p in enumerate(game.players)},
                payoffs={p: float(eq.payoffs[i]) for i, p in enumerate(game.players)},
                labels={p: mixed_label(game, i, eq.strategies[i])
                        for i, p in enumerate(game.players)},
                names={p: list(game.strategies[i]) for i, p in enumerate(game.players)})
            for eq in result.equilibria)

    complete = property(lambda self: bool(self.result.complete))
    degenerate = property(lambda self: self.result.degenerate)  # None: not checked
    method = property(lambda self: str(self.result.method))
    message = property(lambda self: str(self.result.message))

    def __len__(self) -> int:
        return len(self._views)

    def __getitem__(self, i):  # type: ignore[override]
        return self._views[i]

    def __iter__(self) -> Iterator[EquilibriumView]:
        return iter(self._views)

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``tradesim solve --format json``."""
        from sim.analyses.core import equilibria_report
        from sim.formats.json import to_json

        return to_json(equilibria_report(self.game, self.result))

    def to_dataframe(self) -> Any:
        """One row per equilibrium: each player's mix (as a label and by strategy, the
        strategies some equilibrium plays) and payoffs. Needs pandas."""
        from sim.api.frames import dataframe

        played = {p: [s for s in self.game.strategies[i]
                      if any(s in v.support(p) for v in self)]
                  for i, p in enumerate(self.game.players)}
        return dataframe([
            {**{p: v.labels[p] for p in self.game.players},
             **{f"{p}: {s}": v.support(p).get(s, 0.0) for p in played for s in played[p]},
             **{f"payoff {p}": v.payoffs[p] for p in self.game.players}} for v in self])

    def _status(self) -> str:
        from sim.render.text import equilibria_status

        return equilibria_status(self.game.name, self.result)

    def __str__(self) -> str:
        lines = [self._status()]
        if self.message:
            lines.append(f"note: {self.message}")
        lines += [f"  {k + 1}. {v}" for k, v in enumerate(self)]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        players = self.game.players
        rows = [[k + 1, *(v.labels[p] for p in players), *(v.payoffs[p] for p in players)]
                for k, v in enumerate(self)]
        header = ["#", *players, *(f"payoff {p}" for p in players)]
        return _table(header, rows, self._status())


@pythonic()
def solve(source: Scenario | Game | str | Path, *, method: str = "auto",
          exact: bool = False) -> Equilibria:
    """Every Nash equilibrium, as ``tradesim solve`` finds them (IESDS first, then the
    method; see :mod:`sim.solvers.equilibria`)."""
    from sim.scenario.formula_exact import exact_inputs, with_note
    from sim.solvers.reduction import solve_reduced

    game = load_game(source)
    scenario = None
    if exact and not isinstance(source, Game) and Path(str(source)).suffix.lower() != ".nfg":
        scenario = _scenario(source)
    exact_payoffs, note = exact_inputs(scenario)
    return Equilibria(game, with_note(solve_reduced(
        game.payoffs, method=method, exact=exact, exact_payoffs=exact_payoffs,
        lever_sizes=[[len(lv) for lv in p] for p in game.levels] or None,
        lever_names=[name for p in game.levers for name in p]), note))


# --------------------------------------------------------------------------- core analysis


class Analysis:
    """The core analysis of ``tradesim run``: equilibria, pure equilibria, dominated
    strategies, iterated elimination, Pareto-optimal profiles, security levels.

    ``analysis`` is the solvers' :class:`sim.analyses.core.Analysis`; ``equilibria`` an
    :class:`Equilibria`.
    """

    def __init__(self, analysis: Any, named: Mapping[str, tuple[int, ...]]) -> None:
        self.analysis = analysis
        self.game = analysis.game
        self.named = dict(named)
        self.equilibria = Equilibria(analysis.game, analysis.equilibria)

    @property
    def pareto(self) -> list[str]:
        """Labels of the Pareto-optimal pure profiles."""
        return [self.game.profile_label(s) for s in self.analysis.pareto]

    @property
    def pure(self) -> list[str]:
        """Labels of the pure Nash equilibria."""
        return [self.game.profile_label(s) for s in self.analysis.pure]

    def to_dict(self) -> dict[str, Any]:
        """The ``game`` section of ``results.json``."""
        from sim.analyses.core import game_report
        from sim.formats.json import to_json

        return to_json(game_report(self.analysis, self.named))

    def __str__(self) -> str:
        from sim.render.text import core_console

        return "\n".join(core_console(self.analysis, self.named))

    __repr__ = __str__

    def _repr_html_(self) -> str:
        g = self.game
        pareto = [[g.profile_label(s), *(float(g.payoffs[(k, *s)]) for k in range(len(g.players)))]
                  for s in self.analysis.pareto]
        sec = [[g.players[s.player], s.pure_level, g.strategies[s.player][s.pure_strategy],
                s.mixed_level] for s in self.analysis.security]
        return (self.equilibria._repr_html_()
                + _table(["profile", *g.players], pareto, "Pareto-optimal pure profiles")
                + _table(["player", "pure security level", "with", "mixed security level"],
                         sec, "Security (maxmin) levels"))


@pythonic()
def analyse(source: Scenario | Game | str | Path, *, method: str = "auto",
            exact: bool = False) -> Analysis:
    """Every core solver on a game (what ``tradesim run`` prints first)."""
    from sim.analyses.core import analyse as core

    game = load_game(source)
    named: dict[str, tuple[int, ...]] = {}
    if not isinstance(source, Game):
        sc = source if isinstance(source, Scenario) else (
            None if Path(source).suffix.lower() == ".nfg" else _load_scenario(source))
        if sc is not None:
            from sim.analyses.settings import named_indices

            named = named_indices(sc, game)
    return Analysis(core(game, method=method, exact=exact), named)


# --------------------------------------------------------------------------- reports


class Report(Record):
    """A report (truce, bargaining, sweep, comparison): the command's JSON with attribute
    access (``t.delta_star`` is ``t["delta_star"]``; nested tables too), printing as the
    command's table and rendering every part as HTML tables in Jupyter.

    ``kind`` is ``"truce"``, ``"bargain"``, ``"sweep"`` or ``"compare"``; ``tables`` names
    the tables :meth:`to_dataframe` can return. ``result`` is the analysis' typed result
    where it has one (bargaining: a :class:`~sim.analyses.bargain_results.BargainResult`),
    else the same JSON-ready dict.
    """

    __slots__ = ("_text", "kind", "result")

    def __init__(self, kind: str, data: Any, text: str) -> None:
        from sim.formats.json import to_json

        super().__init__(data if isinstance(data, dict) else to_json(data),
                         f"the {kind} report")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "result", data)
        object.__setattr__(self, "_text", text)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), "kind", "result", "tables", "to_dataframe"})

    def _tables(self) -> dict[str, tuple[str, list[dict[str, Any]]]]:
        from sim.api.frames import TABLES

        return TABLES[self.kind](self._data)

    @property
    def tables(self) -> list[str]:
        """Names of the tables of this report, for :meth:`to_dataframe`."""
        return list(self._tables())

    def to_dataframe(self, table: str | None = None) -> Any:
        """One table of the report as a :class:`pandas.DataFrame` (needs pandas: the
        ``pandas`` extra). ``table`` is one of :attr:`tables`; by default the first."""
        from sim.api.frames import dataframe

        tables = self._tables()
        if table is None:
            table = next(iter(tables))
        if table not in tables:
            from sim.api.record import close_names
            from sim.errors import InputError

            msg = (f"table={table!r}: expected one of: {', '.join(tables)}"
                   f"{close_names(table, tables)}")
            raise InputError(msg)
        return dataframe(tables[table][1])

    def __str__(self) -> str:
        return self._text

    __repr__ = __str__

    def _repr_html_(self) -> str:
        from sim.api.html import frames_html

        return frames_html({cap: rows for cap, rows in self._tables().values()}, self._text)


@pythonic({"noise-impl": "noise_implementation", "noise-perception": "noise_perception"})
def truce(source: Scenario | str | Path, *, delta: float | None = None,
          noise_implementation: float | None = None, noise_perception: float | None = None,
          strategies: Sequence[str] | None = None, punishment: str | None = None,
          breach: str | None = None, runs: int = 20_000, seed: int = 0,
          all_pairs: bool = False) -> Report:
    """Truce stability, as ``tradesim truce`` (same options, same numbers)."""
    from sim.analyses import truce as tr
    from sim.render.truce import render_table

    sc = _scenario(source)
    game = build_game(sc)
    s = tr.settings(sc, game, delta=delta, noise_implementation=noise_implementation,
                    noise_perception=noise_perception, strategies=strategies,
                    punishment=punishment, breach=breach)
    import numpy as np

    data = tr.analyse(sc, game, s, runs=runs, seed=np.random.SeedSequence(seed),
                      all_pairs=all_pairs)
    return Report("truce", data, render_table(data))


@pythonic()
def bargain(source: Scenario | str | Path, *, disagreement: str | None = None,
            delta: Sequence[str] | None = None, first: str | None = None,
            tie_rule: str = "favour-other") -> Report:
    """Bargaining, linkage and move order, as ``tradesim bargain``."""
    from sim.analyses import bargain as bg
    from sim.render.bargain import render_table

    sc = _scenario(source)
    game = build_game(sc)
    s = bg.settings(sc, game, disagreement=disagreement, delta=delta, first=first,
                    tie_rule=tie_rule)
    data = bg.analyse(sc, game, s)
    return Report("bargain", data, render_table(data))


@pythonic()
def sweep(source: Scenario | str | Path, vary: Sequence[str], *, seed: int = 0,
          runs: int = 1000, strategies: str = "grim", tol: float | None = None,
          workers: int | None = 1) -> Report:
    """Sensitivity sweep and tipping points, as ``tradesim sweep`` (``vary`` holds the
    ``NAME=LO:HI:N`` specs; one local process unless ``workers`` says otherwise)."""
    from sim.analyses import sweep as sw
    from sim.render.sweep import render_table

    p = sw.plan(_scenario(source), list(vary), seed=seed, workers=workers, runs=runs,
                strategies=strategies, tol=tol)
    data = sw.run_sweep(p)
    return Report("sweep", data, render_table(data))


@pythonic()
def compare(sources: Sequence[Scenario | str | Path], *, runs: int = 5000,
            strategies: str = "grim", seed: int = 0) -> Report:
    """Several scenarios side by side, as ``tradesim compare`` (same seeds, same numbers)."""
    from sim import parallel
    from sim.analyses import compare as cp
    from sim.render.compare import render_table

    scenarios = [_scenario(s) for s in sources]
    seeds = parallel.task_seeds(seed, len(scenarios))
    rows = [cp.compare_one(sc, runs=runs, strategies=strategies, seed=ss)
            for sc, ss in zip(scenarios, seeds, strict=True)]
    public = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    data = {"seed": seed, "runs": runs, "strategies": strategies, "scenarios": public}
    return Report("compare", data, render_table(rows))
