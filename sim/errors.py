"""One exception hierarchy for the whole package.

The core raises these; only the command line (``sim/cli/common.py``) catches them, prints one
line and exits with the code of the error class (see ``docs/reference/exit-codes.md``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def some_names(names: Iterable[object], *, ordered: bool = True, most: int = 12) -> str:
    """Up to ``most`` of ``names``, comma-separated (sorted unless ``ordered``), and how many
    more: a message listing the known names stays short however many a file defines, so
    reporting thousands of errors takes time in proportion to their number."""
    shown = [str(n) for n in names] if ordered else sorted(str(n) for n in names)
    more = f", ... ({len(shown) - most:,} more)" if len(shown) > most else ""
    return ", ".join(shown[:most]) + more


def printable(text: str) -> str:
    """``text`` with every non-printable character (newline, bidi control, NUL) escaped.

    Messages quote names from users' files; escaping keeps each message on one line.
    """
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


class TradesimError(Exception):
    """Base class of every error the tool reports to a user."""

    exit_code = 2


class ScenarioError(TradesimError):
    """A problem in a scenario (or game) file: file, key path, line, what was expected."""

    exit_code = 2

    def __init__(
        self, path: Path | str | None, key: str, line: int | None, expected: str
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.key = key
        self.line = line
        self.expected = expected
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = str(self.path) if self.path is not None else "<scenario>"
        if self.line is not None:
            where += f":{self.line}"
        key = f" [{self.key}]" if self.key else ""
        return printable(f"{where}:{key} {self.expected}")


class ScenarioErrors(TradesimError):
    """Several problems found in one file; each is a :class:`ScenarioError`."""

    exit_code = 2

    def __init__(self, errors: list[ScenarioError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(e.one_line() for e in self.errors))


class FormulaError(TradesimError):
    """A payoff formula that is not allowed or cannot be evaluated."""

    exit_code = 2


class InputError(TradesimError):
    """Bad command-line input (an option out of range, an unknown name)."""

    exit_code = 2


class LimitError(TradesimError):
    """A documented size limit would be exceeded; the message says the size and the limit.

    ``limit`` names the limit (``"max_cells"``, ``"max_run_periods"``) when a caller can raise
    it; the command line then adds the option that does (the core knows no options).
    """

    exit_code = 3

    def __init__(self, message: str, *, limit: str | None = None) -> None:
        self.limit = limit
        super().__init__(message)


class SolverError(TradesimError):
    """A solver cannot handle this game (e.g. more than two players for a bimatrix method)."""

    exit_code = 2


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an exception at the command line's edge (``sim/cli/common.py``).

    A subclass of :class:`KeyboardInterrupt` so that every clean-up that runs on Ctrl-C
    (staged results directories, temporary files) also runs on ``kill``.
    """
