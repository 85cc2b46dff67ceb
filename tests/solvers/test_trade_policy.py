"""Two-country trade-policy model: closed forms checked against independent computations.

The market is cleared here with a root finder and surpluses integrated with quadrature, so
the tests do not reuse the module's closed-form prices.
"""

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq

from sim.errors import InputError
from sim.solvers.trade_policy import (
    Market,
    TwoCountryModel,
    export_supply_elasticity,
    market_outcome,
    nash_tariffs,
    optimal_tariff,
    welfare,
)


def _curves(m: Market):
    v, e, h = m.value, m.import_elasticity, m.export_elasticity
    if m.form == "constant":
        return (lambda p: v * p**-e), (lambda p: v * p**h)
    return (lambda p: v * max(0.0, 1 - e * (p - 1))), (lambda p: v * max(0.0, 1 + h * (p - 1)))


def _independent(m: Market, t: float):
    demand, supply = _curves(m)
    world = brentq(lambda w: demand((1 + t) * w) - supply(w), 1e-9, 1.0, xtol=1e-14)
    q = supply(world)
    cs = -quad(demand, 1.0, (1 + t) * world)[0]
    ps = quad(supply, 1.0, world)[0]
    return world, q, cs, t * world * q, ps


@pytest.mark.parametrize(("eps", "eta"), [(2.0, 1.0 / 0.6), (0.8, 3.0), (1.0, 0.5), (4.0, 2.5)])
def test_constant_elasticity_optimal_tariff_is_inverse_export_supply_elasticity(eps, eta):
    # Johnson (1953): t* = 1/eta, whatever the import-demand elasticity
    m = Market(10.0, eps, eta, "constant")
    assert optimal_tariff(m) == pytest.approx(1 / eta, rel=1e-6)


@pytest.mark.parametrize(("eps", "eta"), [(2.0, 1.5), (0.8, 3.0), (1.5, 0.7)])
def test_linear_optimal_tariff_is_inverse_elasticity_at_the_tariff_ridden_point(eps, eta):
    m = Market(5.0, eps, eta, "linear")
    t = optimal_tariff(m)
    world = market_outcome(m, t).world_price
    assert t == pytest.approx(1 / float(export_supply_elasticity(m, world)), rel=1e-5)
    assert t > 0


@pytest.mark.parametrize("form", ["constant", "linear"])
@pytest.mark.parametrize("t", [0.0, 0.3, 0.6, 1.45])
def test_prices_and_surpluses_match_root_finding_and_quadrature(form, t):
    m = Market(28.8, 1.8, 2.2, form)
    out = market_outcome(m, t)
    world, q, cs, rev, ps = _independent(m, t)
    assert float(out.world_price) == pytest.approx(world, rel=1e-9)
    assert float(out.quantity) == pytest.approx(q, rel=1e-9)
    assert float(out.consumer_surplus) == pytest.approx(cs, rel=1e-7, abs=1e-9)
    assert float(out.revenue) == pytest.approx(rev, rel=1e-9, abs=1e-12)
    assert float(out.producer_surplus) == pytest.approx(ps, rel=1e-7, abs=1e-9)
    assert float(out.deadweight_loss) >= -1e-12


def test_linear_market_stops_at_a_prohibitive_tariff():
    m = Market(1.0, 2.0, 2.0, "linear")  # prohibitive at t = (eta+eps)/(eps(eta-1)) = 2
    out = market_outcome(m, np.array([1.9, 2.5, 5.0]))
    assert float(out.quantity[0]) > 0
    assert out.quantity[1:] == pytest.approx([0, 0])
    assert out.revenue[1:] == pytest.approx([0, 0])


def test_symmetric_nash_tariffs_and_welfare():
    eps, eta, v = 2.0, 1.5, 20.0
    m = Market(v, eps, eta)
    war = nash_tariffs(TwoCountryModel(("A", "B"), (m, m)))
    assert war.tariffs == pytest.approx((1 / eta, 1 / eta), rel=1e-6)
    t = 1 / eta
    _, _, cs, rev, ps = _independent(m, t)
    for w in war.welfare:
        assert w.consumer_surplus == pytest.approx(cs, rel=1e-6)
        assert w.revenue == pytest.approx(rev, rel=1e-6)
        assert w.producer_surplus == pytest.approx(ps, rel=1e-6)
        assert w.total < 0  # both lose against free trade: the prisoner's dilemma
    assert war.joint_loss == pytest.approx(-2 * (cs + rev + ps), rel=1e-6)
    # a unilateral tariff still pays: the motive is real
    alone = welfare(TwoCountryModel(("A", "B"), (m, m)), (t, 0.0))
    assert alone[0].total > 0 > alone[1].total


def test_free_trade_welfare_is_the_reference_point():
    m = Market(3.0, 1.2, 0.9, "linear")
    for w in welfare(TwoCountryModel(("A", "B"), (m, m)), (0.0, 0.0)):
        assert w.total == pytest.approx(0.0, abs=1e-12)


def test_bad_markets_are_refused():
    with pytest.raises(InputError, match="form"):
        Market(1.0, 1.0, 1.0, "kinked")
    with pytest.raises(InputError, match="positive"):
        Market(1.0, -1.0, 1.0)
    with pytest.raises(InputError, match="-100%"):
        market_outcome(Market(1.0, 1.0, 1.0), -1.0)
