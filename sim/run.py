"""`tradesim run`: every analysis of a scenario, as sections written to ``results/<name>/``.

Each analysis contributes a :class:`Section`: its JSON for ``results.json``, lines for
``summary.md``, a few lines for the console, and figures (callables drawing to a path).
:data:`SECTION_BUILDERS` lists them in order (the core game, truce, bargaining,
sensitivity); an analysis that does not apply to a scenario (e.g. no ``[truce]`` table)
returns ``None``. This module knows the analyses; they do not know it.

Random streams (the one place that says how a run's seed is used): the run's seed is the
root ``numpy.random.SeedSequence(seed)``; it spawns one child per entry of
:data:`SECTION_BUILDERS`, by position, whether or not the section draws or applies:

====  ===========  ===================================================================
key   section      how the child is used
====  ===========  ===================================================================
(0,)  game         (draws nothing)
(1,)  truce        child ``i`` of it simulates strategy pair ``i``
(2,)  bargaining   (draws nothing)
(3,)  sensitivity  child 0: the tornado's common seed; child 1: the Latin hypercube
                   (its child 0 places the samples, child 1's child ``i`` is sample ``i``);
                   child 2: Morris and Sobol' (``run --global-sensitivity``)
====  ===========  ===================================================================

So no two sections share a stream, and adding a section at the end changes no other.
results.json records each section's ``seed`` and ``stream`` (the spawn key).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim import __version__
from sim.analyses import settings as resolve
from sim.errors import InputError, SolverError, TradesimError
from sim.formats.json import dumps
from sim.game import Game
from sim.io import atomic_write_bytes, atomic_write_text
from sim.limits import Limits
from sim.scenario import Scenario
from sim.solvers.sampling import spawn
from sim.staging import staged_directory

Progress = Callable[[str, int, int], None]
"""``update(stage, done, total)``: reports how far a long section is."""


@dataclass
class RunOptions:
    seed: int = 0
    method: str = "auto"
    exact: bool = False
    figures: bool = True
    command: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    progress_bar: Callable[[], tuple[Any, Progress | None]] = lambda: (None, None)
    """Returns ``(context manager or None, update)``; the command line passes a terminal bar."""


@dataclass
class Section:
    key: str
    title: str
    data: Any  # the analysis' typed result (a frozen dataclass), written by formats.json
    summary: list[str]
    console: list[str]
    figures: dict[str, Callable[[Path], Path]] = field(default_factory=dict)


RESULTS_SCHEMA = 1
"""Version of results.json's layout (docs/reference/results-json.md): up by one when a key is
renamed or removed or a value changes meaning."""

SectionBuilder = Callable[[Scenario, Game, RunOptions, np.random.SeedSequence], Section | None]
"""``build(scenario, game, options, seed)``: a section, or ``None`` when it does not apply."""


def _builders() -> list[SectionBuilder]:
    return [core_section, truce_section, bargain_section, sensitivity_section]


def core_section(scenario: Scenario, game: Game, options: RunOptions,
                 seed: np.random.SeedSequence) -> Section:
    """The game section: equilibria, dominance, Pareto optimality, named profiles."""
    from dataclasses import replace

    from sim.analyses.core import analyse, game_report
    from sim.render.text import core_console, core_summary
    from sim.scenario.formula_exact import exact_inputs, with_note

    exact_payoffs, note = exact_inputs(scenario) if options.exact else (None, "")
    a = analyse(game, method=options.method, exact=options.exact, exact_payoffs=exact_payoffs)
    a = replace(a, equilibria=with_note(a.equilibria, note))
    named = resolve.named_indices(scenario, game)
    figures = {}
    if game.payoffs.shape[0] == 2:
        from sim.plots import core as plots

        figures = {
            "payoff_heatmap.png": lambda path: plots.payoff_heatmap(
                a, path, title=scenario.title, unit=scenario.payoff_unit),
            "payoff_space.png": lambda path: plots.payoff_space(
                a, path, named, title=scenario.title, unit=scenario.payoff_unit),
        }
    return Section(key="game", title="Equilibria, dominance and Pareto optimality",
                   data=game_report(a, named), summary=core_summary(scenario, a, named),
                   console=core_console(a, named), figures=figures)


def truce_section(scenario: Scenario, game: Game, options: RunOptions,
                  seed: np.random.SeedSequence) -> Section | None:
    """The truce section of ``tradesim run`` (``None`` for a scenario without ``[truce]``)."""
    if scenario.truce is None or len(game.players) != 2:
        return None
    from sim.analyses import truce as tr
    from sim.render import truce as tr_text

    try:
        s = tr.settings(scenario, game,
                        strategies=scenario.truce.strategies or tr.RUN_STRATEGIES)
        report = tr.analyse(scenario, game, s, runs=tr.DEFAULT_RUNS, seed=seed,
                            max_run_periods=options.limits.max_run_periods)
    except (InputError, SolverError) as exc:  # the rest of the run still stands
        note = f"truce analysis not possible: {exc}"
        return Section(key="truce", title="Truce stability", data={"error": str(exc)},
                       summary=[note[0].upper() + note[1:] + "."], console=[note])

    def drawer(name: str) -> Callable[[Path], Path]:
        def draw(path: Path) -> Path:
            from sim.plots.truce import FIGURES

            return atomic_write_bytes(path, FIGURES[name]({**report, "title": scenario.title}))
        return draw

    from sim.plots.truce import FIGURES

    return Section(key="truce", title="Truce stability", data=report,
                   summary=tr_text.summary_lines(scenario, report),
                   console=tr_text.console_lines(report),
                   figures={name: drawer(name) for name in FIGURES})


def bargain_section(scenario: Scenario, game: Game, options: RunOptions,
                    seed: np.random.SeedSequence) -> Section | None:
    """The bargaining section of ``tradesim run`` (``None`` unless the game has two players).

    A file that sets no disagreement point on a game without a pure equilibrium falls back to
    the minmax point (said in the section); any other problem becomes a one-line note in the
    section instead of stopping the run.
    """
    from dataclasses import replace

    from sim.analyses import bargain as bg
    from sim.render import bargain as bg_text

    if len(game.players) != 2:
        return None
    title = "Bargaining, linkage and move order"
    note = ""
    try:
        try:
            report = bg.analyse(scenario, game, bg.settings(scenario, game))
        except SolverError:
            if scenario.bargaining is not None and scenario.bargaining.disagreement:
                raise
            report = bg.analyse(scenario, game, bg.settings(scenario, game, disagreement="minmax"))
            note = ("The stage game has no pure equilibrium, so the disagreement point is the "
                    "minmax point.")
    except TradesimError as exc:
        return Section(key="bargaining", title=title, data={"error": str(exc)},
                       summary=[f"Not available: {exc}"],
                       console=[f"bargaining: not available ({exc})"])
    from sim.plots.bargain import figure_drawers

    console = bg_text.console_lines(report)
    if note:
        report = replace(report, note=note)
    summary = ([note, ""] if note else []) + bg_text.render_markdown(report)
    return Section(key="bargaining", title=title, data=report, summary=summary,
                   console=console, figures=figure_drawers(report, title=scenario.title,
                                                           unit=scenario.payoff_unit))


def sensitivity_section(scenario: Scenario, game: Game, options: RunOptions,
                        seed: np.random.SeedSequence) -> Section | None:
    """The sensitivity section of ``tradesim run`` (``None`` without assumptions)."""
    from sim.analyses import sensitivity as sv
    from sim.render import global_sensitivity as gm
    from sim.render import sweep as sw

    if not scenario.assumptions or len(game.players) != 2:
        return None
    # serial by default: three short jobs, each shorter than a process pool's start-up
    workers = options.extra.get("workers", 1)
    bar, update = options.progress_bar()  # a bar on a terminal: seconds on London
    if bar is not None:
        with bar:
            report = sv.sensitivity_report(scenario, seed=seed, workers=workers,
                                           progress=update, limits=options.limits)
    else:
        report = sv.sensitivity_report(scenario, seed=seed, workers=workers,
                                       limits=options.limits)
    glob = options.extra.get("global_sensitivity")
    if glob:
        report["global"] = _global(scenario, seed, glob, options)
    console = []
    short = sw.short_sets(report)
    for t in report["tipping_points"][:6]:
        console.append(f"tipping point: {sw.tipping_text(t, short)}")
    for s in report["robustness"]["shares"]:
        console.append(f"robustness: {s['statement']}: {s['share']:.0%} ± {s['se']:.0%}")
    figures = {}
    if options.figures:
        from sim.plots import sweep as ps

        panels = [{"outcome": key, "base": report["base"][key],
                   "bars": [{"name": b["name"], "low": b["low"], "high": b["high"],
                             "at_low": b["at_low"].get(key), "at_high": b["at_high"].get(key)}
                            for b in report["tornado"]]}
                  for key in sw.tornado_outcomes(report)]
        if panels:
            figures["tornado.png"] = lambda path: ps.tornado_chart(panels, path)
    return Section(key="sensitivity", title="Sensitivity: tornado, tipping points, robustness",
                   data=report, summary=sw.sensitivity_markdown(report) + gm.global_markdown(
                       report), console=console, figures=figures)


def _global(scenario: Scenario, seed: np.random.SeedSequence, sizes: dict[str, int],
            options: RunOptions) -> dict[str, Any]:
    """Morris and Sobol' (``run --global-sensitivity``) on child 2 of the section's seed, on
    every core: the points carry no randomness, so the worker count changes nothing."""
    from sim.analyses import global_sensitivity as gsa
    from sim.analyses.sensitivity import finite_or_none

    bar, update = options.progress_bar()
    kwargs = {"seed": spawn(seed, 3)[2], "trajectories": sizes["trajectories"],
              "samples": sizes["samples"], "workers": options.extra.get("global_workers"),
              "limits": options.limits}
    if bar is not None:
        with bar:
            g = gsa.global_sensitivity(scenario, progress=update, **kwargs)
    else:
        g = gsa.global_sensitivity(scenario, **kwargs)
    return finite_or_none(gsa.global_json(g))


SECTION_BUILDERS: Callable[[], list[SectionBuilder]] = _builders


def scenario_hash(scenario: Scenario) -> str:
    return hashlib.sha256(scenario.text.encode("utf-8")).hexdigest()


def run_sections(scenario: Scenario, game: Game, options: RunOptions) -> list[Section]:
    """Every section that applies, in order; section ``k`` gets child ``k`` of the seed.

    Parameters
    ----------
    scenario, game : the scenario and its game.
    options : the run's options (seed, method, figures, limits).

    Returns
    -------
    list of Section
    """
    builders = SECTION_BUILDERS()
    streams = spawn(np.random.SeedSequence(options.seed), len(builders))
    sections = []
    for build, seed in zip(builders, streams, strict=True):
        section = build(scenario, game, options, seed)
        if section is not None:
            sections.append(section)
    return sections


def results_document(scenario: Scenario, sections: list[Section],
                     options: RunOptions) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schema": RESULTS_SCHEMA,
        "tool": "tradesim",
        "version": __version__,
        "scenario": {"name": scenario.name, "title": scenario.title,
                     "sha256": scenario_hash(scenario)},
        "seed": options.seed,
        "command": options.command,
    }
    for s in sections:
        doc[s.key] = s.data
    return doc


def summary_document(scenario: Scenario, sections: list[Section]) -> str:
    from sim.render.text import inputs_markdown

    lines = [f"# {scenario.title}", ""]
    if scenario.description:
        lines += [scenario.description.strip(), ""]
    for s in sections:
        lines += [f"## {s.title}", "", *s.summary, ""]
    lines += inputs_markdown(scenario)
    return "\n".join(lines).rstrip() + "\n"


def write_results(scenario: Scenario, sections: list[Section], options: RunOptions,
                  out_dir: Path, *, progress: Callable[[str], None] | None = None) -> Path:
    """Write results.json, summary.md, figures and report.html into ``out_dir``, atomically
    as a whole."""
    with staged_directory(out_dir) as stage:
        atomic_write_text(stage / "results.json",
                          dumps(results_document(scenario, sections, options)))
        atomic_write_text(stage / "summary.md", summary_document(scenario, sections))
        if options.figures:
            figdir = stage / "figures"
            figdir.mkdir()
            for s in sections:
                for name, draw in s.figures.items():
                    if progress:
                        progress(f"drawing {name}")
                    draw(figdir / name)
        from sim.render.html import report_html

        atomic_write_text(stage / "report.html", report_html(
            scenario, sections, figures_dir=stage / "figures" if options.figures else None,
            seed=options.seed, command=options.command, sha256=scenario_hash(scenario)))
    return out_dir
