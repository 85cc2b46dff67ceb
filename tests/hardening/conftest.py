"""Fixtures shared by the hardening suites."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

HANG_SECONDS = 120
"""A case that takes longer has hung: the inputs it guards took minutes to hours before."""


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail a case that runs longer than :data:`HANG_SECONDS` instead of stalling the suite.

    Not a speed test (those live in ``benchmarks/``): the inputs guarded this way took
    minutes or hours before their fix and take seconds after it."""

    def hung(signum: int, frame: object) -> None:
        msg = f"hung for {HANG_SECONDS} s"
        raise TimeoutError(msg)

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
