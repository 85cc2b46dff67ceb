"""What each page sees: a student's seat, the teacher's dashboard, the debrief and exports.

Each function reads the store and returns JSON-ready data; a student's view holds only
their own seat, their own pair's rounds and what their partner was *seen* to do.
"""

from __future__ import annotations

import csv
import io
import math
import sqlite3
from collections.abc import Mapping
from typing import Any

from sim.serve import theory
from sim.serve.engine import Classroom
from sim.serve.setup import Pair
from sim.serve.store import Store


def predictions(store: Store, game: sqlite3.Row) -> dict[str, Any]:
    """The theory panel, computed once per game (it depends only on the scenario)."""
    key = ("theory", int(game["id"]))
    if key not in store.cache:
        store.cache[key] = theory.predictions(store.room(game))
    return store.cache[key]


def _left(store: Store, game: sqlite3.Row) -> float | None:
    if game["state"] == "paused":
        return game["remaining"]
    if game["deadline"] is None:
        return None
    return max(0.0, round(game["deadline"] - store.clock(), 1))


def _game(store: Store, game: sqlite3.Row, room: Classroom) -> dict[str, Any]:
    s = room.settings
    return {"code": game["code"], "title": room.scenario.title, "scenario": game["scenario"],
            "activity": s.activity, "state": game["state"], "round": game["round"],
            "seconds_left": _left(store, game), "show_moves": s.show_moves,
            "continuation": room.continuation if s.activity == "truce" else None,
            "players": list(room.players)}


def _levels(choice: Mapping[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in choice.items())


# --------------------------------------------------------------------------- a student


def seat_view(store: Store, seat: sqlite3.Row, game: sqlite3.Row) -> dict[str, Any]:
    """A student's page: their role, levers, rounds, payoffs and partner as seen."""
    room = store.room(game)
    view: dict[str, Any] = {"game": _game(store, game, room),
                            "you": {"nickname": seat["nickname"]}, "paired": False}
    if seat["pair"] is None:
        return view
    side = int(seat["side"])
    pair = next(p for p in store.pairs(game) if p.id == seat["pair"])
    other = 1 - side
    view["paired"] = True
    view["you"].update({
        "side": side, "player": room.players[side], "partner_player": room.players[other],
        "partner": "a robot" if pair.seats[other] is None else "a classmate",
        "noise": room.noise_perception if pair.noise and room.settings.activity == "truce"
        else 0.0,
        "linked": pair.linked, "first_round": pair.first_round})
    view["levers"] = room.levers(side)
    if room.settings.activity == "bargain":
        view["bargain"] = _bargain_view(store, game, room, pair, side)
        return view
    if room.truce is not None and room.settings.activity == "truce":
        view["parts"] = [{"name": n, "levers": [lv for lv in levers
                                                if lv in room.game.levers[side]]}
                         for n, levers in room.parts(pair.linked) if room.owns(side, levers)]
    view["moved"] = seat["id"] in store.moved(game, game["round"])
    history = []
    total = 0.0
    for r in store.history(game, pair.id):
        mine, theirs = r["sides"][side], r["sides"][other]
        total += mine["payoff"]
        row = {"round": r["round"], "you": _levels(mine["played"]), "label": mine["label"],
               "meant": _levels(mine["meant"]), "slipped": mine["slipped"],
               "auto": mine.get("auto", False), "payoff": mine["payoff"], "total": total,
               "partner_kept": {k: v for k, v in theirs["seen"].items()
                                if room.owns(other, dict(room.parts(pair.linked))[k])}}
        if room.settings.show_moves:
            row["partner"] = _levels(theirs["observed"])
        history.append(row)
    view["history"] = history
    view["total"] = total
    return view


def _bargain_view(store: Store, game: sqlite3.Row, room: Classroom, pair: Pair, side: int
                  ) -> dict[str, Any]:
    offers = []
    for o in store.offers(game, pair.id):
        deal = (o["row"], o["col"])
        offers.append({"id": o["id"], "from": "you" if o["side"] == side else "partner",
                       "levels": {room.players[0]: room.choice(0, deal[0]),
                                  room.players[1]: room.choice(1, deal[1])},
                       "payoffs": list(room.payoffs(*deal))})
    deal = store.deals(game).get(pair.id)
    d = room.disagreement
    return {"offers": offers, "deal": deal,
            "disagreement": None if d is None else [float(d[0]), float(d[1])],
            "partner_levers": room.levers(1 - side)}


# --------------------------------------------------------------------------- the teacher


def teacher_view(store: Store, game: sqlite3.Row) -> dict[str, Any]:
    """The dashboard: seats, pairs, live class statistics and the theory."""
    room = store.room(game)
    pairs = store.pairs(game)
    moved = store.moved(game, game["round"])
    seats = store.seats(game)
    nick = {s["id"]: s["nickname"] for s in seats}
    deals = store.deals(game)
    results = store.results(game)
    stats = theory.class_stats(room, pairs, results, deals)
    return {
        "game": _game(store, game, room),
        "settings": room.settings.to_dict(),
        "continuation_source": room.continuation_source,
        "seats": [{"nickname": s["nickname"], "pair": s["pair"],
                   "player": None if s["side"] is None else room.players[s["side"]],
                   "moved": s["id"] in moved, "idle": round(store.clock() - s["seen"])}
                  for s in seats],
        "pairs": [{"id": p.id, "treatment": theory.treatment(p, room),
                   "seats": [("robot " + room.settings.robot) if x is None else nick.get(x, "?")
                             for x in p.seats],
                   "deal": deals.get(p.id)} for p in pairs],
        "stats": stats,
        "theory": predictions(store, game),
        "version": f"{game['state']}-{game['round']}-{len(results)}-{len(deals)}-{len(pairs)}",
    }


def debrief(store: Store, game: sqlite3.Row) -> list[dict[str, Any]]:
    """Prompts comparing the class's play with the model and with the scenario's story."""
    room = store.room(game)
    view = teacher_view(store, game)
    th, st = view["theory"], view["stats"]
    p1, p2 = room.players
    slides = []
    model: list[str] = []
    if th["truce"]:
        t = th["truce"]
        ds = _delta(t["delta_star"])
        model.append(f"The truce ({t['label']}) is sustainable under grim trigger iff the "
                     f"continuation probability is at least δ* = {ds}; this game continued "
                     f"with probability {room.continuation:.3g} after each round "
                     f"({'so the model says it can hold' if t['sustainable'] else 'so the model says it breaks'}).")
        if "delta_star_linked" in t:
            model.append(f"Linking the issues needs δ ≥ {_delta(t['delta_star_linked'])}; "
                         "negotiating them separately needs δ ≥ "
                         f"{_delta(t['delta_star_separate'])}.")
    for name, s in sorted(st["survival"].items()):
        last = next((x for x in reversed(s["class"]) if x is not None), None)
        if last is not None and len(s["class"]) > 1:
            model.append(f"{name}: {last:.0%} of {s['pairs']} pair{'' if s['pairs'] == 1 else 's'} "
                         "kept the truce to the end "
                         f"against {s['predicted'][len(s['class']) - 1]:.0%} predicted for "
                         "two grim-trigger players.")
    if th["nash"] is not None:
        model.append(f"Nash deal: {p1} {_g(th['nash'][0])}, {p2} {_g(th['nash'][1])}; "
                     f"Kalai–Smorodinsky: {p1} {_g(th['ks'][0])}, {p2} {_g(th['ks'][1])}.")
    if st["bargaining"]:
        b = st["bargaining"]
        model.append(f"{b['agreed']} of {b['pairs']} pairs reached a deal before the deadline; "
                     "the others fell back to the disagreement point.")
    if st["pairs"]:
        avg = [math.fsum(p["payoffs"][i] for p in st["pairs"]) / len(st["pairs"])
               for i in (0, 1)]
        model.append(f"The class's average payoff per round: {p1} {_g(avg[0])}, "
                     f"{p2} {_g(avg[1])}.")
    slides.append({"title": "The class against the model", "lines": model or
                   ["No round has been played yet."]})
    prompts = [
        "Which pairs ended up near the Pareto frontier, and what did they do differently?",
        ("Did noise (a kept move seen as a breach) start a cycle of retaliation? "
         "Compare the noise and no-noise pairs' survival with the dashed predictions."),
        "Where would you put the negotiators of the real talks on this figure?",
    ]
    if room.issues:
        prompts.append("Did pairs judged issue by issue keep more of the truce than linked "
                       "pairs? What does the model's δ* for each say?")
    story = [room.scenario.description.strip().replace("\n", " ")] if \
        room.scenario.description else []
    story += list(room.scenario.notes[:2])
    slides.append({"title": "Questions for the class", "lines": prompts})
    if story:
        slides.append({"title": f"What happened: {room.scenario.title}", "lines": story})
    return slides


def _g(x: float | None) -> str:
    return "-" if x is None else f"{x:.3g}"


def _delta(x: float | None) -> str:
    """A critical discount factor; ``None`` stands for one that no δ < 1 reaches."""
    return "1 (no δ < 1 sustains it)" if x is None else f"{x:.3g}"


# --------------------------------------------------------------------------- exports

CSV_FIELDS = ("game", "scenario", "activity", "round", "pair", "noise", "linked", "player",
              "seat", "meant", "played", "kept", "seen_by_partner", "observed_by_partner",
              "slipped", "auto", "payoff", "agreed", "seconds")


def export_rows(store: Store, game: sqlite3.Row) -> list[dict[str, Any]]:
    """One row per side and round (truce, one-shot) or per side of a pair (bargaining)."""
    room = store.room(game)
    nick = {s["id"]: s["nickname"] for s in store.seats(game)}
    pairs = {p.id: p for p in store.pairs(game)}
    base = {"game": game["code"], "scenario": game["scenario"],
            "activity": room.settings.activity}
    rows: list[dict[str, Any]] = []

    def who(p: Pair, i: int) -> str:
        seat = p.seats[i]
        return f"robot:{room.settings.robot}" if seat is None else nick.get(seat, "?")

    for r in store.results(game):
        p = pairs[r["pair"]]
        for i, s in enumerate(r["sides"]):
            rows.append({**base, "round": r["round"], "pair": p.id, "noise": int(p.noise),
                         "linked": int(p.linked), "player": room.players[i], "seat": who(p, i),
                         "meant": _levels(s["meant"]), "played": _levels(s["played"]),
                         "kept": int(all(s["kept"].values())) if s["kept"] else "",
                         "seen_by_partner": int(all(s["seen"].values())) if s["seen"] else "",
                         "observed_by_partner": _levels(s["observed"]),
                         "slipped": int(s["slipped"]), "auto": int(s.get("auto", False)),
                         "payoff": s["payoff"], "agreed": "", "seconds": ""})
    for pid, d in sorted(store.deals(game).items()):
        p = pairs[pid]
        for i in (0, 1):
            rows.append({**base, "round": 1, "pair": pid, "noise": int(p.noise),
                         "linked": int(p.linked), "player": room.players[i], "seat": who(p, i),
                         "meant": "", "played": "" if d["levels"] is None else
                         _levels(d["levels"][i]), "kept": "", "seen_by_partner": "",
                         "observed_by_partner": "", "slipped": "", "auto": "",
                         "payoff": None if d["payoffs"] is None else d["payoffs"][i],
                         "agreed": int(d["agreed"]),
                         "seconds": "" if d["seconds"] is None else d["seconds"]})
    return rows


def export_csv(store: Store, game: sqlite3.Row) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    w.writerows(export_rows(store, game))
    return buf.getvalue()


def export_json(store: Store, game: sqlite3.Row) -> dict[str, Any]:
    """Everything: settings, seats (nicknames, no tokens), pairs, every move as submitted,
    every resolved round, offers, deals, the class statistics and the theory."""
    room = store.room(game)
    nick = {s["id"]: s["nickname"] for s in store.seats(game)}
    view = teacher_view(store, game)
    pairs = store.pairs(game)
    return {
        "game": {**view["game"], "created": game["created"], "expires": game["expires"],
                 "stop_round": game["stop_round"] if game["state"] == "ended" else None},
        "settings": view["settings"],
        "seats": view["seats"],
        "pairs": view["pairs"],
        "moves": [{"round": m["round"], "seat": nick.get(m["seat"], "?"),
                   "levels": room.choice(_side(store, game, m["seat"]), m["strategy"]),
                   "auto": bool(m["auto"]), "at": m["at"]} for m in store.moves(game)],
        "rounds": store.results(game),
        "offers": [{"pair": p.id, "from": room.players[o["side"]], "robot": bool(o["robot"]),
                    "levels": {room.players[0]: room.choice(0, o["row"]),
                               room.players[1]: room.choice(1, o["col"])}, "at": o["at"]}
                   for p in pairs for o in store.offers(game, p.id)],
        "deals": list(store.deals(game).values()),
        "stats": view["stats"],
        "theory": view["theory"],
    }


def _side(store: Store, game: sqlite3.Row, seat: int) -> int:
    return next(int(s["side"]) for s in store.seats(game) if s["id"] == seat)
