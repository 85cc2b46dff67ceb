r"""Strategies for the repeated truce game, each vectorised over many independent runs.

Each period a side either **complies** with the truce (plays its truce levels) or
**breaches** it (plays its breach levels: see :mod:`sim.solvers.truce`). A strategy sees
its *own* move as actually played (it knows when its own implementation failed) and the
*other* side's move as it perceived it (perception noise may turn a compliant move into a
seen breach). Moves are boolean arrays over runs: ``True`` = comply.

Every strategy is a small frozen class with

* ``start(runs)``: its state at the start of the truce (a dict of arrays, one entry per run);
* ``intend(state, rng)``: the move it means to play this period (``rng`` is passed only to
  strategies whose classifier says ``stochastic``);
* ``update(state, own, seen)``: the state after a period in which it played ``own`` and saw
  ``seen``.

and a ``classifier`` like the Axelrod library's (``stochastic``, ``memory_depth``: how many
past periods the move can depend on, ``inf`` when unbounded), which the simulator uses:
only stochastic strategies get a random stream, and memory-0 strategies are never updated.

References
----------
Axelrod, R. (1984). *The Evolution of Cooperation*. Basic Books (tit-for-tat, grim trigger).
Nowak, M. & Sigmund, K. (1992). Tit for tat in heterogeneous populations. *Nature* 355,
250-253 (generous tit-for-tat). Nowak, M. & Sigmund, K. (1993). A strategy of win-stay,
lose-shift that outperforms tit-for-tat. *Nature* 364, 56-58. Sugden, R. (1986). *The
Economics of Rights, Co-operation and Welfare*; Boyd, R. (1989). Mistakes allow evolutionary
stability in the repeated prisoner's dilemma game. *J. Theor. Biol.* 136, 47-56 (contrite
tit-for-tat). Knight, V. et al. (2016). An open framework for the reproducible study of the
iterated prisoner's dilemma. *J. Open Research Software* 4(1) (the Axelrod library's
classifiers).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from sim.errors import InputError

BoolArray = np.ndarray
State = dict[str, np.ndarray]


class Strategy:
    """Base class: a strategy that always complies. Subclasses override what differs."""

    name: ClassVar[str] = "comply"
    classifier: ClassVar[dict[str, Any]] = {"stochastic": False, "memory_depth": 0}

    @property
    def label(self) -> str:
        """The name as written on the command line, with its parameter if it has one."""
        return self.name

    def start(self, runs: int) -> State:
        return {}

    def intend(self, state: State, rng: np.random.Generator | None) -> BoolArray:
        raise NotImplementedError

    def update(self, state: State, own: BoolArray, seen: BoolArray) -> None:
        return None

    def for_game(self, own: np.ndarray) -> Strategy:
        """This strategy with any game-dependent default filled in from the side's own
        2x2 payoffs ``own[my move, other's move]`` (index 0 = comply, 1 = breach)."""
        return self


@dataclass(frozen=True)
class AlwaysComply(Strategy):
    """Complies every period, whatever happens (Axelrod's *Cooperator*)."""

    name: ClassVar[str] = "comply"
    classifier: ClassVar[dict[str, Any]] = {"stochastic": False, "memory_depth": 0}

    def start(self, runs: int) -> State:
        return {"move": np.ones(runs, dtype=bool)}

    def intend(self, state: State, rng: np.random.Generator | None) -> BoolArray:
        return state["move"]


@dataclass(frozen=True)
class AlwaysBreach(Strategy):
    """Breaches every period (Axelrod's *Defector*)."""

    name: ClassVar[str] = "breach"
    classifier: ClassVar[dict[str, Any]] = {"stochastic": False, "memory_depth": 0}

    def start(self, runs: int) -> State:
        return {"move": np.zeros(runs, dtype=bool)}

    def intend(self, state: State, rng: np.random.Generator | None) -> BoolArray:
        return state["move"]


@dataclass(frozen=True)
class GrimTrigger(Strategy):
    """Complies until it first sees a breach, then breaches for ever (Friedman, 1971)."""

    name: ClassVar[str] = "grim"
    classifier: ClassVar[dict[str, Any]] = {"stochastic": False, "memory_depth": math.inf}

    def start(self, runs: int) -> State:
        return {"ok": np.ones(runs, dtype=bool)}

    def intend(self, state: State, rng: np.random.Generator | None) -> BoolArray:
        return state["ok"]

    def update(self, state: State, own: BoolArray, seen: BoolArray) -> None:
        state["ok"] &= seen


@dataclass(frozen=True)
class TitForTat(Strategy):
    """Complies first, then does what it saw the other side do last period (Axelrod, 1984)."""

    name: ClassVar[str] = "tft"
    classifier: ClassVar[dict[str, Any]] = {"stochastic": False, "memory_depth": 1}

    def start(self, runs: int) -> State:
        return {"seen": np.ones(runs, dtype=bool)}

    def intend(self, state: State, rng: np.random.Generator | None) -> BoolArray:
        return state["seen"]

    def update(self, state: State, own: BoolArray, seen: BoolArray) -> None:
        state["seen"] = seen


@dataclass(frozen=True)
class GenerousTitForTat(Strategy):
    r"""Tit-for-tat that forgives a seen breach with probability ``forgiveness``.

    ``forgiveness = None`` takes Nowak & Sigmund's (1992) value for the side's own payoffs,
    :math:`g = \min(1 - (T-R)/(R-S),\ (R-P)/(T-P))`, clipped to [0, 1] (see
    :func:`nowak_sigmund_generosity`); the simulator resolves it from the truce game.
    """

    forgiveness: float | None = None
    name: ClassVar[str] = "gtft"
    classifier: ClassVar[dict[str, Any]] = {"stochastic": True, "memory_depth": 1}

    def __post_init__(self) -> None:
        if self.forgiveness is not None and not 0.0 <= self.forgiveness <= 1.0:
            msg = f"gtft forgiveness must lie in [0, 1], got {self.forgiveness:g}"
            raise InputError(msg)

    @property
    def label(self) -> str:
        return self.name if self.forgiveness is None else f"{self.name}:{self.forgiveness:.3g}"

    def for_game(self, own: np.ndarray) -> Strategy:
        if self.forgiveness is not None:
            return self
        (r, s), (t, p) = np.asarray(own, dtype=float)
        return GenerousTitForTat(nowak_sigmund_generosity(r, s, t, p))

    def start(self, runs: int) -> State:
        return {"seen": np.ones(runs, dtype=bool)}

    def intend(self, state: State, rng: np.random.Generator | None) -> BoolArray:
        g = 0.1 if self.forgiveness is None else self.forgiveness
        seen = state["seen"]
        if rng is None or g == 0.0:
            return seen
        breached = np.flatnonzero(~seen)  # draw only where there is something to forgive
        out = seen.copy()
        out[breached[rng.random(breached.shape[0], dtype=np.float32) < g]] = True
        return out

    def update(self, state: State, own: BoolArray, seen: BoolArray) -> None:
        state["seen"] = seen


@dataclass(frozen=True)
class WinStayLoseShift(Strategy):
    """Pavlov: complies iff its own last move matched the other side's seen last move.

    It keeps its move after a "win" (the other complied) and switches after a "loss" (the
    other breached), which for two actions is the same rule (Nowak & Sigmund, 1993).
    """

    name: ClassVar[str] = "wsls"
    classifier: ClassVar[dict[str, Any]] = {"stochastic": False, "memory_depth": 1}

    def start(self, runs: int) -> State:
        return {"move": np.ones(runs, dtype=bool)}

    def intend(self, state: State, rng: np.random.Generator | None) -> BoolArray:
        return state["move"]

    def update(self, state: State, own: BoolArray, seen: BoolArray) -> None:
        state["move"] = own == seen


MAX_PUNISHMENT = 1_000_000_000
"""Longest punishment of ``limited:K`` in periods (counted in 32-bit integers)."""


@dataclass(frozen=True)
class LimitedPunishment(Strategy):
    """Complies; after seeing a breach, breaches for ``k`` periods, then complies again.

    Breaches seen while it is punishing are ignored (the punishment is not extended); this is
    the ``k``-period punishment of :func:`sim.solvers.repeated.critical_discount_k`.
    """

    k: int = 3
    name: ClassVar[str] = "limited"
    classifier: ClassVar[dict[str, Any]] = {"stochastic": False, "memory_depth": math.inf}

    def __post_init__(self) -> None:
        if isinstance(self.k, bool) or not isinstance(self.k, int) or not (
                1 <= self.k <= MAX_PUNISHMENT):
            shown = repr(self.k) if len(repr(self.k)) <= 30 else repr(self.k)[:27] + "..."
            msg = (f"limited punishment needs a whole number of periods from 1 to "
                   f"{MAX_PUNISHMENT:,}, got {shown}")
            raise InputError(msg)

    @property
    def label(self) -> str:
        return f"{self.name}:{self.k}"

    def start(self, runs: int) -> State:
        return {"left": np.zeros(runs, dtype=np.int32)}  # punishment periods still to come

    def intend(self, state: State, rng: np.random.Generator | None) -> BoolArray:
        return state["left"] == 0

    def update(self, state: State, own: BoolArray, seen: BoolArray) -> None:
        left = state["left"]
        idle = left == 0
        left -= ~idle  # one punishment period served
        left += (idle & ~seen) * np.int32(self.k)  # a breach seen while not punishing


@dataclass(frozen=True)
class ContriteTitForTat(Strategy):
    """Tit-for-tat by *standing*, which accepts punishment for its own mistakes.

    Each side is in good or bad standing (both start good). After a period a side is in good
    standing iff it complied, or it breached while the other was in bad standing (a justified
    punishment). Contrite TFT breaches only when it is in good standing and the other is
    not. So after its own accidental breach it complies while being punished, and after the
    other's breach it punishes once (Sugden, 1986; Boyd, 1989; Wu & Axelrod, 1995).
    """

    name: ClassVar[str] = "ctft"
    classifier: ClassVar[dict[str, Any]] = {"stochastic": False, "memory_depth": math.inf}

    def start(self, runs: int) -> State:
        return {"mine": np.ones(runs, dtype=bool), "theirs": np.ones(runs, dtype=bool)}

    def intend(self, state: State, rng: np.random.Generator | None) -> BoolArray:
        return ~(state["mine"] & ~state["theirs"])

    def update(self, state: State, own: BoolArray, seen: BoolArray) -> None:
        mine, theirs = state["mine"], state["theirs"]
        state["mine"], state["theirs"] = own | ~theirs, seen | ~mine


# --------------------------------------------------------------------------- the library


@dataclass(frozen=True)
class Entry:
    """How a library name builds its strategy; ``param`` parses the text after ':'."""

    make: Callable[..., Strategy]
    param: Callable[[str], Any] | None = None
    about: str = ""
    aliases: tuple[str, ...] = field(default=())


LIBRARY: dict[str, Entry] = {
    "comply": Entry(AlwaysComply, about="always comply", aliases=("always-comply",)),
    "breach": Entry(AlwaysBreach, about="always breach", aliases=("always-breach",)),
    "grim": Entry(GrimTrigger, about="grim trigger", aliases=("grim-trigger",)),
    "tft": Entry(TitForTat, about="tit-for-tat", aliases=("tit-for-tat",)),
    "gtft": Entry(GenerousTitForTat, float, "generous tit-for-tat (gtft:FORGIVENESS)",
                  ("generous-tft",)),
    "wsls": Entry(WinStayLoseShift, about="win-stay, lose-shift", aliases=("pavlov",)),
    "limited": Entry(LimitedPunishment, int, "limited punishment (limited:K periods)",
                     ("limited-punishment",)),
    "ctft": Entry(ContriteTitForTat, about="contrite tit-for-tat", aliases=("contrite-tft",)),
}
"""Every strategy by name. ``gtft`` and ``limited`` take a parameter after a colon."""

_ALIASES = {alias: name for name, e in LIBRARY.items() for alias in e.aliases}


def make_strategy(spec: str, *, default_k: int = 3) -> Strategy:
    """A strategy from its name, e.g. ``"tft"``, ``"gtft:0.2"``, ``"limited:4"``.

    ``limited`` without a parameter punishes for ``default_k`` periods.

    Parameters
    ----------
    spec : str
        A name of the library, with its parameter after a colon where it takes one.
    default_k : int
        Punishment length of ``limited`` without a parameter.

    Returns
    -------
    Strategy

    Raises
    ------
    InputError
        An unknown name or a parameter out of range.
    """
    text = spec.strip().lower()
    name, _, arg = text.partition(":")
    name = _ALIASES.get(name, name)
    if name not in LIBRARY:
        msg = (f"unknown strategy '{spec}'; expected one of: {', '.join(LIBRARY)} "
               "(gtft and limited take a parameter, e.g. gtft:0.2, limited:4)")
        raise InputError(msg)
    entry = LIBRARY[name]
    if not arg:
        return LimitedPunishment(default_k) if name == "limited" else entry.make()
    if entry.param is None:
        msg = f"strategy '{name}' takes no parameter, got '{spec}'"
        raise InputError(msg)
    try:
        value = entry.param(arg)
    except ValueError:
        kind = "a whole number" if entry.param is int else "a number"
        msg = f"strategy '{spec[:40]}': expected {kind} after ':', got '{arg[:30]}'"
        raise InputError(msg) from None
    return entry.make(value)


def parse_pair(spec: str, *, default_k: int = 3) -> tuple[Strategy, Strategy]:
    """``"tft"`` (both sides play it) or ``"grim/tft"`` (first player / second player).

    Parameters
    ----------
    spec : str
    default_k : int
        As in :func:`make_strategy`.

    Returns
    -------
    pair of Strategy
    """
    parts = spec.split("/")
    if len(parts) > 2 or not all(p.strip() for p in parts):
        msg = f"strategy pair '{spec}': expected NAME or NAME/NAME"
        raise InputError(msg)
    first = make_strategy(parts[0], default_k=default_k)
    second = make_strategy(parts[-1], default_k=default_k)
    return first, second


def nowak_sigmund_generosity(reward: float, sucker: float, temptation: float,
                             punishment: float) -> float:
    r""":math:`g = \min(1 - (T-R)/(R-S),\ (R-P)/(T-P))`, clipped to [0, 1].

    The largest forgiveness with which generous TFT still cannot be invaded by always-breach
    (Nowak & Sigmund, 1992). For T=5, R=3, P=1, S=0 it is 1/3. Games that are not prisoner's
    dilemmas (no :math:`T > R > P`, :math:`R > S`) get 0.1.

    Parameters
    ----------
    reward, sucker, temptation, punishment : float
        :math:`R`, :math:`S`, :math:`T` and :math:`P`.

    Returns
    -------
    float
    """
    r, s, t, p = reward, sucker, temptation, punishment
    if not (t > r > p and r > s):
        return 0.1
    return float(np.clip(min(1 - (t - r) / (r - s), (r - p) / (t - p)), 0.0, 1.0))
