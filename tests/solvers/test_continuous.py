"""Continuous games: textbook equilibria, several equilibria found, verification, truce levels."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.solvers.continuous import ContinuousGame, Coordinate, best_response
from sim.solvers.continuous_frontier import best_response_curve, pareto_frontier
from sim.solvers.continuous_nash import solve_continuous
from sim.solvers.self_enforcing import cooperation_path
from sim.solvers.trade_policy import Market, TwoCountryModel, market_outcome, welfare


def _rng():
    return np.random.default_rng(1)


def _two(u0, u1, lo=0.0, hi=1.0, values=None):
    """A two-player game with one coordinate each; u_i(x_own, x_other)."""

    def payoff(actions):
        x, y = actions[0][0], actions[1][0]
        return np.stack(np.broadcast_arrays(u0(x, y), u1(y, x)))

    coords = tuple((Coordinate("x", lo, hi, values),) for _ in range(2))
    return ContinuousGame(("A", "B"), coords, payoff)


def _cournot(a=10.0, costs=(1.0, 1.0), qmax=10.0, fixed=0.0):
    def profit(c):
        return lambda q, other: (a - q - other - c) * q - fixed * (q > 0)

    return _two(profit(costs[0]), profit(costs[1]), 0.0, qmax)


def _profiles(result):
    return [tuple(x for a in e.profile for x in a) for e in result.equilibria]


@pytest.mark.parametrize("costs", [(1.0, 1.0), (1.0, 2.5)])
def test_cournot_duopoly(costs):
    # linear Cournot (Fudenberg and Tirole 1991, sec. 1.2): q_i = (a - 2 c_i + c_j) / 3
    a = 10.0
    res = solve_continuous(_cournot(a, costs), rng=_rng())
    c1, c2 = costs
    expected = ((a - 2 * c1 + c2) / 3, (a - 2 * c2 + c1) / 3)
    assert _profiles(res) == [pytest.approx(expected, abs=1e-6)]
    assert res.complete  # best responses have slope -1/2: the composed map contracts by 1/4
    assert res.modulus == pytest.approx(0.25, abs=0.02)
    assert res.verify_grid > res.search_grid


def test_best_response_of_cournot():
    game = _cournot()
    br = best_response(game, 0, ((0.0,), (3.0,)))
    assert br.action[0] == pytest.approx((10 - 1 - 3) / 2, abs=1e-7)
    curve = best_response_curve(game, 1, ((0.0,), (0.0,)), against=(0, 0), points=11)
    assert curve.response[:, 0] == pytest.approx(np.maximum((9 - curve.xs) / 2, 0), abs=1e-6)


def test_natural_monopoly_has_two_pure_equilibria_and_both_are_found():
    # entry with a fixed cost F: duopoly profit (a-c)^2/9 < F < monopoly profit (a-c)^2/4,
    # and entering against a monopolist earns (a-c)^2/16 < F; so exactly one firm produces
    game = _cournot(a=2.0, costs=(1.0, 1.0), qmax=1.0, fixed=0.15)
    res = solve_continuous(game, rng=_rng())
    assert _profiles(res) == [
        pytest.approx((0.0, 0.5), abs=1e-6),
        pytest.approx((0.5, 0.0), abs=1e-6),
    ]
    assert not res.complete


def test_unstable_middle_equilibrium_is_found_too():
    # best response smoothstep(y) = y^2 (3 - 2y) crosses the diagonal at 0, 1/2 and 1; the
    # middle crossing repels best-response iteration (slope 3/2) but regret minimisation
    # still reaches it
    def u(x, y):
        return -((x - y**2 * (3 - 2 * y)) ** 2)

    res = solve_continuous(_two(u, u), rng=_rng())
    assert _profiles(res) == [
        pytest.approx((0, 0), abs=1e-6),
        pytest.approx((0.5, 0.5), abs=1e-6),
        pytest.approx((1, 1), abs=1e-6),
    ]
    assert not res.complete
    assert res.modulus > 1


def test_same_seed_same_answer():
    game = _cournot(costs=(1.0, 2.0))
    a = solve_continuous(game, rng=np.random.default_rng(7))
    b = solve_continuous(game, rng=np.random.default_rng(7))
    assert _profiles(a) == _profiles(b)


def _trade_game(model: TwoCountryModel):
    def payoff(actions):
        t0, t1 = actions[0][0], actions[1][0]
        m0, m1 = market_outcome(model.markets[0], t0), market_outcome(model.markets[1], t1)
        return np.stack(
            np.broadcast_arrays(
                m0.importer_welfare + m1.exporter_welfare, m1.importer_welfare + m0.exporter_welfare
            )
        )

    coords = tuple((Coordinate("tariff", 0.0, 2.0),) for _ in range(2))
    return ContinuousGame(model.countries, coords, payoff)


def test_generic_solver_finds_the_johnson_tariff_war():
    model = TwoCountryModel(("US", "China"), (Market(28.8, 2.0, 1.6), Market(12.0, 1.5, 2.5)))
    res = solve_continuous(_trade_game(model), rng=_rng())
    assert _profiles(res) == [pytest.approx((1 / 1.6, 1 / 2.5), abs=1e-6)]
    assert res.complete  # dominant strategies: best responses are flat
    w = welfare(model, (1 / 1.6, 1 / 2.5))
    assert res.equilibria[0].payoffs == pytest.approx([x.total for x in w], rel=1e-6)


def test_pareto_frontier_of_a_symmetric_tariff_game_contains_free_trade():
    m = Market(10.0, 2.0, 2.0)
    game = _trade_game(TwoCountryModel(("A", "B"), (m, m)))
    front = pareto_frontier(game, grid=21)
    assert any(np.allclose(np.ravel(p), 0.0) for p in front.profiles)
    # no frontier point is dominated by another
    u = front.payoffs
    for k in range(len(u)):
        assert not ((u >= u[k] - 1e-12).all(axis=1) & (u > u[k] + 1e-9).any(axis=1)).any()
    # Nash tariffs are not on it: free trade is better for both
    assert not any(np.allclose(np.ravel(p), 0.5, atol=1e-3) for p in front.profiles)


@pytest.mark.parametrize("delta", [0.0, 0.1, 0.25, 0.4, 0.6, 0.9])
def test_most_cooperative_tariff_of_a_linear_quadratic_tariff_game(delta):
    # u_i = a t_i - b t_i^2 / 2 - c t_j: Nash t^N = a/b, joint optimum t^N - c/b; grim
    # trigger sustains t^N - s iff (b/2) s^2 <= delta c s, so the most cooperative tariff is
    # t^N - min(2 delta c / b, c / b) (derivation in docs/explanation/continuous-games.md)
    a, b, c = 1.0, 1.0, 0.5
    game = _two(*(lambda t, o: a * t - b * t**2 / 2 - c * o,) * 2, 0.0, 1.5)
    nash = a / b
    punish = [a * nash - b * nash**2 / 2 - c * nash] * 2
    (levels,) = cooperation_path(game, [delta], punish)
    expected = nash - min(2 * delta * c / b, c / b)
    assert np.ravel(levels.profile) == pytest.approx([expected, expected], abs=1e-5)
    assert (levels.slack >= -1e-7).all()


def test_cooperative_tariffs_fall_as_patience_rises():
    m = Market(10.0, 2.0, 1.6)
    model = TwoCountryModel(("A", "B"), (m, m))
    nash = welfare(model, (1 / 1.6, 1 / 1.6))
    path = cooperation_path(
        _trade_game(model), [0.0, 0.2, 0.4, 0.6, 0.8], [w.total for w in nash], grid=21
    )
    tariffs = [p.profile[0][0] for p in path]
    assert tariffs[0] == pytest.approx(1 / 1.6, abs=1e-4)
    assert all(x >= y - 1e-6 for x, y in itertools.pairwise(tariffs))
    assert tariffs[-1] == pytest.approx(0.0, abs=1e-4)


def _dense_regret(game, profile, points=2001):
    """Independent check: best gain of each player over a dense grid of its interval."""
    u = game.payoffs(profile)
    out = []
    for i in range(2):
        c = game.coordinates[i][0]
        xs = np.linspace(c.lo, c.hi, points)
        acts = [[np.float64(profile[0][0])], [np.float64(profile[1][0])]]
        acts[i] = [xs]
        out.append(float(np.max(np.broadcast_to(game.payoff(acts)[i], xs.shape))) - u[i])
    return out


@settings(max_examples=10, deadline=None)
@given(
    coef=st.lists(st.floats(-2, 2), min_size=8, max_size=8),
    curv=st.lists(st.floats(0.2, 30), min_size=2, max_size=2),
)
def test_every_reported_equilibrium_survives_a_finer_grid(coef, curv):
    a0, c0, d0, e0, a1, c1, d1, e1 = coef

    def u0(x, y):
        return a0 * x - curv[0] * x**2 / 2 + c0 * x * y + d0 * y + e0 * np.sin(3 * x)

    def u1(x, y):
        return a1 * x - curv[1] * x**2 / 2 + c1 * x * y + d1 * y + e1 * np.sin(3 * x)

    game = _two(u0, u1, -1.0, 1.0)
    res = solve_continuous(game, grid=21, starts=4, rng=_rng())
    for eq in res.equilibria:
        scale = max(1.0, float(np.abs(eq.payoffs).max()))
        assert eq.verification.grid > res.search_grid
        assert max(_dense_regret(game, eq.profile)) <= 1e-6 * scale
    if min(curv) > 18:  # concave in own action (|9 e sin| <= 18): one exists (Debreu 1952)
        assert res.equilibria
