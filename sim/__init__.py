"""tradesim: a game-theoretic negotiation simulator.

The Python API (see ``docs/reference/python-api.md``), imported lazily so that
``import sim`` stays fast::

    import sim
    s = sim.load("london-2025")   # a bundled scenario by name, or any scenario file
    r = sim.solve(s)          # Equilibria: prints as a table, renders in Jupyter
    t = sim.truce(s)          # the truce report of `tradesim truce`
    b = sim.bargain(s)        # the bargaining report of `tradesim bargain`
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "load": "sim.api",
    "load_scenario": "sim.api",
    "bundled_scenarios": "sim.api",
    "load_game": "sim.api",
    "build_game": "sim.api",
    "solve": "sim.api",
    "analyse": "sim.api",
    "truce": "sim.api",
    "bargain": "sim.api",
    "sweep": "sim.api",
    "compare": "sim.api",
    "Equilibria": "sim.api",
    "Analysis": "sim.api",
    "Report": "sim.api",
    "Scenario": "sim.scenario",
    "Game": "sim.game",
    "from_arrays": "sim.game",
    "TradesimError": "sim.errors",
}

__all__ = ["__version__", *_LAZY.keys()]  # noqa: PLE0604


def __getattr__(name: str) -> Any:
    """Import the API on first use (PEP 562)."""
    if name not in _LAZY:
        msg = f"module 'sim' has no attribute '{name}'"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
