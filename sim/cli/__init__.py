"""The `tradesim` command line: :mod:`sim.cli.app` (the typer app), :mod:`sim.cli.common`
(errors, exit codes, loading) and one module per command."""

from sim.cli.app import app, main

__all__ = ["app", "main"]
