r"""A truce with payoff shocks, deliberate breaches, two-way noise, imperfect monitoring,
finite proportionate punishments and renewal as a choice.

**Shocks and deliberate breaches.** Each period each side draws a private shock
:math:`\theta` (the scenario's assumptions drawn from their shock distributions; the caller
passes equally likely samples). Side :math:`i` may breach on one of its issues :math:`k`
(e.g. slow rare-earth licences) for a one-period gain :math:`g_k(\theta)`; doing so raises
the chance that it is punished, costing it :math:`\Lambda_k` in expectation
(:mod:`sim.solvers.punishment`). It breaches on purpose, on the issue with the largest
:math:`g_k(\theta) - \Lambda_k`, when that is positive: the "escape clause" of Rotemberg and
Saloner (1986) and Bagwell and Staiger (1990). Shocks are i.i.d. over periods and
independent across sides, so each side's per-period breach distribution is the share of
samples in which each issue wins.

**Two-way noise.** A meant compliance comes out as a breach on the side's *slip issue* with
probability :math:`\varepsilon` and a meant breach comes out as compliance with probability
:math:`\varepsilon_B`. Punishment is triggered through perception (an accusation: a breach
is missed with probability :math:`\mu`, compliance is read as a breach with probability
:math:`\pi`) or a public signal of a quantity lever below its trigger (Green and Porter,
1984; :mod:`sim.solvers.monitoring`): the caller gives, per actual move, the chance of each.

**Phases.** *Truce*: both choose as above. When exactly one side is accused it is punished
for its punishment's length :math:`L` (the other side plays its punishment levels, the
target keeps its truce levels) and then both return: a *dispute*, repaired after
:math:`L` periods. A punishment triggered by the public signal is accepted (it is part of
the equilibrium); an accusation the target knows to be false (it complied) is contested and
so is a simultaneous accusation of both sides: the truce *collapses* to the escalation
profile for the rest of its term. While a side is punished, accusations are not acted on
(the punishment is not extended) and neither side breaches on purpose; slips still happen.

**Renewal.** At the expiry of an uncollapsed truce each side renews iff, at that period's
shock, :math:`(1-\delta)(C(\theta) - F(\theta)) + \delta (\bar V - \bar F) \ge 0`: the
truce's continuation value against its fallback :math:`F` (the stage equilibrium or the
escalation), with :math:`\bar V` the truce's mean normalised payoff to the side over its
term. The renewal probability is thus an output.

**Engine.** The phases and each side's per-period outcome (intent, actual move, which
channel fired) form a Markov chain. :func:`sim.solvers.truce_sampler.simulate` samples the joint outcome of all runs
at once with one uniform number per run and period, through Walker's alias tables per
phase (Walker, 1977; Vose, 1991), and looks everything else up in tables indexed by
(phase, outcome). :func:`exact` propagates the distribution over (phase, no-slip flag,
dispute flag) instead: the same expected outcomes with no sampling error.

References
----------
Bagwell, K. & Staiger, R. W. (1990). A theory of managed trade. *American Economic Review*
80(4), 779-795.
Green, E. J. & Porter, R. H. (1984). Noncooperative collusion under imperfect price
information. *Econometrica* 52(1), 87-100.
Rotemberg, J. J. & Saloner, G. (1986). A supergame-theoretic model of price wars during
booms. *American Economic Review* 76(3), 390-407.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import InputError

FloatArray = np.ndarray
IntArray = np.ndarray

NONE, PERCEIVED, SIGNALLED = 0, 1, 2
"""Which channel triggered punishment in a period."""


# --------------------------------------------------------------------------- one side


@dataclass(frozen=True)
class Side:
    """One side of the truce model.

    Attributes
    ----------
    issues : the names of its ``K`` breach options (move 0 is compliance, move ``k`` a breach
        on issue ``k``).
    gains : ``(S, K)``: the one-period gain of breaching on each issue at each shock sample.
    coop : ``(S, K+1, K'+1)``: its payoff at each sample for its actual move (rows) and the
        other side's actual move (columns), during the truce.
    punished, punishing, collapse, fallback : ``(S,)``: its payoff while punished, while
        punishing the other, after a collapse, and at the renewal fallback.
    loss : ``(K,)``: the expected punishment loss :math:`\\Lambda_k` of breaching on issue k.
    perceive, signal : ``(K+1,)``: P(accused through perception), P(the public signal falls
        below its trigger), given its actual move.
    slip : the issue (``1..K``) an implementation slip lands on.
    noise_comply, noise_breach : :math:`\\varepsilon` and :math:`\\varepsilon_B`.
    length : periods it is punished for when accused (``None``: for ever).
    """

    issues: tuple[str, ...]
    gains: FloatArray
    coop: FloatArray
    punished: FloatArray
    punishing: FloatArray
    collapse: FloatArray
    fallback: FloatArray
    loss: FloatArray
    perceive: FloatArray
    signal: FloatArray
    slip: int = 1
    noise_comply: float = 0.0
    noise_breach: float = 0.0
    length: int | None = 1

    @property
    def k(self) -> int:
        return len(self.issues)

    @property
    def detect(self) -> FloatArray:
        """P(punishment triggered | actual move), both channels together."""
        return 1 - (1 - np.asarray(self.perceive)) * (1 - np.asarray(self.signal))


def intents(gains: FloatArray, loss: FloatArray) -> IntArray:
    r"""Each sample's intended move: the issue with the largest :math:`g_k - \Lambda_k` when
    that is positive (ties: the first), else 0 (comply)."""
    net = np.asarray(gains, dtype=float) - np.asarray(loss, dtype=float)[None, :]
    if net.shape[1] == 0:
        return np.zeros(net.shape[0], dtype=np.int64)
    best = np.argmax(net, axis=1)
    return np.where(net[np.arange(net.shape[0]), best] > 0, best + 1, 0)


def intent_probabilities(side: Side) -> FloatArray:
    """``(K+1,)``: P(intend to comply), P(intend to breach on issue k), per truce period."""
    c = intents(side.gains, side.loss)
    return np.bincount(c, minlength=side.k + 1) / c.shape[0]


def breach_probability(side: Side) -> float:
    """Per-period probability that the side means to breach (on any issue)."""
    return float(1.0 - intent_probabilities(side)[0])


def conditional_payoffs(side: Side) -> FloatArray:
    """``(K+1, K+1, K'+1)``: its mean truce payoff given its intent (first axis), over the
    samples with that intent (the overall mean when an intent never occurs)."""
    c = intents(side.gains, side.loss)
    mean = side.coop.mean(axis=0)
    out = np.empty((side.k + 1, *mean.shape))
    for i in range(side.k + 1):
        sel = c == i
        out[i] = side.coop[sel].mean(axis=0) if sel.any() else mean
    return out


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class Outcomes:
    r"""A role's outcome table for one side: intent, actual move, channel, probability."""

    intent: IntArray
    actual: IntArray
    channel: IntArray
    prob: FloatArray


def _check_probability(x: float, name: str) -> float:
    if not (isinstance(x, int | float) and 0.0 <= x <= 1.0):
        msg = f"{name} must lie in [0, 1], got {x}"
        raise InputError(msg)
    return float(x)


def truce_outcomes(side: Side) -> Outcomes:
    """The side's outcomes in a truce period (intent x actual x channel)."""
    eps = _check_probability(side.noise_comply, "implementation noise")
    eps_b = _check_probability(side.noise_breach, "implementation noise on breaches")
    p = intent_probabilities(side)
    rows = []
    for c in range(side.k + 1):
        moves = ((0, 1 - eps), (side.slip, eps)) if c == 0 else ((c, 1 - eps_b), (0, eps_b))
        for a, pa in moves:
            s, q = float(side.signal[a]), float(side.perceive[a])
            for f, pf in ((NONE, (1 - s) * (1 - q)), (PERCEIVED, (1 - s) * q), (SIGNALLED, s)):
                rows.append((c, a, f, p[c] * pa * pf))
    return _outcomes(rows)


def target_outcomes(side: Side) -> Outcomes:
    """The side's outcomes while it is punished: it complies, or slips."""
    eps = side.noise_comply
    return _outcomes([(0, 0, NONE, 1 - eps), (0, side.slip, NONE, eps)])


def passive_outcomes() -> Outcomes:
    """One sure outcome: punishing, or after a collapse."""
    return _outcomes([(0, 0, NONE, 1.0)])


def _outcomes(rows: list[tuple[int, int, int, float]]) -> Outcomes:
    arr = np.array(rows, dtype=float).reshape(-1, 4)
    return Outcomes(
        arr[:, 0].astype(np.int64),
        arr[:, 1].astype(np.int64),
        arr[:, 2].astype(np.int64),
        arr[:, 3],
    )


# --------------------------------------------------------------------------- the chain


@dataclass(frozen=True)
class Chain:
    """The truce as a Markov chain over phases, with every look-up table the engines use.

    Phases: 0 = truce; then for each side its punishment periods still to come
    (``L, L-1, ..., 1``; one phase for a punishment for ever); the last = collapsed.
    ``prob[q]`` is the distribution of the joint outcome code ``o0 * n1 + o1`` in phase
    ``q``; ``nxt``, ``pay``, ``clean``, ``dispute`` are indexed by ``q * m + code``.
    """

    phases: tuple[tuple[str, int, int], ...]
    sides: tuple[Outcomes, Outcomes, Outcomes, Outcomes, Outcomes, Outcomes]
    n: tuple[int, int]
    prob: FloatArray
    nxt: IntArray
    pay: FloatArray
    clean: np.ndarray
    dispute: np.ndarray

    @property
    def m(self) -> int:
        return self.n[0] * self.n[1]

    @property
    def collapsed(self) -> int:
        return len(self.phases) - 1


def _phases(sides: tuple[Side, Side]) -> list[tuple[str, int, int]]:
    out = [("truce", -1, 0)]
    for i, s in enumerate(sides):
        out += (
            [("punished", i, 0)]
            if s.length is None
            else [("punished", i, r) for r in range(s.length, 0, -1)]
        )
    return [*out, ("collapsed", -1, 0)]


def build_chain(sides: tuple[Side, Side]) -> Chain:
    """Tables of the chain (see :class:`Chain` and the module docstring)."""
    phases = _phases(sides)
    index = {ph: q for q, ph in enumerate(phases)}
    tables = [(truce_outcomes(s), target_outcomes(s), passive_outcomes()) for s in sides]
    n = (max(len(t.prob) for t in tables[0]), max(len(t.prob) for t in tables[1]))
    m = n[0] * n[1]
    conds = [conditional_payoffs(s) for s in sides]
    Q = len(phases)
    prob = np.zeros((Q, m))
    nxt = np.zeros((Q, m), dtype=np.int64)
    pay = np.zeros((2, Q, m))
    clean = np.zeros((Q, m), dtype=bool)
    dispute = np.zeros((Q, m), dtype=bool)
    start = [
        index[("punished", i, 0 if s.length is None else s.length)] for i, s in enumerate(sides)
    ]
    for q, (kind, target, left) in enumerate(phases):
        roles = [_role(kind, target, i) for i in (0, 1)]
        outs = [tables[i][roles[i]] for i in (0, 1)]
        for o0 in range(len(outs[0].prob)):
            for o1 in range(len(outs[1].prob)):
                code = o0 * n[1] + o1
                prob[q, code] = outs[0].prob[o0] * outs[1].prob[o1]
                a = (outs[0].actual[o0], outs[1].actual[o1])
                c = (outs[0].intent[o0], outs[1].intent[o1])
                f = (outs[0].channel[o0], outs[1].channel[o1])
                if kind == "truce":
                    pay[0, q, code] = conds[0][c[0], a[0], a[1]]
                    pay[1, q, code] = conds[1][c[1], a[1], a[0]]
                    clean[q, code] = a == (0, 0)
                    dispute[q, code] = f[0] != NONE or f[1] != NONE
                    nxt[q, code] = _after_truce(f, a, start, Q - 1)
                elif kind == "punished":
                    other = 1 - target
                    pay[target, q, code] = sides[target].punished.mean()
                    pay[other, q, code] = sides[other].punishing.mean()
                    nxt[q, code] = q if left == 0 else (0 if left == 1 else q + 1)
                else:
                    pay[0, q, code], pay[1, q, code] = (
                        sides[0].collapse.mean(),
                        sides[1].collapse.mean(),
                    )
                    nxt[q, code] = q
    return Chain(
        phases=tuple(phases),
        sides=(*tables[0], *tables[1]),
        n=n,
        prob=prob,
        nxt=nxt,
        pay=pay,
        clean=clean,
        dispute=dispute,
    )


def _role(kind: str, target: int, side: int) -> int:
    """0 = in the truce, 1 = being punished, 2 = punishing or collapsed."""
    if kind == "truce":
        return 0
    return 1 if kind == "punished" and target == side else 2


def _after_truce(f: tuple[int, int], a: tuple[int, int], start: list[int], collapsed: int) -> int:
    fired = [x != NONE for x in f]
    if fired[0] and fired[1]:
        return collapsed
    for i in (0, 1):
        if fired[i]:
            contested = f[i] == PERCEIVED and a[i] == 0  # it knows it complied
            return collapsed if contested else start[i]
    return 0


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ModelResult:
    r"""Expected outcomes of the truce model over its term (``se`` fields are ``None`` for
    the exact computation).

    Attributes
    ----------
    no_slip : ``(periods + 1,)``: P(both sides have played their truce levels in every
        period so far).
    dispute : P(at least one punishment phase is entered).
    disputes : expected number of disputes over the term.
    punished : ``(2,)``: expected share of periods each side spends punished.
    collapse : P(the truce has collapsed by its expiry).
    renew : ``(2,)``: P(each side would renew, at the expiry's shock).
    renewed : P(the truce is renewed at expiry: not collapsed and both renew).
    payoffs : ``(2,)``: mean normalised discounted payoff per side over the term.
    breach_rate : ``(2,)``: per-period probability each side means to breach in a truce period.
    deliberate : ``(2, K)``: expected number of deliberate breaches per side and issue.
    slips : ``(2,)``: expected number of implementation slips per side.
    """

    periods: int
    runs: int | None
    no_slip: FloatArray
    dispute: float
    disputes: float
    punished: FloatArray
    collapse: float
    renew: FloatArray
    renewed: float
    payoffs: FloatArray
    breach_rate: FloatArray
    deliberate: tuple[FloatArray, FloatArray]
    slips: FloatArray
    no_slip_se: float | None = None
    dispute_se: float | None = None
    collapse_se: float | None = None
    renewed_se: float | None = None
    collapsed: FloatArray | None = None
    disputed: FloatArray | None = None  # (periods + 1,): P(a dispute so far), exact only


def _renew_probability(side: Side, value: float, delta: float) -> float:
    """Share of shock samples at which the side prefers renewing (module docstring)."""
    truce_now = side.coop[:, 0, 0]
    keep = (1 - delta) * (truce_now - side.fallback) + delta * (value - side.fallback.mean())
    return float(np.mean(keep >= 0))


def _norm(delta: float, periods: int) -> float:
    return 1.0 / periods if delta == 1.0 else (1 - delta) / (1 - delta**periods)


def _tallies(
    chain: Chain,
    counts: FloatArray,
    sides: tuple[Side, Side],
) -> tuple[tuple[FloatArray, FloatArray], FloatArray, FloatArray]:
    """Deliberate breaches per side and issue, slips per side and punished periods per side
    from expected (or observed) counts of each (phase, code)."""
    counts = counts.reshape(len(chain.phases), chain.n[0], chain.n[1])
    deliberate, slips, punished = [], np.zeros(2), np.zeros(2)
    for i, s in enumerate(sides):
        per = counts.sum(axis=2 - i)  # (Q, n_i): phase x this side's outcome
        truce, target = chain.sides[3 * i], chain.sides[3 * i + 1]
        d = np.zeros(s.k)
        row = per[0, : len(truce.prob)]
        for o in range(len(truce.prob)):
            if truce.intent[o] > 0 and truce.actual[o] == truce.intent[o]:
                d[truce.intent[o] - 1] += row[o]
            if truce.intent[o] == 0 and truce.actual[o] != 0:
                slips[i] += row[o]
        for q, (kind, tgt, _) in enumerate(chain.phases):
            if kind == "punished" and tgt == i:
                punished[i] += per[q].sum()
                slips[i] += sum(per[q, o] for o in range(len(target.prob)) if target.actual[o] != 0)
        deliberate.append(d)
    return (deliberate[0], deliberate[1]), slips, punished


# --------------------------------------------------------------------------- exact


def exact(
    sides: tuple[Side, Side],
    *,
    periods: int,
    delta: float = 1.0,
    renewal_delta: float | None = None,
) -> ModelResult:
    """Expected outcomes by propagating the chain's distribution (no sampling).

    ``renewal_delta`` is the discount factor of the renewal choice (default ``delta``).
    """
    chain = build_chain(sides)
    Q, m = len(chain.phases), chain.m
    dist = np.zeros((Q, 2, 2))  # phase x clean-so-far x disputed-so-far
    dist[0, 1, 0] = 1.0
    no_slip, collapsed, disputed = [1.0], [0.0], [0.0]
    counts = np.zeros(Q * m)
    pay = np.zeros(2)
    disputes = 0.0
    w = 1.0
    for _ in range(periods):
        joint = dist[:, :, :, None] * chain.prob[:, None, None, :]  # Q x 2 x 2 x m
        by_code = joint.sum(axis=(1, 2)).reshape(-1)
        counts += by_code
        pay += w * (chain.pay.reshape(2, -1) @ by_code)
        disputes += float(by_code @ chain.dispute.reshape(-1))
        new = np.zeros_like(dist)
        nxt = np.broadcast_to(chain.nxt[:, None, None, :], joint.shape)
        cl = np.broadcast_to(np.arange(2)[None, :, None, None], joint.shape) & np.broadcast_to(
            chain.clean[:, None, None, :], joint.shape
        )
        dp = np.broadcast_to(np.arange(2)[None, None, :, None], joint.shape) | np.broadcast_to(
            chain.dispute[:, None, None, :], joint.shape
        )
        np.add.at(new, (nxt.reshape(-1), cl.reshape(-1), dp.reshape(-1)), joint.reshape(-1))
        dist = new
        no_slip.append(float(dist[:, 1, :].sum()))
        collapsed.append(float(dist[chain.collapsed].sum()))
        disputed.append(float(dist[:, :, 1].sum()))
        w *= delta
    payoffs = pay * _norm(delta, periods)
    rd = delta if renewal_delta is None else renewal_delta
    renew = np.array([_renew_probability(s, payoffs[i], rd) for i, s in enumerate(sides)])
    collapse = float(dist[chain.collapsed].sum())
    deliberate, slips, punished = _tallies(chain, counts, sides)
    return ModelResult(
        periods=periods,
        runs=None,
        no_slip=np.array(no_slip),
        collapsed=np.array(collapsed),
        disputed=np.array(disputed),
        dispute=float(dist[:, :, 1].sum()),
        disputes=disputes,
        punished=punished / periods,
        collapse=collapse,
        renew=renew,
        renewed=(1 - collapse) * float(renew.prod()),
        payoffs=payoffs,
        breach_rate=np.array([breach_probability(s) for s in sides]),
        deliberate=deliberate,
        slips=slips,
    )
