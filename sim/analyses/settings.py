r"""The one resolver of the settings the analyses share.

Every analysis that needs the truce's clock, a discount factor or a profile's index asks
here, so that ``truce``, ``bargain``, ``play``, ``sweep`` and ``run`` agree:

* :func:`truce_clock`: the ``[truce]`` table's length, period and per-period discount
  factor :math:`\delta` (given as ``discount``, or from ``annual_discount_rate`` and
  ``renewal_probability`` by :func:`sim.solvers.repeated.period_discount`), with the
  defaults of :func:`sim.solvers.repeated.truce_timing` (90-day truce, 7-day periods);
* :func:`discount`: :math:`\delta` from an option, else the file, else a fallback (or an
  error naming what to set);
* :func:`profile_index` and :func:`named_indices`: a profile (a name in ``[profiles]`` or an
  inline table) as its index in the game's payoff arrays;
* :func:`punishment`: the ``[truce]`` punishment (``"nash"``, ``"minmax"`` or a profile's
  index) that the grim-trigger thresholds use.

One shared setting is not here because it is decided before any analysis runs: the number
of values a continuous lever is discretised into (``--grid``) shapes the game itself, so it
is an argument of :func:`sim.scenario.load_scenario` resolved by
:func:`sim.scenario.levers.grid_points`, and the scenario keeps it (``Scenario.grid``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sim.errors import InputError
from sim.game import Game
from sim.scenario import ProfileRef, Scenario
from sim.solvers import repeated as rp

Index = tuple[int, int]


@dataclass(frozen=True)
class TruceClock:
    """A truce's timing resolved to numbers.

    Attributes
    ----------
    length_days, period_days : the truce's length and the length of one period.
    delta : the per-period discount factor, ``None`` when the file sets none.
    source : which setting gave ``delta`` (``"truce.discount"``, ``"none"``, ...).
    """

    length_days: float
    period_days: float
    delta: float | None
    source: str

    @property
    def periods(self) -> int:
        """Whole periods covering the truce (rounded up)."""
        return rp.periods_in(self.length_days, self.period_days)


def truce_clock(scenario: Scenario, overrides: Mapping[str, float] | None = None) -> TruceClock:
    """The truce's length, period and discount factor (defaults where the file is silent).

    Parameters
    ----------
    scenario : the scenario; without ``[truce]`` every default applies.
    overrides : values replacing facts or assumptions, by name.

    Returns
    -------
    TruceClock
    """
    t = rp.truce_timing(scenario.truce_numbers(overrides))
    return TruceClock(t.length_days, t.period_days, t.delta, t.source)


def discount(clock: TruceClock, *, given: float | None = None, option: str = "--delta",
             fallback: float | None = None, where: str = "") -> tuple[float, str]:
    """The per-period discount factor and where it came from.

    Parameters
    ----------
    clock : the truce's clock (:func:`truce_clock`).
    given : a value from the command line or a caller, which wins.
    option : the option's name, for messages and the source.
    fallback : used when neither ``given`` nor the file sets one; ``None``: an error.
    where : the file or scenario, for the error message.

    Returns
    -------
    (delta, source)

    Raises
    ------
    InputError
        Nothing sets a discount factor and there is no fallback.
    """
    if given is not None:
        return rp.check_delta(given, option), option
    if clock.delta is not None:
        return clock.delta, clock.source
    if fallback is not None:
        return fallback, f"default {fallback:g}"
    msg = (f"{where}: [truce] sets no discount; expected truce.discount, "
           f"annual_discount_rate or renewal_probability, or {option}")
    raise InputError(msg)


def profile_index(scenario: Scenario, game: Game, ref: ProfileRef | None) -> Index | None:
    """A two-player profile's index in the payoff arrays (``None`` for ``None``).

    Parameters
    ----------
    scenario : the scenario whose ``[profiles]`` names resolve.
    game : its game.
    ref : a profile name, an inline ``{player: {lever: level}}`` table, or ``None``.

    Returns
    -------
    (row, column) or None
    """
    if ref is None:
        return None
    profile = scenario.profiles[ref] if isinstance(ref, str) else ref
    index = game.profile_index(profile)
    return (int(index[0]), int(index[1]))


def named_indices(scenario: Scenario, game: Game) -> dict[str, tuple[int, ...]]:
    """Every named profile of ``[profiles]`` as its index (any number of players).

    Parameters
    ----------
    scenario, game : the scenario and its game.

    Returns
    -------
    dict
        ``{name: index}`` in the file's order.
    """
    return {name: tuple(int(i) for i in game.profile_index(p))
            for name, p in scenario.profiles.items()}


def punishment(scenario: Scenario, game: Game) -> str | Index:
    """The ``[truce]`` punishment as :func:`sim.solvers.repeated.thresholds` takes it.

    Parameters
    ----------
    scenario, game : the scenario and its (two-player) game.

    Returns
    -------
    ``"nash"`` (also when the file names none), ``"minmax"``, or the named profile's index.
    """
    body = scenario.truce
    name = (body.punishment if body is not None else None) or "nash"
    if name in {"nash", "minmax"}:
        return name
    profile = scenario.profiles[name]
    index = game.profile_index(profile)
    return (int(index[0]), int(index[1]))
