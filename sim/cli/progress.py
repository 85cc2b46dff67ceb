"""A progress bar on standard error for long equilibrium enumerations (``tradesim solve``)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from sim.solvers.enumeration import Progress
from sim.terminal import raw_stream

DELAY = 1.0
"""Seconds of enumeration before the bar appears (short runs print nothing)."""

WIDTH = 30


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_line(p: Progress) -> str:
    """``[######....] 12/48 parts  1,234,567 bases  17 equilibria  0:42, about 1:10 left``."""
    filled = WIDTH * p.done // max(p.total, 1)
    left = "estimating" if p.remaining is None else f"about {_clock(p.remaining)} left"
    return (f"[{'#' * filled}{'.' * (WIDTH - filled)}] {p.done}/{p.total} parts  "
            f"{p.bases:,} bases  {p.equilibria} equilibria  {_clock(p.elapsed)}, {left}")


def progress_bar(stream: TextIO | None = None) -> Callable[[Progress], None] | None:
    """A callback drawing :func:`progress_line` in place on ``stream`` (standard error).

    ``None`` when the stream is not a terminal, so logs and pipes stay clean.
    """
    out = raw_stream(sys.stderr) if stream is None else stream  # "\r" is ours
    if not out.isatty():
        return None
    shown = [False]

    def draw(p: Progress) -> None:
        if p.elapsed < DELAY and not shown[0]:
            return
        shown[0] = True
        end = "\n" if p.done >= p.total else ""
        out.write("\r" + progress_line(p) + end)
        out.flush()
    return draw
