"""A class game's state in SQLite, and its life cycle (join, rounds, offers, end).

Every change is one ``BEGIN IMMEDIATE`` transaction committed before the server answers,
in a database in write-ahead-log mode with ``synchronous=FULL``: a server killed at any
moment restarts with every answered move, and the game resumes where it was. Nothing of
the game lives only in memory; the :class:`~sim.serve.engine.Classroom` objects cached here
are rebuilt from the stored scenario text. Time only moves the game forward when a request
arrives (:meth:`Store.tick`): the deadline of a round is checked against the clock then.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.serve import engine, setup
from sim.serve.engine import Classroom
from sim.serve.offers import Bargaining
from sim.serve.setup import Conflict, Gone, MoveError, NotFound, Pair

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS games (
  id INTEGER PRIMARY KEY, code TEXT UNIQUE NOT NULL, secret TEXT UNIQUE NOT NULL,
  created REAL NOT NULL, expires REAL NOT NULL, scenario TEXT NOT NULL, text TEXT NOT NULL,
  settings TEXT NOT NULL, state TEXT NOT NULL, round INTEGER NOT NULL DEFAULT 0,
  deadline REAL, remaining REAL, stop_round INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS seats (
  id INTEGER PRIMARY KEY, game INTEGER NOT NULL, token TEXT UNIQUE NOT NULL,
  nickname TEXT NOT NULL, folded TEXT NOT NULL, joined REAL NOT NULL, seen REAL NOT NULL,
  pair INTEGER, side INTEGER, UNIQUE (game, folded));
CREATE TABLE IF NOT EXISTS pairs (
  game INTEGER NOT NULL, id INTEGER NOT NULL, seat0 INTEGER, seat1 INTEGER,
  noise INTEGER NOT NULL, linked INTEGER NOT NULL, first_round INTEGER NOT NULL,
  PRIMARY KEY (game, id));
CREATE TABLE IF NOT EXISTS moves (
  game INTEGER NOT NULL, round INTEGER NOT NULL, seat INTEGER NOT NULL, strategy INTEGER NOT NULL,
  auto INTEGER NOT NULL, at REAL NOT NULL, PRIMARY KEY (seat, round));
CREATE TABLE IF NOT EXISTS results (
  game INTEGER NOT NULL, round INTEGER NOT NULL, pair INTEGER NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (game, pair, round));
CREATE TABLE IF NOT EXISTS offers (
  id INTEGER PRIMARY KEY, game INTEGER NOT NULL, pair INTEGER NOT NULL, side INTEGER NOT NULL,
  row INTEGER NOT NULL, col INTEGER NOT NULL, at REAL NOT NULL, robot INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS deals (
  game INTEGER NOT NULL, pair INTEGER NOT NULL, offer INTEGER, data TEXT NOT NULL,
  PRIMARY KEY (game, pair));
"""

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Join codes avoid look-alikes (no I, O, 0, 1)."""
CODE_LENGTH = 5
MAX_SEATS = 400
MAX_CELLS = 2 * 10_000
"""Largest game a class plays (payoff cells: 2 players x profiles, e.g. 100 x 100
strategies); a request must not build or solve a game that takes minutes."""
MAX_NICKNAME = 24


class Store(Bargaining):
    """The class games in one SQLite file. Thread-safe: one lock around each transaction."""

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.clock = clock
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(SCHEMA)
        self._rooms: dict[int, Classroom] = {}
        self.cache: dict[Any, Any] = {}
        """Values computed once per game from its scenario (e.g. the theory panel)."""

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: committed on success, rolled back on any error."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _one(self, sql: str, *args: Any) -> sqlite3.Row | None:
        """One row; under the lock, so a reader never sees another thread's open
        transaction on the shared connection."""
        with self._lock:
            return self._db.execute(sql, args).fetchone()

    def _all(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # ------------------------------------------------------------------ keys

    def admin_key(self) -> str:
        """The key that lets a teacher open class games (made once, kept in the file)."""
        with self.tx() as db:
            row = db.execute("SELECT value FROM meta WHERE key='admin'").fetchone()
            if row:
                return str(row["value"])
            key = secrets.token_urlsafe(18)
            db.execute("INSERT INTO meta VALUES ('admin', ?)", (key,))
            return key

    # ------------------------------------------------------------------ games

    def create(self, name: str, text: str, raw_settings: dict[str, Any]) -> dict[str, Any]:
        """Open a class game (validating the scenario and the settings first)."""
        from pathlib import PurePath

        from sim.errors import LimitError
        from sim.scenario import loads_scenario
        from sim.scenario.build import build_game

        s = setup.settings(raw_settings)
        scenario = loads_scenario(text, Path(PurePath(name).name or "upload.toml"))
        try:
            game = build_game(scenario, max_cells=MAX_CELLS)
        except LimitError:
            msg = (f"{scenario.name}: too large for a class game (over {MAX_CELLS // 2:,} "
                   "strategy profiles); use a scenario with fewer levers or levels")
            raise InputError(msg) from None
        room = engine.classroom(scenario, game, s)
        now = self.clock()
        with self.tx() as db:
            code = self._new_code()
            secret = secrets.token_urlsafe(24)
            cur = db.execute(
                "INSERT INTO games (code, secret, created, expires, scenario, text, settings, "
                "state, round, stop_round) VALUES (?,?,?,?,?,?,?,?,0,?)",
                (code, secret, now, now + s.expire_hours * 3600, scenario.name, text,
                 json.dumps(s.to_dict()), "lobby", room.stop_round()))
            gid = int(cur.lastrowid or 0)
        self._rooms[gid] = room
        return {"id": gid, "code": code, "secret": secret}

    def _new_code(self) -> str:
        for _ in range(100):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if self._one("SELECT 1 FROM games WHERE code=?", code) is None:
                return code
        msg = "could not find a free join code"  # pragma: no cover
        raise Conflict(msg)  # pragma: no cover

    def room(self, game: sqlite3.Row) -> Classroom:
        gid = int(game["id"])
        if gid not in self._rooms:
            from sim.scenario import loads_scenario
            from sim.scenario.build import build_game

            s = setup.Settings(**json.loads(game["settings"]))
            sc = loads_scenario(game["text"], Path(f"{game['scenario']}.toml"))
            self._rooms[gid] = engine.classroom(sc, build_game(sc), s)
        return self._rooms[gid]

    def game(self, *, code: str | None = None, secret: str | None = None,
             gid: int | None = None) -> sqlite3.Row:
        """A live game by join code, teacher secret or id (404 unknown, 410 expired)."""
        if code is not None:
            row = self._one("SELECT * FROM games WHERE code=?", code.strip().upper())
        elif secret is not None:
            row = self._one("SELECT * FROM games WHERE secret=?", secret)
        else:
            row = self._one("SELECT * FROM games WHERE id=?", gid)
        if row is None:
            msg = "no class game with that code" if code is not None else "unknown link"
            raise NotFound(msg)
        if self.clock() > row["expires"]:
            msg = "this class game has expired; ask the teacher for a new code"
            raise Gone(msg)
        return row

    def seat(self, token: str) -> tuple[sqlite3.Row, sqlite3.Row]:
        """A seat by its token, with its game."""
        row = self._one("SELECT * FROM seats WHERE token=?", token)
        if row is None:
            msg = "unknown seat; join again with the class code"
            raise NotFound(msg)
        return row, self.game(gid=row["game"])

    # ------------------------------------------------------------------ joining

    def join(self, code: str, nickname: Any) -> dict[str, Any]:
        """Take a seat with a nickname (unique in the game, case-insensitively)."""
        nick = _nickname(nickname)
        with self.tx():
            game = self.game(code=code)
            self._tick(game)
            game = self.game(gid=game["id"])
            if game["state"] == "ended":
                msg = "this class game has ended"
                raise Conflict(msg)
            if self._one("SELECT COUNT(*) AS n FROM seats WHERE game=?", game["id"])["n"] \
                    >= MAX_SEATS:
                msg = f"this class game is full ({MAX_SEATS} seats)"
                raise Conflict(msg)
            folded = nick.casefold()
            if self._one("SELECT 1 FROM seats WHERE game=? AND folded=?", game["id"], folded):
                msg = f"the nickname '{nick}' is taken in this game; choose another"
                raise Conflict(msg)
            token = secrets.token_urlsafe(18)
            now = self.clock()
            cur = self._db.execute(
                "INSERT INTO seats (game, token, nickname, folded, joined, seen) "
                "VALUES (?,?,?,?,?,?)", (game["id"], token, nick, folded, now, now))
            if game["state"] != "lobby":  # a late arrival plays a robot from this round on
                self._late_pair(game, int(cur.lastrowid or 0))
        return {"token": token, "nickname": nick}

    def _late_pair(self, game: sqlite3.Row, seat: int) -> None:
        room = self.room(game)
        next_id = self._one("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM pairs WHERE game=?",
                            game["id"])["n"]
        side = (next_id + 1) % 2
        seats = (seat, None) if side == 0 else (None, seat)
        pair = setup.treated(int(next_id), seats, room.settings, max(1, game["round"]))
        self._save_pairs(game, [pair])
        self._robot_opens(game, room, [pair])

    def _save_pairs(self, game: sqlite3.Row, pairs: list[Pair]) -> None:
        for p in pairs:
            self._db.execute("INSERT INTO pairs VALUES (?,?,?,?,?,?,?)",
                             (game["id"], p.id, p.seats[0], p.seats[1], int(p.noise),
                              int(p.linked), p.first_round))
            for side, seat in enumerate(p.seats):
                if seat is not None:
                    self._db.execute("UPDATE seats SET pair=?, side=? WHERE id=?",
                                     (p.id, side, seat))

    def pairs(self, game: sqlite3.Row) -> list[Pair]:
        return [Pair(id=r["id"], seats=(r["seat0"], r["seat1"]), noise=bool(r["noise"]),
                     linked=bool(r["linked"]), first_round=r["first_round"])
                for r in self._all("SELECT * FROM pairs WHERE game=? ORDER BY id", game["id"])]

    # ------------------------------------------------------------------ teacher controls

    def control(self, secret: str, action: Any) -> None:
        """``start``, ``pause``, ``resume``, ``close`` (the round now) or ``end``."""
        actions = ("start", "pause", "resume", "close", "end")
        if action not in actions:
            msg = f"action: expected one of {', '.join(actions)}, got {str(action)[:40]!r}"
            raise MoveError(msg)
        with self.tx():
            game = self.game(secret=secret)
            self._tick(game)
            game = self.game(gid=game["id"])
            getattr(self, f"_{action}")(game)

    def _start(self, game: sqlite3.Row) -> None:
        if game["state"] != "lobby":
            msg = "the game has already started"
            raise Conflict(msg)
        seats = [r["id"] for r in self._all("SELECT id FROM seats WHERE game=? ORDER BY id",
                                            game["id"])]
        if not seats:
            msg = "nobody has joined yet; share the code first"
            raise Conflict(msg)
        room = self.room(game)
        self._save_pairs(game, setup.pair_up(seats, room.settings))
        self._set(game, state="running", round=1, deadline=self._deadline(room), remaining=None)
        self._robot_opens(game, room, self.pairs(game))

    def _robot_opens(self, game: sqlite3.Row, room: Classroom, pairs: list[Pair]) -> None:
        """In a bargaining round a robot partner opens with the deal it aims for."""
        if room.settings.activity != "bargain" or room.target is None:
            return
        for pair in pairs:
            if pair.robot_side is not None:
                self._db.execute(
                    "INSERT INTO offers (game, pair, side, row, col, at, robot) "
                    "VALUES (?,?,?,?,?,?,1)", (game["id"], pair.id, pair.robot_side,
                                               room.target[0], room.target[1], self.clock()))

    def _deadline(self, room: Classroom) -> float | None:
        s = room.settings
        seconds = s.bargain_seconds if s.activity == "bargain" else s.round_seconds
        return self.clock() + seconds if seconds else None

    def _pause(self, game: sqlite3.Row) -> None:
        if game["state"] != "running":
            msg = "only a running game can be paused"
            raise Conflict(msg)
        left = None if game["deadline"] is None else max(0.0, game["deadline"] - self.clock())
        self._set(game, state="paused", deadline=None, remaining=left)

    def _resume(self, game: sqlite3.Row) -> None:
        if game["state"] != "paused":
            msg = "the game is not paused"
            raise Conflict(msg)
        left = game["remaining"]
        self._set(game, state="running", remaining=None,
                  deadline=None if left is None else self.clock() + left)

    def _close(self, game: sqlite3.Row) -> None:
        if game["state"] not in {"running", "paused"}:
            msg = "no round is open"
            raise Conflict(msg)
        self._advance(game)

    def _end(self, game: sqlite3.Row) -> None:
        if game["state"] == "ended":
            return
        if game["state"] in {"running", "paused"}:
            self._advance(game, last=True)
        self._set(self.game(gid=game["id"]), state="ended", deadline=None, remaining=None)

    def _set(self, game: sqlite3.Row, **values: Any) -> None:
        cols = ", ".join(f"{k}=?" for k in values)
        self._db.execute(f"UPDATE games SET {cols} WHERE id=?", (*values.values(), game["id"]))

    # ------------------------------------------------------------------ time

    def tick(self, gid: int) -> None:
        """Close what the clock or the moves say is over (called on every request)."""
        with self.tx():
            self._tick(self.game(gid=gid))

    def _tick(self, game: sqlite3.Row) -> None:
        if game["state"] != "running":
            return
        room = self.room(game)
        late = game["deadline"] is not None and self.clock() >= game["deadline"]
        if room.settings.activity == "bargain":
            open_pairs = [p for p in self.pairs(game) if not self._deal(game, p.id)]
            if late or not open_pairs:
                self._advance(game)
            return
        if late or self._all_in(game):
            self._advance(game)

    def _all_in(self, game: sqlite3.Row) -> bool:
        waiting = self._one(
            "SELECT COUNT(*) AS n FROM seats s JOIN pairs p ON p.game=s.game AND p.id=s.pair "
            "WHERE s.game=? AND p.first_round<=? AND NOT EXISTS (SELECT 1 FROM moves m "
            "WHERE m.seat=s.id AND m.round=?)", game["id"], game["round"], game["round"])
        return waiting["n"] == 0

    def _advance(self, game: sqlite3.Row, *, last: bool = False) -> None:
        """Resolve the open round (or the bargaining) and open the next one or end."""
        room = self.room(game)
        if room.settings.activity == "bargain":
            self._settle(game, room)
            self._set(game, state="ended", deadline=None, remaining=None)
            return
        rnd = game["round"]
        for pair in self.pairs(game):
            if pair.first_round <= rnd:
                self._resolve(game, room, pair, rnd)
        if last or rnd >= game["stop_round"]:
            self._set(game, state="ended", deadline=None, remaining=None)
        else:
            self._set(game, state="running", round=rnd + 1, deadline=self._deadline(room),
                      remaining=None)

    def history(self, game: sqlite3.Row, pair: int) -> list[dict[str, Any]]:
        return [json.loads(r["data"]) for r in self._all(
            "SELECT data FROM results WHERE game=? AND pair=? ORDER BY round", game["id"], pair)]

    def _resolve(self, game: sqlite3.Row, room: Classroom, pair: Pair, rnd: int) -> None:
        if self._one("SELECT 1 FROM results WHERE game=? AND pair=? AND round=?",
                     game["id"], pair.id, rnd):
            return
        history = self.history(game, pair.id)
        meant = [0, 0]
        auto = [False, False]
        for side, seat in enumerate(pair.seats):
            if seat is None:
                meant[side] = room.robot_move(pair, rnd, history)
                continue
            row = self._one("SELECT strategy FROM moves WHERE seat=? AND round=?", seat, rnd)
            if row is None:  # no move by the deadline: the previous one, else the truce's
                prev = self._one("SELECT strategy FROM moves WHERE seat=? AND round<? "
                                 "ORDER BY round DESC LIMIT 1", seat, rnd)
                meant[side] = (prev["strategy"] if prev else
                               room.truce[side] if room.truce else 0)
                auto[side] = True
                self._db.execute("INSERT INTO moves VALUES (?,?,?,?,1,?)",
                                 (game["id"], rnd, seat, meant[side], self.clock()))
            else:
                meant[side] = row["strategy"]
        data = room.resolve(pair, rnd, (meant[0], meant[1]), history)
        for side in (0, 1):
            data["sides"][side]["auto"] = auto[side]
        self._db.execute("INSERT INTO results VALUES (?,?,?,?)",
                         (game["id"], rnd, pair.id, json.dumps(data)))

    # ------------------------------------------------------------------ students' moves

    def submit(self, token: str, body: Any) -> dict[str, Any]:
        """Store a seat's move for the open round: ``{"round": n, "levels": {lever: level}}``.

        Refused, with nothing stored, when the round is not open, was already answered, or a
        level is not one of the lever's."""
        if not isinstance(body, dict) or set(body) != {"round", "levels"}:
            msg = "expected {\"round\": N, \"levels\": {lever: level}}"
            raise MoveError(msg)
        with self.tx():
            seat, game = self.seat(token)
            self._tick(game)
            game = self.game(gid=game["id"])
            room = self.room(game)
            if room.settings.activity == "bargain":
                msg = "this game is a bargaining round: make or accept an offer instead"
                raise Conflict(msg)
            self._touch(seat)
            if seat["pair"] is None:
                msg = "the game has not started yet"
                raise Conflict(msg)
            if game["state"] != "running":
                msg = {"paused": "the game is paused; wait for the teacher",
                       "ended": "the game has ended", "lobby": "the game has not started yet"
                       }[game["state"]]
                raise Conflict(msg)
            rnd = body["round"]
            if isinstance(rnd, bool) or not isinstance(rnd, int) or rnd != game["round"]:
                msg = f"round {str(rnd)[:12]} is not open; round {game['round']} is"
                raise Conflict(msg)
            strategy = room.index(seat["side"], body["levels"])
            if self._one("SELECT 1 FROM moves WHERE seat=? AND round=?", seat["id"], rnd):
                msg = f"you already moved in round {rnd}"
                raise Conflict(msg)
            self._db.execute("INSERT INTO moves VALUES (?,?,?,?,0,?)",
                             (game["id"], rnd, seat["id"], strategy, self.clock()))
            self._tick(self.game(gid=game["id"]))
        return {"round": rnd, "stored": True}

    def _touch(self, seat: sqlite3.Row) -> None:
        self._db.execute("UPDATE seats SET seen=? WHERE id=?", (self.clock(), seat["id"]))

    # ------------------------------------------------------------------ reading

    def results(self, game: sqlite3.Row) -> list[dict[str, Any]]:
        return [json.loads(r["data"]) for r in self._all(
            "SELECT data FROM results WHERE game=? ORDER BY round, pair", game["id"])]

    def seats(self, game: sqlite3.Row) -> list[sqlite3.Row]:
        return self._all("SELECT * FROM seats WHERE game=? ORDER BY id", game["id"])

    def moves(self, game: sqlite3.Row) -> list[sqlite3.Row]:
        return self._all("SELECT * FROM moves WHERE game=? ORDER BY round, seat", game["id"])

    def moved(self, game: sqlite3.Row, rnd: int) -> set[int]:
        return {r["seat"] for r in self._all("SELECT seat FROM moves WHERE game=? AND round=?",
                                             game["id"], rnd)}


def _nickname(raw: Any) -> str:
    """A nickname: 1 to 24 printable characters after trimming (NFC-normalised)."""
    if not isinstance(raw, str):
        msg = "nickname: expected text"
        raise MoveError(msg)
    nick = " ".join(unicodedata.normalize("NFC", raw).split())
    if not 1 <= len(nick) <= MAX_NICKNAME:
        msg = f"nickname: expected 1 to {MAX_NICKNAME} characters"
        raise MoveError(msg)
    if any(unicodedata.category(c)[0] == "C" for c in nick):
        msg = "nickname: control characters are not allowed"
        raise MoveError(msg)
    return nick
