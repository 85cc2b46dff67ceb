r"""A two-country partial-equilibrium model of bilateral trade with a terms-of-trade motive.

One **market** is one direction of trade: the importer's import demand :math:`M(p)` meets the
exporter's export supply :math:`X(p^*)`. An ad valorem tariff :math:`t` (a fraction, 0.3 for
30%) drives a wedge between the importer's domestic price and the world price,
:math:`p = (1+t)\,p^*`, and the market clears at :math:`M((1+t)p^*) = X(p^*)`. Prices are
normalised to 1 at free trade, so quantities are measured by their free-trade value
:math:`V` (for instance $bn a month) and both curves pass through :math:`(1, V)`:

* **constant elasticity**: :math:`M(p) = V p^{-\varepsilon}`, :math:`X(p^*) = V p^{*\eta}`;
  then :math:`p^* = (1+t)^{-\varepsilon/(\varepsilon+\eta)}`,
  :math:`p = (1+t)^{\eta/(\varepsilon+\eta)}`;
* **linear**, with the same elasticities at the free-trade point:
  :math:`M(p) = V(1-\varepsilon(p-1))^+`, :math:`X(p^*) = V(1+\eta(p^*-1))^+`; then
  :math:`p^* = (\varepsilon+\eta)/(\eta+\varepsilon(1+t))` while trade is positive.

Welfare is measured as the change from free trade, in three parts reported separately:

* **consumer surplus** :math:`\Delta CS = -\int_1^{p} M(x)\,dx` of the importer (the area
  behind its *import* demand curve, i.e. its buyers net of its import-competing producers);
* **tariff revenue** :math:`R = t\,p^*\,M(p)`, collected by the importer;
* **producer surplus** :math:`\Delta PS = \int_1^{p^*} X(x)\,dx` of the exporter (the area
  behind its export supply curve).

The importer's welfare is :math:`\Delta CS + R`, the exporter's :math:`\Delta PS`. A large
importer lowers the world price it pays, so a small tariff raises its welfare; its
**optimal tariff** equates the domestic price to the marginal cost of imports,
:math:`p = p^*(1 + 1/\eta(p^*))`, i.e. :math:`t^{opt} = 1/\eta` at the tariff-ridden point
(Johnson 1953). With constant elasticity that is exactly :math:`1/\eta`, whatever the import
demand elasticity. In the **two-country model** each country imports from the other in its
own market, so its welfare is its importer welfare in one market plus its exporter welfare
in the other. Markets do not interact, so each country's optimal tariff does not depend on
the other's: it is a dominant strategy, the Nash tariffs are the two optimal tariffs, and
both lose against free trade, which maximises joint welfare: the terms-of-trade prisoner's
dilemma that trade agreements exist to escape (Bagwell and Staiger 1999).

Limits: partial equilibrium (no income effects, no general-equilibrium feedback through
wages or exchange rates, no third countries and so no trade diversion), one aggregate good
per direction, perfect competition and complete pass-through as the elasticities imply,
no political-economy weights, and tariffs that only move prices. Ossa's (2014) general
equilibrium estimates, with many industries and countries, put non-cooperative tariffs
around 60%, which this model reproduces with an export-supply elasticity near 1.7; it does
not reproduce the 2018-19 finding that US import prices barely fell (near-complete
pass-through, which corresponds to a very large :math:`\eta` and a small optimal tariff).

References
----------
Johnson, H. G. (1953). Optimum tariffs and retaliation. *Review of Economic Studies*
21(2), 142-153.
Bagwell, K. and Staiger, R. W. (1999). An economic theory of GATT. *American Economic
Review* 89(1), 215-248.
Ossa, R. (2014). Trade wars and trade talks with data. *American Economic Review* 104(12),
4104-4146.
Amiti, M., Redding, S. J. and Weinstein, D. E. (2019). The impact of the 2018 tariffs on
prices and welfare. *Journal of Economic Perspectives* 33(4), 187-210.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import InputError

FloatArray = np.ndarray
FORMS = ("constant", "linear")


@dataclass(frozen=True)
class Market:
    """One direction of trade.

    Attributes
    ----------
    value : import value at free trade (price 1), in the model's money unit; > 0.
    import_elasticity : :math:`\\varepsilon > 0`, the importer's import-demand elasticity at
        the free-trade point (absolute value).
    export_elasticity : :math:`\\eta > 0`, the exporter's export-supply elasticity there.
    form : ``"constant"`` (constant elasticities) or ``"linear"`` curves.
    """

    value: float
    import_elasticity: float
    export_elasticity: float
    form: str = "constant"

    def __post_init__(self) -> None:
        if self.form not in FORMS:
            msg = f"market form {self.form!r}; expected one of {', '.join(FORMS)}"
            raise InputError(msg)
        for what, x in (
            ("value", self.value),
            ("import_elasticity", self.import_elasticity),
            ("export_elasticity", self.export_elasticity),
        ):
            if not np.all(np.asarray(x) > 0):
                msg = f"market {what} must be positive, got {x}"
                raise InputError(msg)


@dataclass(frozen=True)
class MarketOutcome:
    """A market under a tariff; welfare terms are changes from free trade.

    Every attribute broadcasts like the tariff (and the market's parameters) given.
    """

    tariff: FloatArray
    world_price: FloatArray
    domestic_price: FloatArray
    quantity: FloatArray  # in free-trade value units (price 1)
    revenue: FloatArray
    consumer_surplus: FloatArray  # importer, behind its import demand curve
    producer_surplus: FloatArray  # exporter, behind its export supply curve

    @property
    def import_value(self) -> FloatArray:
        """Imports valued at the world price (what customs statistics record)."""
        return self.world_price * self.quantity

    @property
    def importer_welfare(self) -> FloatArray:
        return self.consumer_surplus + self.revenue

    @property
    def exporter_welfare(self) -> FloatArray:
        return self.producer_surplus

    @property
    def deadweight_loss(self) -> FloatArray:
        """Joint loss against free trade: :math:`-(\\Delta CS + R + \\Delta PS) \\ge 0`."""
        return -(self.consumer_surplus + self.revenue + self.producer_surplus)


def market_outcome(market: Market, tariff: FloatArray | float) -> MarketOutcome:
    """Clear one market under the ad valorem ``tariff`` (a fraction, > -1), vectorised.

    Parameters
    ----------
    market : Market
    tariff : float or numpy.ndarray
        Ad valorem tariffs :math:`t > -1`.

    Returns
    -------
    MarketOutcome
        The world price, quantities and the changes in consumer and producer surplus and the
        tariff revenue from free trade.
    """
    t = np.asarray(tariff, dtype=float)
    if np.any(t <= -1):
        msg = "a tariff must be above -100%"
        raise InputError(msg)
    if market.form == "constant":
        return _constant(market, t)
    return _linear(market, t)


def _constant(m: Market, t: FloatArray) -> MarketOutcome:
    eps, eta, v = m.import_elasticity, m.export_elasticity, m.value
    world = (1 + t) ** (-eps / (eps + eta))
    domestic = (1 + t) * world
    quantity = v * world**eta
    cs = -v * _integral_power(domestic, -eps)
    ps = v * (world ** (1 + eta) - 1) / (1 + eta)
    return MarketOutcome(t, world, domestic, quantity, t * world * quantity, cs, ps)


def _integral_power(p: FloatArray, k: float | FloatArray) -> FloatArray:
    """:math:`\\int_1^p x^k dx`, with the logarithm at :math:`k = -1`."""
    k = np.asarray(k, dtype=float)
    near = np.abs(k + 1) < 1e-12
    safe = np.where(near, 0.0, k + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        general = (p ** (k + 1) - 1) / np.where(near, 1.0, safe)
    return np.where(near, np.log(p), general)


def _linear(m: Market, t: FloatArray) -> MarketOutcome:
    eps, eta, v = m.import_elasticity, m.export_elasticity, m.value
    world = (eps + eta) / (eta + eps * (1 + t))
    share = 1 + eta * (world - 1)  # quantity / V while trade is positive
    choke_world = np.maximum(1 - 1 / eta, 0.0)  # export supply reaches zero
    prohibitive = share <= 0
    world = np.where(prohibitive, choke_world, world)
    domestic = np.where(prohibitive, 1 + 1 / eps, (1 + t) * world)
    quantity = v * np.maximum(share, 0.0)
    rise = np.minimum(domestic, 1 + 1 / eps) - 1
    cs = -v * (rise - eps * rise**2 / 2)
    fall = world - 1
    ps = v * (fall + eta * fall**2 / 2)
    return MarketOutcome(t, world, domestic, quantity, t * world * quantity, cs, ps)


def export_supply_elasticity(market: Market, world_price: FloatArray | float) -> FloatArray:
    """Point elasticity :math:`\\eta(p^*) = X'(p^*) p^* / X(p^*)` of the export supply.

    Parameters
    ----------
    market : Market
    world_price : float or numpy.ndarray
        :math:`p^*`.

    Returns
    -------
    numpy.ndarray
    """
    p = np.asarray(world_price, dtype=float)
    eta = market.export_elasticity
    if market.form == "constant":
        return np.broadcast_to(np.float64(eta), p.shape).copy()
    return eta * p / (1 + eta * (p - 1))


def optimal_tariff(market: Market, *, upper: float = 20.0, xatol: float = 1e-10) -> float:
    r"""The importer's welfare-maximising tariff, found numerically on :math:`[0, \text{upper}]`.

    A grid of 4001 tariffs finds the global maximum of :math:`\Delta CS + R` (welfare is
    flat beyond a prohibitive tariff, which defeats a bracketing search alone), then bounded
    Brent (:func:`scipy.optimize.minimize_scalar`) refines it within one grid step. The
    answer satisfies :math:`t = 1/\eta(p^*(t))` (Johnson 1953); the tests check that
    closed form rather than this function assuming it.

    Parameters
    ----------
    market : Market
    upper : float
        The largest tariff searched.
    xatol : float
        Absolute tolerance of the refinement.

    Returns
    -------
    float
    """
    from scipy.optimize import minimize_scalar  # lazily: scenario loading must not pull scipy

    grid = np.linspace(0.0, upper, 4001)
    k = int(np.argmax(market_outcome(market, grid).importer_welfare))
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
    res = minimize_scalar(
        lambda t: -float(market_outcome(market, t).importer_welfare),
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": xatol, "maxiter": 500},
    )
    return float(res.x)


@dataclass(frozen=True)
class TwoCountryModel:
    """Two countries trading with each other; ``markets[i]`` is country *i*'s imports."""

    countries: tuple[str, str]
    markets: tuple[Market, Market]


@dataclass(frozen=True)
class CountryWelfare:
    """One country's welfare change from free trade, by part."""

    country: str
    consumer_surplus: float  # in its import market
    revenue: float  # of its own tariff
    producer_surplus: float  # in its export market

    @property
    def total(self) -> float:
        return self.consumer_surplus + self.revenue + self.producer_surplus


def welfare(model: TwoCountryModel, tariffs: tuple[float, float]) -> tuple[CountryWelfare, ...]:
    """Each country's welfare change from free trade at the tariff pair ``tariffs``.

    Parameters
    ----------
    model : TwoCountryModel
    tariffs : pair of float

    Returns
    -------
    tuple of CountryWelfare
        Per country: consumer surplus and revenue in its import market, producer surplus in
        its export market.
    """
    out = [market_outcome(m, t) for m, t in zip(model.markets, tariffs, strict=True)]
    return tuple(
        CountryWelfare(
            model.countries[i],
            float(out[i].consumer_surplus),
            float(out[i].revenue),
            float(out[1 - i].producer_surplus),
        )
        for i in range(2)
    )


@dataclass(frozen=True)
class TariffWar:
    """Nash tariffs of the two-country model and what they cost."""

    tariffs: tuple[float, float]
    welfare: tuple[CountryWelfare, ...]  # change from free trade at the Nash tariffs

    @property
    def joint_loss(self) -> float:
        """Joint welfare lost against free trade (positive)."""
        return -sum(w.total for w in self.welfare)


def nash_tariffs(model: TwoCountryModel) -> TariffWar:
    """The tariff war: each country's optimal tariff, a dominant strategy in this model.

    Welfare of country *i* is :math:`W_i(t_i, t_j) = [\\Delta CS_i + R_i](t_i) +
    \\Delta PS_i(t_j)`, additively separable, so :math:`\\arg\\max_{t_i} W_i` does not depend
    on :math:`t_j` and the unique Nash equilibrium is the pair of optimal tariffs
    (Johnson 1953). :mod:`sim.solvers.continuous` finds the same pair without using that
    structure (tests compare the two).

    Parameters
    ----------
    model : TwoCountryModel

    Returns
    -------
    TariffWar
    """
    t = (optimal_tariff(model.markets[0]), optimal_tariff(model.markets[1]))
    return TariffWar(tariffs=t, welfare=welfare(model, t))
