"""``tradesim serve``: a browser classroom for a scenario's truce, one-shot game and bargaining.

Layout (each module one concern; only :mod:`sim.cli` imports typer):

* :mod:`sim.serve.engine`: the class game's rules on the scenario's game, without storage or
  HTTP: moves by lever, what a partner sees, robots from :mod:`sim.solvers.strategies`,
  payoffs, bargaining offers. Every random draw comes from the game's seed.
* :mod:`sim.serve.store`: the state in SQLite (write-ahead log), so a restart loses nothing.
* :mod:`sim.serve.theory`: the predictions the dashboard sets against the class's play.
* :mod:`sim.serve.figures`: dashboard and debrief figures (matplotlib; PNG and PDF).
* :mod:`sim.serve.app`: the Starlette application (pages, JSON API, exports).
* :mod:`sim.serve.server`: start uvicorn, print the join address and a QR code.

The server's libraries (Starlette, uvicorn, Jinja2, segno) are the optional extra ``serve``;
:func:`missing` names the first one absent.
"""

from __future__ import annotations

import importlib.util

REQUIRED = ("starlette", "uvicorn", "jinja2", "segno")
INSTALL_HINT = "pip install 'tradesim[serve]'"


def missing() -> str | None:
    """The first server library that is not installed, or ``None``."""
    for name in REQUIRED:
        if importlib.util.find_spec(name) is None:
            return name
    return None
