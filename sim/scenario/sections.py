"""Validation of the sections that refer to players and levers: ``[game]``,
``[profiles]``, ``[truce]`` and ``[bargaining]``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.errors import some_names
from sim.scenario.checks import (
    _GAME_KEYS,
    _PROBABILITY_KEYS,
    BARGAINING_KEYS,
    MAX_PLAYERS,
    TRUCE_KEYS,
    Checks,
    _typename,
)
from sim.scenario.model import BargainingSpec, Lever, Player, Profile, Quantity, TruceSpec
from sim.scenario.truce_model import validate as validate_truce_model


class SectionChecks(Checks):
    """Checks of the sections built on the players (see :class:`Checks`)."""

    def matrix_game(self, raw: Any) -> tuple[dict[str, Any] | None, tuple[Player, ...]]:
        body = self.table(raw, "game")
        self.unknown(body, _GAME_KEYS, "game")
        names = self.strings(body, "players", "game")
        if not 2 <= len(names) <= MAX_PLAYERS:
            self.err("game.players", f"expected 2 to {MAX_PLAYERS} player names, got "
                     f"{len(names)}")
            return None, ()
        if len(set(names)) != len(names):
            self.err("game.players", "expected distinct player names")
            return None, ()
        strategies = self.table(body.get("strategies", {}), "game.strategies")
        self.unknown(strategies, set(names), "game.strategies")
        shape: list[int] = []
        players = []
        for n in names:
            labels = self.strings(strategies, n, "game.strategies")
            if not labels:
                self.err(f"game.strategies.{n}", "is missing; expected a list of strategy names")
            elif len(set(labels)) != len(labels):
                self.err(f"game.strategies.{n}", "expected distinct strategy names")
            shape.append(len(labels))
            lever = Lever(
                name="strategy",
                player=n,
                levels=labels,
                values=tuple(float(i) for i in range(len(labels))),
                refs=(None,) * len(labels),
            )
            players.append(Player(name=n, levers=(lever,)))
        payoffs = self.table(body.get("payoffs", {}), "game.payoffs")
        self.unknown(payoffs, set(names), "game.payoffs")
        matrices: dict[str, list] = {}
        for n in names:
            key = f"game.payoffs.{n}"
            if n not in payoffs:
                self.err(key, f"is missing; expected a payoff array for {n}")
                continue
            if self.nested_numbers(payoffs[n], shape, key):
                matrices[n] = payoffs[n]
        return {"payoffs": matrices, "shape": tuple(shape)}, tuple(players)

    def nested_numbers(self, value: Any, shape: list[int], key: str,
                       full: list[int] | None = None) -> bool:
        full = shape if full is None else full
        if not shape:
            return self.number(value, key) is not None
        if not isinstance(value, list) or len(value) != shape[0]:
            dims = " x ".join(str(s) for s in full)
            got = f"{len(value)} entries" if isinstance(value, list) else _typename(value)
            depth = len(full) - len(shape)
            where = "" if depth == 0 else f" (at depth {depth + 1}, expected {shape[0]})"
            self.err(key, f"expected a {dims} array, one entry per strategy; got {got}{where}")
            return False
        return all(self.nested_numbers(x, shape[1:], key, full) for x in value)

    def profiles(self, raw: Any, players: tuple[Player, ...]) -> dict[str, Profile]:
        out: dict[str, Profile] = {}
        for name, body in self.table(raw, "profiles").items():
            profile = self.profile(body, f"profiles.{name}", players)
            if profile is not None:
                out[name] = profile
        return out

    def profile(self, body: Any, key: str, players: tuple[Player, ...]) -> Profile | None:
        """A profile: ``{player: {lever: level}}``, or ``{player: level}`` for one-lever players."""
        body = self.table(body, key)
        by_name = {p.name: p for p in players}
        self.unknown(body, set(by_name), key)
        out: Profile = {}
        ok = True
        for p in players:
            pk = f"{key}.{p.name}"
            if p.name not in body:
                self.err(pk, f"is missing; expected the levels {p.name} plays")
                ok = False
                continue
            choice = body[p.name]
            if isinstance(choice, str) and len(p.levers) == 1:
                choice = {p.levers[0].name: choice}
            if not isinstance(choice, dict):
                self.err(pk, 'expected a table { lever = "level" }')
                ok = False
                continue
            levers = {lv.name: lv for lv in p.levers}
            self.unknown(choice, set(levers), pk)
            for lname, lever in levers.items():
                level = choice.get(lname)
                if level not in lever.levels:
                    self.err(
                        f"{pk}.{lname}",
                        f"got {level!r}; expected one of the levels {some_names(lever.levels)}",
                    )
                    ok = False
            out[p.name] = {k: choice[k] for k in levers if k in choice}
        return out if ok else None

    def ref(
        self,
        value: Any,
        key: str,
        quantities: Mapping[str, Quantity],
        *,
        lo: float | None = None,
        hi: float | None = None,
        open_lo: bool = False,
        open_hi: bool = False,
    ) -> float | str | None:
        """A number, or the name of a fact/assumption; checks the range of its value."""
        if isinstance(value, str):
            if value not in quantities:
                self.err(key, f"names '{value}', which is not a fact or assumption")
                return None
            number = quantities[value].value
            out: float | str = value
        else:
            number = self.number(value, key)
            if number is None:
                return None
            out = number
        bad_lo = lo is not None and (number <= lo if open_lo else number < lo)
        bad_hi = hi is not None and (number >= hi if open_hi else number > hi)
        if bad_lo or bad_hi:
            left = "(" if open_lo or lo is None else "["
            right = ")" if open_hi or hi is None else "]"
            low = "-inf" if lo is None else f"{lo:g}"
            high = "inf" if hi is None else f"{hi:g}"
            self.err(key, f"{number:g} is outside {left}{low}, {high}{right}")
            return None
        return out

    def named_or_inline_profile(
        self, value: Any, key: str, players: tuple[Player, ...], profiles: Mapping[str, Profile]
    ) -> str | Profile | None:
        if isinstance(value, str):
            if value not in profiles:
                self.err(
                    key,
                    f"names profile '{value}', which is not in [profiles] "
                    f"(known: {some_names(profiles) or 'none'})",
                )
                return None
            return value
        return self.profile(value, key, players)

    def point(self, value: Any, key: str, profiles: Mapping[str, Profile]) -> Any:
        """``'nash'``, ``'minmax'`` or a profile name: a punishment or disagreement point."""
        if not isinstance(value, str) or (
            value not in {"nash", "minmax"} and value not in profiles
        ):
            self.err(key, f"got {value!r}; expected 'nash', 'minmax' or a profile name "
                          "from [profiles]")
        return value

    def truce(
        self,
        raw: Any,
        players: tuple[Player, ...],
        profiles: Mapping[str, Profile],
        quantities: Mapping[str, Quantity],
    ) -> TruceSpec | None:
        if raw is None:
            return None
        body = self.table(raw, "truce")
        self.unknown(body, TRUCE_KEYS, "truce")
        out: dict[str, Any] = {}
        if "profile" not in body:
            self.err("truce.profile", "is missing; expected a profile name or table")
        for k in ("profile", "escalation"):
            if k in body:
                out[k] = self.named_or_inline_profile(body[k], f"truce.{k}", players, profiles)
        for k in ("length_days", "period_days"):
            if k in body:
                out[k] = self.ref(body[k], f"truce.{k}", quantities, lo=0, open_lo=True)
        if "discount" in body:
            out["discount"] = self.ref(
                body["discount"],
                "truce.discount",
                quantities,
                lo=0,
                hi=1,
                open_lo=True,
                open_hi=True,
            )
        if "annual_discount_rate" in body:
            out["annual_discount_rate"] = self.ref(
                body["annual_discount_rate"], "truce.annual_discount_rate", quantities, lo=0
            )
        for k in sorted(_PROBABILITY_KEYS & set(body)):
            out[k] = self.ref(body[k], f"truce.{k}", quantities, lo=0, hi=1)
        if "punishment" in body:
            out["punishment"] = self.point(body["punishment"], "truce.punishment", profiles)
        if "punishment_periods" in body:
            k = body["punishment_periods"]
            if isinstance(k, bool) or not isinstance(k, int) or k < 1:
                self.err("truce.punishment_periods", f"expected a whole number >= 1, got {k!r}")
            out["punishment_periods"] = k
        if "strategies" in body:
            out["strategies"] = self.strings(body, "strategies", "truce")
        model: dict[str, Any] = {}
        validate_truce_model(self, body, model, players, profiles, quantities)
        out["model"] = model
        return None if self.errors else TruceSpec(**out)

    def bargaining(
        self,
        raw: Any,
        players: tuple[Player, ...],
        profiles: Mapping[str, Profile],
        quantities: Mapping[str, Quantity],
    ) -> BargainingSpec | None:
        if raw is None:
            return None
        body = self.table(raw, "bargaining")
        self.unknown(body, BARGAINING_KEYS, "bargaining")
        out: dict[str, Any] = {}
        names = {p.name for p in players}
        levers = {lv.name for p in players for lv in p.levers}
        if "disagreement" in body:
            out["disagreement"] = self.point(
                body["disagreement"], "bargaining.disagreement", profiles
            )
        if "outside_options" in body:
            opts = self.table(body["outside_options"], "bargaining.outside_options")
            self.unknown(opts, names, "bargaining.outside_options")
            out["outside_options"] = {
                p: self.ref(v, f"bargaining.outside_options.{p}", quantities)
                for p, v in opts.items()
            }
        if "issues" in body:
            out["issues"] = self.issues(body["issues"], levers)
        if "move_order" in body:
            order = self.strings(body, "move_order", "bargaining")
            for p in order:
                if p not in names:
                    self.err("bargaining.move_order", f"names unknown player '{p}'")
            out["move_order"] = order
        return None if self.errors else BargainingSpec(**out)

    def issues(self, raw: Any, levers: set[str],
               where: str = "bargaining.issues") -> dict[str, tuple[str, ...]]:
        table = self.table(raw, where)
        owner: dict[str, str] = {}
        out = {}
        for issue in table:
            key = f"{where}.{issue}"
            names = self.strings(table, issue, where)
            for lv in names:
                if lv not in levers:
                    self.err(key, f"names unknown lever '{lv}'")
                elif lv in owner:
                    self.err(
                        key,
                        f"lever '{lv}' is already in issue '{owner[lv]}'; "
                        "expected each lever in one issue",
                    )
                else:
                    owner[lv] = issue
            out[issue] = names
        return out
