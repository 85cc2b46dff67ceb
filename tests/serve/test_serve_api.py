"""Every endpoint of ``tradesim serve``, with refused inputs and other people's seats."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import SCENARIOS, join, open_game, truce_levels

from sim.serve.store import MAX_NICKNAME


def _bargain_point(name: str) -> list[float]:
    """The disagreement point of ``tradesim bargain`` for a bundled scenario."""
    from sim.analyses import bargain as ab
    from sim.scenario import load_scenario
    from sim.scenario.build import build_game

    sc = load_scenario(SCENARIOS / name)
    game = build_game(sc)
    point = ab.analyse(sc, game, ab.settings(sc, game)).disagreement.point
    return [point[p] for p in game.players]

# --------------------------------------------------------------------------- pages


def test_pages_render_with_a_strict_content_policy(client, store):
    g = open_game(client, store)
    token = join(client, g, "ann")
    for path in ("/", f"/s/{token}", f"/t/{g.secret}", f"/t/{g.secret}/debrief",
                 f"/teach?key={store.admin_key()}"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["referrer-policy"] == "no-referrer"
        assert "<script>" not in r.text  # every script is a file of the package
    assert g.code in client.get(f"/t/{g.secret}").text
    assert "<svg" in client.get(f"/t/{g.secret}").text  # the QR code, drawn server-side


@pytest.mark.parametrize("path", ["/s/not-a-token", "/t/not-a-secret", "/t/x/debrief",
                                  "/teach?key=wrong", "/teach", "/nowhere"])
def test_unknown_links_are_404_pages(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "Sorry" in r.text or "no such" in r.text


def test_static_files_ship_with_the_package(client):
    for name, kind in (("app.css", "text/css"), ("student.js", "javascript"),
                       ("teacher.js", "javascript"), ("common.js", "javascript"),
                       ("join.js", "javascript"), ("teach.js", "javascript")):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200
        assert kind in r.headers["content-type"]
    assert client.get("/static/../app.py").status_code == 404


# --------------------------------------------------------------------------- opening a game


def test_scenario_list_needs_the_admin_key(client, store):
    assert client.get("/api/scenarios?key=nope").status_code == 404
    names = client.get(f"/api/scenarios?key={store.admin_key()}").json()["scenarios"]
    assert "london-2025.toml" in names
    assert "classroom/prisoners-dilemma.toml" in names


def test_create_refuses_a_wrong_key_and_stores_nothing(client, store):
    r = client.post("/api/games", json={"key": "guess", "scenario": "london-2025.toml"})
    assert r.status_code == 404
    assert store._all("SELECT * FROM games") == []


@pytest.mark.parametrize(("body", "words"), [
    ({"scenario": "nope.toml"}, "unknown scenario 'nope.toml'"),
    ({"scenario": "../../etc/passwd"}, "unknown scenario"),
    ({}, "either a bundled scenario"),
    ({"scenario": "london-2025.toml", "text": "x"}, "either a bundled scenario"),
    ({"scenario": "london-2025.toml", "settings": {"rounds": 3}}, "unknown key 'rounds'"),
    ({"scenario": "london-2025.toml", "settings": {"max_rounds": 0}}, "settings.max_rounds"),
    ({"scenario": "london-2025.toml", "settings": {"max_rounds": True}}, "settings.max_rounds"),
    ({"scenario": "london-2025.toml", "settings": {"activity": "poker"}}, "settings.activity"),
    ({"scenario": "london-2025.toml", "settings": {"noise_perception": 2}},
     "settings.noise_perception"),
    ({"scenario": "london-2025.toml", "settings": {"robot": "nice"}}, "unknown strategy"),
    ({"scenario": "classroom/chicken.toml", "settings": {"activity": "truce"}},
     "needs a [truce] section"),
    ({"scenario": "london-2025.toml", "extra": 1}, "expected {key"),
])
def test_create_refuses_bad_requests_with_a_message(client, store, body, words):
    r = client.post("/api/games", json={"key": store.admin_key(), **body})
    assert r.status_code == 400, r.text
    assert words in r.json()["error"]
    assert store._all("SELECT * FROM games") == []


def test_an_uploaded_scenario_is_validated_like_the_cli(client, store):
    text = (SCENARIOS / "classroom" / "prisoners-dilemma.toml").read_text()
    bad = text.replace('payoffs.US = [[3, 0], [5, 1]]', 'payoffs.US = [[3, 0], [5, "x"]]')
    r = client.post("/api/games", json={"key": store.admin_key(), "text": bad,
                                        "filename": "mine.toml", "settings": {}})
    assert r.status_code == 400
    assert r.json()["error"].startswith("mine.toml:")  # file, key and line, as the CLI says
    assert "payoffs.US" in r.json()["error"]
    r = client.post("/api/games", json={"key": store.admin_key(), "text": "a = [",
                                        "filename": "broken.toml"})
    assert r.status_code == 400
    assert "not valid TOML" in r.json()["error"]
    ok = client.post("/api/games", json={"key": store.admin_key(), "text": text,
                                         "filename": "pd.toml", "settings": {}})
    assert ok.status_code == 201


def test_a_game_too_large_for_a_class_is_refused(client, store):
    levers = "\n".join(f"[players.{p}.levers.{p}{k}]\nlevels = {{ a = 1, b = 0 }}"
                       for p in ("US", "China") for k in range(9))  # 512 x 512 profiles
    text = (f'[scenario]\nname = "big"\n{levers}\n[payoffs]\n'
            'US = "US0 - China0"\nChina = "China0 - US0"\n')
    r = client.post("/api/games", json={"key": store.admin_key(), "text": text,
                                        "filename": "big.toml",
                                        "settings": {"activity": "oneshot"}})
    assert r.status_code == 400
    assert r.json()["error"] == ("big: too large for a class game (over 10,000 strategy "
                                 "profiles); use a scenario with fewer levers or levels")


def test_bodies_are_bounded_and_must_be_json(client, store):
    g = open_game(client, store)
    as_json = {"Content-Type": "application/json"}
    assert client.post("/api/join", content=b"{not json", headers=as_json).status_code == 400
    big = json.dumps({"code": g.code, "nickname": "x" * 20_000})
    assert client.post("/api/join", content=big, headers=as_json).status_code == 413
    huge = json.dumps({"key": store.admin_key(), "text": "#" * 2_200_000})
    assert client.post("/api/games", content=huge, headers=as_json).status_code == 413
    # a cross-site form can send text/plain without asking: refused
    plain = json.dumps({"code": g.code, "nickname": "eve"})
    r = client.post("/api/join", content=plain, headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    assert store._all("SELECT * FROM seats") == []


# --------------------------------------------------------------------------- joining


def test_join_gives_a_seat_and_refuses_bad_nicknames(client, store):
    g = open_game(client, store)
    r = client.post("/api/join", json={"code": g.code.lower(), "nickname": "  Ann  Lee "})
    assert r.status_code == 201
    assert r.json()["nickname"] == "Ann Lee"
    assert client.post("/api/join", json={"code": g.code, "nickname": "ann lee"}
                       ).status_code == 409
    for nick, code in (("", 400), ("x" * (MAX_NICKNAME + 1), 400), (7, 400), ("a\x07", 400)):
        assert client.post("/api/join", json={"code": g.code, "nickname": nick}
                           ).status_code == code
    assert client.post("/api/join", json={"code": "ZZZZZ", "nickname": "bob"}
                       ).status_code == 404
    assert client.post("/api/join", json={"code": g.code, "nickname": "bob", "seat": 1}
                       ).status_code == 400
    assert len(store._all("SELECT * FROM seats")) == 1


def test_a_reload_gets_the_same_seat_back(client, store):
    g = open_game(client, store)
    token = join(client, g, "ann")
    first = client.get(f"/api/s/{token}").json()
    again = client.get(f"/api/s/{token}").json()
    assert first["you"]["nickname"] == again["you"]["nickname"] == "ann"
    assert client.get(f"/s/{token}").status_code == 200


# --------------------------------------------------------------------------- a truce game


def _started(client, store, n=4, **settings):
    g = open_game(client, store, **{"max_rounds": 3, "continuation": 0.99, **settings})
    tokens = [join(client, g, f"s{k}") for k in range(n)]
    assert client.post(g.api("control"), json={"action": "start"}).status_code == 200
    return g, tokens


def test_teacher_controls_and_their_refusals(client, store, clock):
    g = open_game(client, store, round_seconds=30)
    assert client.post(g.api("control"), json={"action": "start"}).status_code == 409
    join(client, g, "ann")
    for body, code in (({"action": "explode"}, 400), ({"action": "pause"}, 409),
                       ({"act": "start"}, 400), ({"action": "resume"}, 409)):
        assert client.post(g.api("control"), json=body).status_code == code
    assert client.post(g.api("control"), json={"action": "start"}).status_code == 200
    assert client.post(g.api("control"), json={"action": "start"}).status_code == 409
    clock.advance(10)
    assert client.post(g.api("control"), json={"action": "pause"}).status_code == 200
    clock.advance(1000)  # a paused round does not time out
    state = client.get(g.api("state")).json()
    assert state["game"]["state"] == "paused"
    assert state["game"]["seconds_left"] == pytest.approx(20)
    assert client.post(g.api("control"), json={"action": "resume"}).status_code == 200
    assert client.get(g.api("state")).json()["game"]["seconds_left"] == pytest.approx(20)
    assert client.post(g.api("control"), json={"action": "close"}).status_code == 200
    assert client.get(g.api("state")).json()["game"]["round"] == 2
    assert client.post(g.api("control"), json={"action": "end"}).status_code == 200
    assert client.get(g.api("state")).json()["game"]["state"] == "ended"
    assert client.post(g.api("control"), json={"action": "close"}).status_code == 409
    assert client.post("/api/t/wrong/control", json={"action": "end"}).status_code == 404


def test_moves_are_validated_and_nothing_refused_is_stored(client, store):
    _g, (a, *_) = _started(client, store)
    side = client.get(f"/api/s/{a}").json()["levers"]
    good = {lv["name"]: lv["truce_level"] for lv in side}
    lever = side[0]["name"]
    refused = [
        ({"round": 1, "levels": {**good, lever: "nuclear"}}, 400, "is not a level of"),
        ({"round": 1, "levels": {**good, "lasers": "on"}}, 400, "is not a lever of"),
        ({"round": 1, "levels": {k: v for k, v in good.items() if k != lever}}, 400,
         "no level for lever"),
        ({"round": 1, "levels": {**good, lever: 3}}, 400, "is not a level of"),
        ({"round": 1, "levels": "comply"}, 400, "expected the move"),
        ({"round": 2, "levels": good}, 409, "round 2 is not open"),
        ({"round": "1", "levels": good}, 409, "is not open"),
        ({"round": 1, "levels": good, "seat": 2}, 400, "expected"),
    ]
    for body, code, words in refused:
        r = client.post(f"/api/s/{a}/move", json=body)
        assert r.status_code == code, (body, r.text)
        assert words in r.json()["error"]
    assert store._all("SELECT * FROM moves") == []
    assert client.post(f"/api/s/{a}/move", json={"round": 1, "levels": good}).status_code == 201
    again = client.post(f"/api/s/{a}/move", json={"round": 1, "levels": good})
    assert again.status_code == 409
    assert "already moved" in again.json()["error"]
    assert len(store._all("SELECT * FROM moves")) == 1
    assert client.post("/api/s/nobody/move", json={"round": 1, "levels": good}
                       ).status_code == 404


def test_a_student_sees_only_their_own_seat(client, store):
    g, tokens = _started(client, store)
    views = [client.get(f"/api/s/{t}").json() for t in tokens]
    text = json.dumps(views[0])
    for other in tokens[1:]:
        assert other not in text  # no other seat's token
    assert g.secret not in text
    assert all(v["you"]["nickname"] == f"s{k}" for k, v in enumerate(views))
    # seats are paired US with China
    assert sorted(v["you"]["player"] for v in views) == ["China", "China", "US", "US"]
    # a seat's token cannot move for another side: China's levels are refused for a US seat
    us = next(t for t, v in zip(tokens, views, strict=True) if v["you"]["player"] == "US")
    cn = next(t for t, v in zip(tokens, views, strict=True) if v["you"]["player"] == "China")
    r = client.post(f"/api/s/{us}/move", json={"round": 1, "levels": truce_levels(client, cn)})
    assert r.status_code == 400
    assert "is not a lever of US" in r.json()["error"]


def test_a_round_closes_when_everyone_moved_and_payoffs_follow_the_game(client, store):
    from sim.scenario import load_scenario
    from sim.scenario.build import build_game

    g, tokens = _started(client, store, treat_noise=False)
    game = build_game(load_scenario(SCENARIOS / "london-2025.toml"))
    for t in tokens:
        assert client.post(f"/api/s/{t}/move", json={"round": 1, "levels": truce_levels(
            client, t)}).status_code == 201
    state = client.get(g.api("state")).json()
    assert state["game"]["round"] == 2
    assert state["stats"]["outcomes"][0]["counts"] == {"both kept": 2}
    view = client.get(f"/api/s/{tokens[0]}").json()
    side = view["you"]["side"]
    truce = game.profile_index(load_scenario(SCENARIOS / "london-2025.toml").profiles["geneva"])
    assert view["history"][0]["payoff"] == pytest.approx(game.payoffs[side][truce])
    assert view["history"][0]["partner_kept"] == {"truce": True} or all(
        view["history"][0]["partner_kept"].values())


def test_a_deadline_fills_missing_moves_with_the_previous_one(client, store, clock):
    g, (a, *_rest) = _started(client, store, round_seconds=30)
    assert client.post(f"/api/s/{a}/move", json={"round": 1, "levels": truce_levels(client, a)}
                       ).status_code == 201
    clock.advance(31)
    state = client.get(g.api("state")).json()
    assert state["game"]["round"] == 2
    moves = store._all("SELECT * FROM moves WHERE round=1")
    assert len(moves) == 4
    assert sum(m["auto"] for m in moves) == 3
    late = client.post(f"/api/s/{a}/move", json={"round": 1, "levels": truce_levels(client, a)})
    assert late.status_code == 409


def test_the_game_ends_at_the_drawn_round(client, store):
    g, tokens = _started(client, store, max_rounds=2)
    for rnd in (1, 2):
        for t in tokens:
            client.post(f"/api/s/{t}/move", json={"round": rnd, "levels": truce_levels(client, t)})
    state = client.get(g.api("state")).json()
    assert state["game"]["state"] == "ended"
    r = client.post(f"/api/s/{tokens[0]}/move", json={"round": 3, "levels": truce_levels(
        client, tokens[0])})
    assert r.status_code == 409
    assert "ended" in r.json()["error"]
    assert client.post("/api/join", json={"code": g.code, "nickname": "late"}).status_code == 409


def test_a_late_bargainer_finds_the_robots_opening_offer(client, store):
    g, _tokens = _started(client, store, n=2, activity="bargain")
    late = join(client, g, "late")
    offers = client.get(f"/api/s/{late}").json()["bargain"]["offers"]
    assert [o["from"] for o in offers] == ["partner"]


def test_an_odd_student_and_a_late_one_play_robots(client, store):
    g, _tokens = _started(client, store, n=3)
    pairs = client.get(g.api("state")).json()["pairs"]
    assert sum("robot tft" in p["seats"] for p in pairs) == 1
    late = join(client, g, "late")
    view = client.get(f"/api/s/{late}").json()
    assert view["paired"]
    assert view["you"]["partner"] == "a robot"


def test_classes_expire(client, store, clock):
    g = open_game(client, store, expire_hours=1.0)
    token = join(client, g, "ann")
    clock.advance(3601)
    assert client.get(f"/api/s/{token}").status_code == 410
    assert client.get(g.api("state")).status_code == 410
    assert client.post("/api/join", json={"code": g.code, "nickname": "bob"}).status_code == 410
    assert client.get(f"/t/{g.secret}").status_code == 410


# --------------------------------------------------------------------------- bargaining


def _offer(client, token, levels):
    return client.post(f"/api/s/{token}/offer", json={"levels": levels})


def test_bargaining_offers_accepts_and_the_fallback(client, store, clock):
    g, tokens = _started(client, store, n=4, activity="bargain", bargain_seconds=120)
    views = {t: client.get(f"/api/s/{t}").json() for t in tokens}
    by_pair: dict[int, list[str]] = {}
    for t in tokens:
        seat = store._one("SELECT pair FROM seats WHERE token=?", t)
        by_pair.setdefault(seat["pair"], []).append(t)
    (a, b), (c, _d) = by_pair.values()
    players = views[a]["game"]["players"]

    def deal(tok):
        v = views[tok]
        own = {lv["name"]: lv["levels"][-1] for lv in v["levers"]}
        other = {lv["name"]: lv["levels"][-1] for lv in v["bargain"]["partner_levers"]}
        me = v["you"]["player"]
        return {me: own, next(p for p in players if p != me): other}

    bad = deal(a)
    bad[players[0]] = {**bad[players[0]], "us_tariff": "zero"}
    assert _offer(client, a, bad).status_code == 400
    assert _offer(client, a, {players[0]: {}}).status_code == 400
    assert store._all("SELECT * FROM offers") == []
    r = _offer(client, a, deal(a))
    assert r.status_code == 201
    oid = r.json()["offer"]
    # the proposer cannot accept it; another pair cannot see or accept it
    assert client.post(f"/api/s/{a}/accept", json={"offer": oid}).status_code == 409
    assert client.post(f"/api/s/{c}/accept", json={"offer": oid}).status_code == 404
    assert "offer" not in json.dumps(client.get(f"/api/s/{c}").json()["bargain"]["offers"])
    assert client.post(f"/api/s/{b}/accept", json={"offer": "1"}).status_code == 400
    # a newer offer replaces the older one
    newer = _offer(client, a, deal(a)).json()["offer"]
    assert client.post(f"/api/s/{b}/accept", json={"offer": oid}).status_code == 409
    assert client.post(f"/api/s/{b}/accept", json={"offer": newer}).status_code == 200
    assert _offer(client, a, deal(a)).status_code == 409  # the pair has a deal
    assert client.post(f"/api/s/{a}/move", json={"round": 1, "levels": {}}).status_code == 409
    clock.advance(121)
    state = client.get(g.api("state")).json()
    assert state["game"]["state"] == "ended"
    b_stats = state["stats"]["bargaining"]
    assert (b_stats["agreed"], b_stats["pairs"], b_stats["settled"]) == (1, 2, 2)
    fallback = next(p["deal"] for p in state["pairs"] if not p["deal"]["agreed"])
    assert fallback["payoffs"] == pytest.approx(state["theory"]["disagreement"])
    # the scenario's point as `tradesim bargain` computes it (outside options included)
    assert state["theory"]["disagreement"] == pytest.approx(_bargain_point("london-2025.toml"))


def test_a_robot_bargainer_accepts_its_nash_product_deal_and_counters_less(client, store):
    _g, (a,) = _started(client, store, n=1, activity="bargain", partner="robot")
    view = client.get(f"/api/s/{a}").json()
    robot_offer = next(o for o in view["bargain"]["offers"] if o["from"] == "partner")
    players = view["game"]["players"]
    me = view["you"]["player"]
    worse = {p: {lv["name"]: lv["levels"][0] for lv in (
        view["levers"] if p == me else view["bargain"]["partner_levers"])} for p in players}
    _offer(client, a, worse)
    view = client.get(f"/api/s/{a}").json()
    assert view["bargain"]["deal"] is None
    assert view["bargain"]["offers"][-1]["from"] == "partner"  # a counter-offer
    _offer(client, a, robot_offer["levels"])
    view = client.get(f"/api/s/{a}").json()
    assert view["bargain"]["deal"]["agreed"]
    assert view["bargain"]["deal"]["payoffs"] == pytest.approx(robot_offer["payoffs"])


# --------------------------------------------------------------------------- exports


def test_exports_match_what_was_played(client, store):
    g, tokens = _started(client, store)
    played = {}
    for t in tokens:
        levels = truce_levels(client, t)
        if client.get(f"/api/s/{t}").json()["you"]["player"] == "US":
            levels["chip_controls"] = "eased"  # a partial concession keeps the truce
        played[t] = levels
        client.post(f"/api/s/{t}/move", json={"round": 1, "levels": levels})
    rows = list(csv.DictReader(io.StringIO(client.get(g.api("export.csv")).text)))
    assert len(rows) == 4
    nick = {t: client.get(f"/api/s/{t}").json()["you"]["nickname"] for t in tokens}
    for t, levels in played.items():
        row = next(r for r in rows if r["seat"] == nick[t])
        assert row["played"] == "; ".join(f"{k}={v}" for k, v in levels.items())
        assert row["kept"] == "1"
    data = client.get(g.api("export.json")).json()
    assert len(data["moves"]) == 4
    assert data["rounds"][0]["kept"] is True
    assert "token" not in json.dumps(data)
    assert data["game"]["stop_round"] is None  # hidden until the game ends
    for kind, magic in (("png", b"\x89PNG"), ("pdf", b"%PDF")):
        r = client.get(g.api(f"export.{kind}"))
        assert r.status_code == 200
        assert r.content.startswith(magic)
    assert client.get(g.api("figure.png")).content.startswith(b"\x89PNG")
    assert client.get(g.api("export.exe")).status_code == 404
    assert client.get("/api/t/wrong/export.csv").status_code == 404


def test_the_same_game_exports_the_same_files(client, store):
    g, tokens = _started(client, store)
    for t in tokens:
        client.post(f"/api/s/{t}/move", json={"round": 1, "levels": truce_levels(client, t)})
    assert client.get(g.api("export.pdf")).content == client.get(g.api("export.pdf")).content
    assert client.get(g.api("export.png")).content == client.get(g.api("export.png")).content


def test_a_one_shot_game_is_one_round_against_the_equilibrium_robot(client, store):
    g, (a,) = _started(client, store, n=1, scenario="classroom/prisoners-dilemma.toml",
                       activity="oneshot", partner="robot")
    view = client.get(f"/api/s/{a}").json()
    assert [lv["levels"] for lv in view["levers"]] == [["comply", "breach"]]
    me = view["you"]["side"]
    r = client.post(f"/api/s/{a}/move", json={"round": 1, "levels": {"strategy": "comply"}})
    assert r.status_code == 201
    state = client.get(g.api("state")).json()
    assert state["game"]["state"] == "ended"  # one round only
    robot = "US: breach | China: comply" if me == 1 else "US: comply | China: breach"
    label = robot.replace("US: ", "").replace("China: ", "").split(" | ")
    assert state["stats"]["outcomes"][0]["counts"] == {" | ".join(label): 1}
    view = client.get(f"/api/s/{a}").json()
    assert view["history"][0]["payoff"] == 0.0  # the sucker's payoff S = 0


def test_hidden_moves_show_only_kept_or_broken(client, store):
    _g, tokens = _started(client, store, show_moves=False)
    for t in tokens:
        client.post(f"/api/s/{t}/move", json={"round": 1, "levels": truce_levels(client, t)})
    row = client.get(f"/api/s/{tokens[0]}").json()["history"][0]
    assert "partner" not in row  # no levels
    assert set(row["partner_kept"].values()) <= {True, False}


def test_a_paused_round_refuses_moves_and_stores_nothing(client, store):
    g, (a, *_rest) = _started(client, store)
    client.post(g.api("control"), json={"action": "pause"})
    r = client.post(f"/api/s/{a}/move", json={"round": 1, "levels": truce_levels(client, a)})
    assert r.status_code == 409
    assert "paused" in r.json()["error"]
    assert store._all("SELECT * FROM moves") == []


def test_students_are_told_their_noise_treatment(client, store):
    _g, tokens = _started(client, store, noise_perception=0.2)
    noise = sorted(client.get(f"/api/s/{t}").json()["you"]["noise"] for t in tokens)
    assert noise == [0.0, 0.0, 0.2, 0.2]  # one pair with noise, one without, both sides told
