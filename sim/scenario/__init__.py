"""Scenario files: the only package that knows the file format.

:mod:`~sim.scenario.model` (the validated scenario and its typed specs),
:mod:`~sim.scenario.load` (read a file), :mod:`~sim.scenario.validate`,
:mod:`~sim.scenario.sections` and :mod:`~sim.scenario.checks` (one error per problem, with
file, key and line from :mod:`~sim.scenario.lines`), :mod:`~sim.scenario.formula` (the safe
payoff-formula evaluator) and :mod:`~sim.scenario.build` (scenario -> :class:`~sim.game.Game`).
The names most callers need are here.
"""

from sim.scenario.lines import find_line
from sim.scenario.load import load_scenario, loads_scenario, parse_scenario, read_text
from sim.scenario.model import (
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
    formula_inputs,
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
    "loads_scenario",
    "parse_scenario",
    "read_text",
]
