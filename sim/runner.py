"""`tradesim run`: every analysis of a scenario, as sections written to ``results/<name>/``.

Each analysis contributes a :class:`Section`: its JSON for ``results.json``, lines for
``summary.md``, a few lines for the console, and figures (callables drawing to a path).
:data:`SECTION_BUILDERS` lists them in order; an analysis that does not apply to a scenario
(e.g. no ``[truce]`` table) returns ``None``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim import __version__
from sim.game import Game
from sim.io import atomic_write_text, staged_directory
from sim.results import dumps
from sim.scenario import Scenario


@dataclass
class RunOptions:
    seed: int = 0
    method: str = "auto"
    exact: bool = False
    figures: bool = True
    command: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Section:
    key: str
    title: str
    data: dict[str, Any]
    summary: list[str]
    console: list[str]
    figures: dict[str, Callable[[Path], Path]] = field(default_factory=dict)


SectionBuilder = Callable[[Scenario, Game, RunOptions], Section | None]


def _builders() -> list[SectionBuilder]:
    from sim.commands.bargain import run_section as bargain_section
    from sim.commands.sweep import run_section as sensitivity_section
    from sim.commands.truce_report import run_section as truce_section
    from sim.report import core_section

    return [core_section, truce_section, bargain_section, sensitivity_section]


SECTION_BUILDERS: Callable[[], list[SectionBuilder]] = _builders


def scenario_hash(scenario: Scenario) -> str:
    return hashlib.sha256(scenario.text.encode("utf-8")).hexdigest()


def run_sections(scenario: Scenario, game: Game, options: RunOptions) -> list[Section]:
    sections = []
    for build in SECTION_BUILDERS():
        section = build(scenario, game, options)
        if section is not None:
            sections.append(section)
    return sections


def results_document(scenario: Scenario, sections: list[Section],
                     options: RunOptions) -> dict[str, Any]:
    doc: dict[str, Any] = {
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
    from sim.report import inputs_markdown

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
    with staged_directory(out_dir, marker="results.json",
                          known=("summary.md", "figures", "report.html")) as stage:
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
        from sim.html_report import report_html

        atomic_write_text(stage / "report.html", report_html(
            scenario, sections, figures_dir=stage / "figures" if options.figures else None,
            seed=options.seed, command=options.command, sha256=scenario_hash(scenario)))
    return out_dir
