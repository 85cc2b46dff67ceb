"""A class game's settings as the teacher chose them, and how seats are paired and treated.

Every value is checked here before it is stored (:func:`settings`), and pairing is seeded
(:func:`pair_up`), so the same seats and seed give the same pairs and treatments.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.errors import InputError

ACTIVITIES = ("truce", "oneshot", "bargain")
PARTNERS = ("pairs", "robot")
MAX_ROUNDS = 200
MAX_SECONDS = 24 * 3600


class NotFound(InputError):
    """An unknown code, link or token (HTTP 404)."""


class Gone(InputError):
    """The class game has expired (HTTP 410)."""


class Conflict(InputError):
    """A valid request that the game's state refuses (HTTP 409)."""


class MoveError(InputError):
    """A move, offer or setting that is refused (the message says what was expected)."""


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """A class game's settings, as the teacher chose them (validated by :func:`settings`)."""

    activity: str = "truce"
    partner: str = "pairs"
    robot: str = "tft"
    max_rounds: int = 20
    round_seconds: int = 60
    bargain_seconds: int = 300
    continuation: float | None = None
    noise_perception: float | None = None
    noise_implementation: float = 0.0
    treat_noise: bool = True
    treat_linkage: bool = True
    show_moves: bool = True
    seed: int = 0
    expire_hours: float = 12.0

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def settings(raw: Mapping[str, Any]) -> Settings:
    """Validate a settings mapping (JSON from the teacher's form): every key known, every
    value of its type and range; a :class:`MoveError` names the first problem."""
    if not isinstance(raw, Mapping):
        msg = "settings: expected an object"
        raise MoveError(msg)
    known = Settings.__dataclass_fields__
    for key in raw:
        if key not in known:
            msg = f"settings: unknown key '{key}'; expected some of: {', '.join(known)}"
            raise MoveError(msg)
    out: dict[str, Any] = {}
    for key, value in raw.items():
        out[key] = _setting(key, value)
    s = Settings(**out)
    from sim.solvers.strategies import make_strategy

    make_strategy(s.robot)  # one-line InputError on an unknown strategy
    return s


def _setting(key: str, value: Any) -> Any:
    choices = {"activity": ACTIVITIES, "partner": PARTNERS}
    if key in choices:
        if value not in choices[key]:
            msg = f"settings.{key}: expected one of {', '.join(choices[key])}, got {value!r}"
            raise MoveError(msg)
        return value
    if key == "robot":
        if not isinstance(value, str) or not 0 < len(value) <= 40:
            msg = "settings.robot: expected a strategy name such as tft, grim or gtft:0.2"
            raise MoveError(msg)
        return value
    if key in {"treat_noise", "treat_linkage", "show_moves"}:
        if not isinstance(value, bool):
            msg = f"settings.{key}: expected true or false, got {value!r}"
            raise MoveError(msg)
        return value
    ranges = {"max_rounds": (1, MAX_ROUNDS), "round_seconds": (0, MAX_SECONDS),
              "bargain_seconds": (10, MAX_SECONDS), "seed": (0, 2**63 - 1)}
    if key in ranges:
        lo, hi = ranges[key]
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            msg = f"settings.{key}: expected a whole number from {lo} to {hi}, got {value!r}"
            raise MoveError(msg)
        return value
    if key == "continuation" and value is not None and not _number_in(value, 0.0, 0.999):
        msg = f"settings.continuation: expected a probability from 0 to 0.999, got {value!r}"
        raise MoveError(msg)
    if key in {"noise_perception", "noise_implementation"} and value is not None and \
            not _number_in(value, 0.0, 0.5):
        msg = f"settings.{key}: expected a probability from 0 to 0.5, got {value!r}"
        raise MoveError(msg)
    if key == "expire_hours" and not _number_in(value, 0.01, 24 * 30):
        msg = f"settings.expire_hours: expected hours from 0.01 to 720, got {value!r}"
        raise MoveError(msg)
    return None if value is None else float(value)


def _number_in(value: Any, lo: float, hi: float) -> bool:
    return (not isinstance(value, bool) and isinstance(value, int | float)
            and math.isfinite(value) and lo <= value <= hi)


# --------------------------------------------------------------------------- the game


@dataclass(frozen=True)
class Pair:
    """Two seats (``None`` where a robot plays) and the pair's treatments."""

    id: int
    seats: tuple[int | None, int | None]
    noise: bool
    linked: bool
    first_round: int = 1

    @property
    def robot_side(self) -> int | None:
        return next((i for i in (0, 1) if self.seats[i] is None), None)


# --------------------------------------------------------------------------- pairing


def pair_up(seats: Sequence[int], s: Settings, *, start_id: int = 1,
            first_round: int = 1) -> list[Pair]:
    """Shuffle the seats (seeded) into pairs; an odd seat, or every seat when the partner is
    a robot, plays a robot. Treatments alternate over the shuffled pairs so that noise and
    linkage are balanced and independent (a 2 x 2 design when both are on)."""
    rng = np.random.default_rng([s.seed, 0, 0, 3])
    order = [seats[k] for k in rng.permutation(len(seats))]
    groups: list[tuple[int | None, int | None]] = []
    if s.partner == "robot":
        groups = [((x, None) if k % 2 == 0 else (None, x)) for k, x in enumerate(order)]
    else:
        while len(order) >= 2:
            groups.append((order.pop(), order.pop()))
        if order:
            groups.append((order.pop(), None))
    return [treated(start_id + k, g, s, first_round) for k, g in enumerate(groups)]


def treated(pair_id: int, seats: tuple[int | None, int | None], s: Settings,
            first_round: int = 1) -> Pair:
    """Pair ``pair_id``'s treatments: noise for odd ids, a linked truce for ids 1 and 2 mod 4
    (each only when the teacher turned that treatment on; otherwise noise on, truce linked)."""
    k = pair_id - 1
    noise = (k % 2 == 0) if s.treat_noise else True
    linked = ((k // 2) % 2 == 0) if s.treat_linkage else True
    return Pair(id=pair_id, seats=seats, noise=noise, linked=linked, first_round=first_round)
