"""``python -m sim.cli``: the same as the ``tradesim`` command."""

from sim.cli.app import main

main()
