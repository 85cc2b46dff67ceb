"""Scenario files: the only package that knows the file format.

:mod:`sim.scenario.validate` reads, validates and cites a scenario file (the model classes
and the loader live there until they get modules of their own); :mod:`sim.scenario.build`
turns a scenario into a :class:`~sim.game.Game`. The names most callers need are here.
"""

from sim.scenario.validate import (
    BargainingSpec,
    Lever,
    Player,
    Profile,
    ProfileRef,
    Quantity,
    Ref,
    Scenario,
    Source,
    TruceSpec,
    find_line,
    formula_inputs,
    load_scenario,
    parse_scenario,
    read_text,
)

__all__ = [
    "BargainingSpec",
    "Lever",
    "Player",
    "Profile",
    "ProfileRef",
    "Quantity",
    "Ref",
    "Scenario",
    "Source",
    "TruceSpec",
    "find_line",
    "formula_inputs",
    "load_scenario",
    "parse_scenario",
    "read_text",
]
