"""Bargaining in a class game: offers over both sides' levers, acceptance, the fallback.

A mixin of :class:`sim.serve.store.Store` (it uses the store's database, lock and clock).
A pair's offers are kept in order; only the partner's latest offer can be accepted; a robot
partner answers at once (:meth:`sim.serve.engine.Classroom.robot_accepts`, else it repeats
its own aim); pairs without a deal at the deadline get the disagreement point.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from sim.serve.engine import Classroom
from sim.serve.setup import Conflict, MoveError, NotFound, Pair

MAX_OFFERS_PER_PAIR = 200


class Bargaining:
    """Offers and deals (mixed into :class:`~sim.serve.store.Store`)."""

    _db: sqlite3.Connection

    def _deal(self, game: sqlite3.Row, pair: int) -> sqlite3.Row | None:
        return self._one("SELECT * FROM deals WHERE game=? AND pair=?", game["id"], pair)

    def _bargain_seat(self, token: str) -> tuple[sqlite3.Row, sqlite3.Row, Classroom, Pair]:
        seat, game = self.seat(token)
        self._tick(game)
        game = self.game(gid=game["id"])
        room = self.room(game)
        if room.settings.activity != "bargain":
            msg = "this game has no bargaining round"
            raise Conflict(msg)
        if game["state"] != "running" or seat["pair"] is None:
            msg = "offers can be made only while the bargaining round is running"
            raise Conflict(msg)
        pair = next(p for p in self.pairs(game) if p.id == seat["pair"])
        if self._deal(game, pair.id):
            msg = "your pair already has a deal"
            raise Conflict(msg)
        self._touch(seat)
        return seat, game, room, pair

    def offer(self, token: str, body: Any) -> dict[str, Any]:
        """Propose a deal ``{"levels": {player: {lever: level}}}`` to the partner."""
        if not isinstance(body, dict) or set(body) != {"levels"}:
            msg = "expected {\"levels\": {player: {lever: level}}}"
            raise MoveError(msg)
        with self.tx():
            seat, game, room, pair = self._bargain_seat(token)
            deal = room.offer(body["levels"])
            count = self._one("SELECT COUNT(*) AS n FROM offers WHERE game=? AND pair=?",
                              game["id"], pair.id)["n"]
            if count >= MAX_OFFERS_PER_PAIR:
                msg = f"a pair can make at most {MAX_OFFERS_PER_PAIR} offers"
                raise Conflict(msg)
            cur = self._db.execute(
                "INSERT INTO offers (game, pair, side, row, col, at, robot) "
                "VALUES (?,?,?,?,?,?,0)", (game["id"], pair.id, seat["side"], deal[0], deal[1],
                                           self.clock()))
            oid = int(cur.lastrowid or 0)
            robot = pair.robot_side
            if robot is not None:
                if room.robot_accepts(robot, deal):
                    self._agree(game, room, pair, oid, deal)
                elif room.target is not None:
                    self._db.execute(
                        "INSERT INTO offers (game, pair, side, row, col, at, robot) "
                        "VALUES (?,?,?,?,?,?,1)", (game["id"], pair.id, robot, room.target[0],
                                                   room.target[1], self.clock()))
            self._tick(self.game(gid=game["id"]))
        return {"offer": oid}

    def accept(self, token: str, body: Any) -> dict[str, Any]:
        """Accept the partner's latest offer: ``{"offer": id}``."""
        if not isinstance(body, dict) or set(body) != {"offer"} or isinstance(
                body["offer"], bool) or not isinstance(body["offer"], int):
            msg = "expected {\"offer\": N}"
            raise MoveError(msg)
        with self.tx():
            seat, game, room, pair = self._bargain_seat(token)
            row = self._one("SELECT * FROM offers WHERE id=? AND game=? AND pair=?",
                            body["offer"], game["id"], pair.id)
            if row is None:
                msg = "no such offer in your pair"
                raise NotFound(msg)
            if row["side"] == seat["side"]:
                msg = "you cannot accept your own offer"
                raise Conflict(msg)
            latest = self._one("SELECT MAX(id) AS id FROM offers WHERE game=? AND pair=? "
                               "AND side=?", game["id"], pair.id, row["side"])
            if latest["id"] != row["id"]:
                msg = "that offer was replaced by a newer one from your partner"
                raise Conflict(msg)
            self._agree(game, room, pair, row["id"], (row["row"], row["col"]))
            self._tick(self.game(gid=game["id"]))
        return {"deal": True}

    def _agree(self, game: sqlite3.Row, room: Classroom, pair: Pair, offer: int | None,
               deal: tuple[int, int]) -> None:
        pay = room.payoffs(*deal)
        start = None if game["deadline"] is None else \
            game["deadline"] - room.settings.bargain_seconds
        data = {"pair": pair.id, "agreed": True, "profile": list(deal), "payoffs": list(pay),
                "levels": [room.choice(0, deal[0]), room.choice(1, deal[1])],
                "seconds": None if start is None else round(self.clock() - start, 1)}
        self._db.execute("INSERT INTO deals VALUES (?,?,?,?)",
                         (game["id"], pair.id, offer, json.dumps(data)))

    def _settle(self, game: sqlite3.Row, room: Classroom) -> None:
        """Pairs without a deal at the deadline get the disagreement point."""
        d = room.disagreement
        for pair in self.pairs(game):
            if self._deal(game, pair.id):
                continue
            data = {"pair": pair.id, "agreed": False, "profile": None,
                    "payoffs": None if d is None else [float(d[0]), float(d[1])],
                    "levels": None, "seconds": None}
            self._db.execute("INSERT INTO deals VALUES (?,?,NULL,?)",
                             (game["id"], pair.id, json.dumps(data)))

    def offers(self, game: sqlite3.Row, pair: int) -> list[sqlite3.Row]:
        return self._all("SELECT * FROM offers WHERE game=? AND pair=? ORDER BY id",
                         game["id"], pair)

    def deals(self, game: sqlite3.Row) -> dict[int, dict[str, Any]]:
        return {r["pair"]: json.loads(r["data"])
                for r in self._all("SELECT * FROM deals WHERE game=?", game["id"])}
