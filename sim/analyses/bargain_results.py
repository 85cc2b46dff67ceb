"""The typed results of the bargaining analysis (:func:`sim.analyses.bargain.analyse`).

Frozen dataclasses; :func:`sim.formats.json.to_json` writes them as the ``bargaining``
section of ``results.json`` and as ``tradesim bargain --format json`` (each class's fields,
in order, are the keys of its JSON object). Payoffs and other numbers that may be undefined
are ``None`` (JSON ``null``) rather than infinite or NaN. Mappings keyed by player, solution,
issue or profile name stay mappings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OMIT_NONE = {"json_omit": "none"}

Pair = dict[str, float | None]
"""A value per player, by player name (``None``: undefined)."""
Points = list[list[float | None]]
"""Payoff pairs ``[[u1, u2], ...]``."""


@dataclass(frozen=True)
class ProfileResult:
    """A pure profile: its label, each player's lever levels and the payoffs."""

    label: str
    levels: dict[str, dict[str, str]]
    payoffs: Pair


@dataclass(frozen=True)
class OptionValue:
    value: float | None
    source: str | None


@dataclass(frozen=True)
class DisagreementResult:
    """The disagreement point: how it was chosen, and raised by the outside options."""

    spec: str
    kind: str  # "nash", "minmax" or "profile"
    profile: str | None  # the one profile it rests on, if one
    profiles: list[str]
    base: Pair
    point: Pair
    note: str
    outside_options: dict[str, OptionValue]


@dataclass(frozen=True)
class PayoffSpaceResult:
    """The pure payoff pairs, their Pareto set and the frontier of their convex hull."""

    profiles: int
    pareto: tuple[ProfileResult, ...]
    on_frontier: list[str]
    frontier: Points
    hull: Points
    points: Points | None = field(default=None, metadata=OMIT_NONE)  # omitted when huge


@dataclass(frozen=True)
class LotteryEntry:
    probability: float | None
    payoffs: Pair
    profiles: list[str]
    named: list[str]  # the scenario's names of these profiles


@dataclass(frozen=True)
class SolutionResult:
    """An axiomatic bargaining solution: payoffs, gains over disagreement, its lottery."""

    payoffs: Pair
    gains: Pair
    lottery: tuple[LotteryEntry, ...]
    note: str


@dataclass(frozen=True)
class DealPart:
    """One profile of the Nash deal, seen from a named profile."""

    probability: float | None
    profile: str
    differs: dict[str, dict[str, list[str]]]  # {player: {lever: [in deal, in named]}}


@dataclass(frozen=True)
class NamedProfileResult(ProfileResult):
    """A named profile: where it stands, and how the Nash deal differs from it."""

    pareto_optimal: bool
    on_frontier: bool
    in_solutions: list[str]
    in_nash_deal: float | None
    nash_deal: tuple[DealPart, ...] | None


@dataclass(frozen=True)
class UnitSurplus:
    shares: Pair
    at_deadline: float | None


@dataclass(frozen=True)
class Stationary:
    """The stationary alternating-offers agreement on the frontier."""

    offer: Pair
    counter: Pair
    binding: dict[str, bool]  # whose outside option binds


@dataclass(frozen=True)
class Deadline:
    rounds_left: list[int]
    payoffs: Points
    unit_share: list[float | None]


@dataclass(frozen=True)
class RubinsteinResult:
    """Alternating offers (Rubinstein 1982), with and without the deadline."""

    first: str
    deltas: Pair
    delta_source: str
    annual_deltas: Pair
    period_days: float
    length_days: float
    rounds: int
    disagreement: Pair
    unit_surplus: UnitSurplus
    stationary: Stationary | None
    at_deadline: Pair
    deadline: Deadline


@dataclass(frozen=True)
class OutsideOptionResult:
    """One player's outside option: where it starts to bind, and a sweep over its range."""

    value: float | None
    source: str | None
    range: list[float | None]
    disagreement: float | None
    binds_above: float | None
    no_deal_above: float | None
    moves_nash_above: float | None
    rubinstein_binds_above: float | None
    sweep: dict[str, list]  # "values", then one payoff path per solution and "rubinstein"


@dataclass(frozen=True)
class Constraints:
    """Each side's incentive constraint: gain ``D - C`` from its best deviation and
    per-period loss ``C - P`` under reversion, so ``delta* = gain / (gain + loss)``."""

    gain: Pair
    loss: Pair


@dataclass(frozen=True)
class IssueThreshold:
    """An issue negotiated on its own: its critical discount factor, binding side and
    each side's incentive constraint (as in :class:`Constraints`)."""

    delta_star: float | None
    binding: str | None
    gain: Pair
    loss: Pair


@dataclass(frozen=True)
class LinkedDeal:
    """One deal's critical discount factors negotiated lever by lever, by issue, linked."""

    name: str
    label: str
    levels: dict[str, dict[str, str]]
    payoffs: Pair
    separate: dict[str, IssueThreshold]
    separate_delta_star: float | None
    lever_by_lever_delta_star: float | None
    linked_delta_star: float | None
    linked_binding: str | None
    linked: Constraints
    helps: bool
    sustainable_separately: bool
    sustainable_linked: bool


@dataclass(frozen=True)
class OnlyWhenLinked:
    count: int
    best: tuple[ProfileResult, ...]


@dataclass(frozen=True)
class SustainableCount:
    separate: int
    linked: int


@dataclass(frozen=True)
class LinkageResult:
    """Issue linkage (Bernheim and Whinston 1990) at the scenario's discount factors."""

    issues: dict[str, list[str]]
    deltas: Pair
    delta: float | None
    punishment: str
    deals: tuple[LinkedDeal, ...]
    only_when_linked: OnlyWhenLinked
    sustainable_count: SustainableCount


@dataclass(frozen=True)
class PathStep:
    player: str
    lever: str
    level: str


@dataclass(frozen=True)
class Change:
    step: int
    player: str
    lever: str
    from_: str = field(metadata={"json_key": "from"})
    to: str


@dataclass(frozen=True)
class OrderResult:
    """The subgame perfect outcome of one move order."""

    name: str
    order: list[str]
    path: tuple[PathStep, ...]
    changes: tuple[Change, ...]
    outcome: ProfileResult
    ties: int
    ties_on_path: int


@dataclass(frozen=True)
class CommitmentValue:
    """Each side's gain from leading over its worst simultaneous pure equilibrium."""

    reference_equilibrium: str | None
    reference: Pair
    values: Pair = field(default_factory=dict, metadata={"json_flatten": True})


@dataclass(frozen=True)
class MoveOrderResult:
    tie_rule: str
    status_quo: str | None
    orders: tuple[OrderResult, ...]
    simultaneous: tuple[ProfileResult, ...]
    first_mover_value: Pair
    commitment_value: CommitmentValue | None = field(default=None, metadata=OMIT_NONE)


@dataclass(frozen=True)
class BargainResult:
    """The whole bargaining analysis (the ``bargaining`` section of ``results.json``)."""

    scenario: str
    players: list[str]
    disagreement: DisagreementResult
    payoff_space: PayoffSpaceResult
    equilibria: tuple[ProfileResult, ...]
    feasible: bool
    solutions: dict[str, SolutionResult]
    named_profiles: dict[str, NamedProfileResult]
    rubinstein: RubinsteinResult
    outside_options: dict[str, OutsideOptionResult]
    linkage: LinkageResult
    move_order: MoveOrderResult
    note: str | None = field(default=None, metadata=OMIT_NONE)  # set by `tradesim run`
    figures: list[str] | None = field(default=None, metadata=OMIT_NONE)  # files written
