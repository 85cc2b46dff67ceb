r"""``[trade.<market>]`` blocks: the two-country trade-policy model inside a scenario file.

A block describes one direction of trade (see :mod:`sim.solvers.trade_policy`)::

    [trade.us_imports]              # China's exports to the US
    importer = "US"
    exporter = "China"
    tariff = "us_tariff / 100"      # a formula (levers, facts, assumptions): a fraction
    value = "cn_exports_free"       # import value at free trade, in the payoff unit
    import_elasticity = "demand_elasticity_us"
    export_elasticity = "supply_elasticity_cn"
    form = "constant"               # or "linear"

and gives payoff formulas and terms these names (``<m>`` is the block's name): ``<m>_cs``
(importer's consumer surplus, change from free trade), ``<m>_revenue`` (importer's tariff
revenue), ``<m>_ps`` (exporter's producer surplus, change from free trade), ``<m>_quantity``
(imports in free-trade value units), ``<m>_imports`` (imports valued at the world price) and
``<m>_world_price`` (1 at free trade).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.errors import FormulaError, some_names
from sim.scenario.formula import Formula
from sim.solvers.trade_policy import FORMS, Market, market_outcome

OUTPUTS = ("cs", "revenue", "ps", "quantity", "imports", "world_price")
"""Suffixes of the names a ``[trade.<market>]`` block defines."""
_KEYS = {
    "importer",
    "exporter",
    "tariff",
    "value",
    "import_elasticity",
    "export_elasticity",
    "form",
    "description",
}
_FORMULAS = ("tariff", "value", "import_elasticity", "export_elasticity")


@dataclass(frozen=True)
class TradeMarket:
    name: str
    importer: str
    exporter: str
    tariff: Formula
    value: Formula
    import_elasticity: Formula
    export_elasticity: Formula
    form: str = "constant"
    description: str = ""


def trade_names(markets: Mapping[str, TradeMarket]) -> set[str]:
    """Every name the blocks define, for the formulas that follow them."""
    return {f"{m}_{suffix}" for m in markets for suffix in OUTPUTS}


def parse_trade(
    v: Any, raw: Any, players: tuple[Any, ...], quantities: Mapping[str, Any]
) -> dict[str, TradeMarket]:
    """Validate ``[trade]`` with the scenario validator ``v`` (errors go to ``v.err``)."""
    names = {p.name for p in players}
    known = set(quantities) | {lv.name for p in players for lv in p.levers}
    out: dict[str, TradeMarket] = {}
    for mname, body in v.table(raw, "trade").items():
        key = f"trade.{mname}"
        if not v.check_name(mname, key):
            continue
        body = v.table(body, key)
        v.unknown(body, _KEYS, key)
        sides = {k: v.string(body, k, key, required=True) for k in ("importer", "exporter")}
        for k, who in sides.items():
            if who and who not in names:
                v.err(
                    f"{key}.{k}",
                    f"names unknown player '{who}'; expected one of {some_names(names, ordered=False)}",
                )
        if sides["importer"] and sides["importer"] == sides["exporter"]:
            v.err(f"{key}.exporter", "expected a different player from the importer")
        form = v.string(body, "form", key, required=False) or "constant"
        if form not in FORMS:
            v.err(f"{key}.form", f"got {form!r}; expected one of {', '.join(FORMS)}")
        clash = {f"{mname}_{s}" for s in OUTPUTS} & known
        for n in sorted(clash):
            v.err(key, f"the market defines '{n}', which is already a lever, fact or assumption")
        formulas = {k: _formula(v, body, k, key, known) for k in _FORMULAS}
        if all(f is not None for f in formulas.values()):
            out[mname] = TradeMarket(
                mname,
                sides["importer"],
                sides["exporter"],
                form=form,
                description=v.string(body, "description", key, required=False),
                **formulas,
            )  # type: ignore[arg-type]
    return out


def _formula(v: Any, body: Mapping[str, Any], k: str, key: str, known: set[str]) -> Formula | None:
    if k not in body:
        v.err(f"{key}.{k}", "is missing; expected a number or a formula")
        return None
    return v.formula(body[k], f"{key}.{k}", known)


class MarketError(FormulaError):
    """A market whose formulas give an impossible value; ``key`` is its key path."""

    def __init__(self, key: str, expected: str) -> None:
        self.key = key
        self.expected = expected
        super().__init__(f"[{key}] {expected}")


def trade_terms(
    markets: Mapping[str, TradeMarket], env: Mapping[str, Any]
) -> dict[str, np.ndarray]:
    """The names each market defines, evaluated on the arrays of ``env``."""
    out: dict[str, np.ndarray] = {}
    for m in markets.values():
        tariff = m.tariff(env)
        if np.any(tariff <= -1):
            key = f"trade.{m.name}.tariff"
            msg = "reaches -100% or below at some profile; expected a tariff above -1"
            raise MarketError(key, msg)
        parts = [m.value(env), m.import_elasticity(env), m.export_elasticity(env)]
        for what, x in zip(_FORMULAS[1:], parts, strict=True):
            if not np.all(x > 0):
                key = f"trade.{m.name}.{what}"
                msg = "is not positive at some profile; expected a value above 0"
                raise MarketError(key, msg)
        res = market_outcome(Market(*parts, form=m.form), tariff)  # type: ignore[arg-type]
        values = (
            res.consumer_surplus,
            res.revenue,
            res.producer_surplus,
            res.quantity,
            res.import_value,
            res.world_price,
        )
        out.update(
            {
                f"{m.name}_{s}": np.asarray(x, dtype=float)
                for s, x in zip(OUTPUTS, values, strict=True)
            }
        )
    return out
