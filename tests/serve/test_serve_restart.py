"""Kill the server mid-round (SIGKILL), start it again on the same file: nothing is lost."""

from __future__ import annotations

import sqlite3

from live import Served, admin_key, call, free_port, wait_up


def _levels(base, token):
    _, s = call(f"{base}api/s/{token}")
    return {lv["name"]: lv["truce_level"] for lv in s["levers"]}


def test_a_killed_server_resumes_with_every_answered_move(tmp_path):
    db = tmp_path / "class.sqlite"
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    server = Served(db, port)
    try:
        wait_up(base)
        status, made = call(base + "api/games", {
            "key": admin_key(db), "scenario": "london-2025.toml",
            "settings": {"max_rounds": 3, "continuation": 0.99, "round_seconds": 0}})
        assert status == 201
        secret = made["teacher"].rsplit("/", 1)[1]
        tokens = [call(base + "api/join", {"code": made["code"], "nickname": n})[1]["token"]
                  for n in ("ann", "bob", "cy", "dee")]
        assert call(f"{base}api/t/{secret}/control", {"action": "start"})[0] == 200
        levels = {t: _levels(base, t) for t in tokens}
        for t in tokens[:3]:  # three of four moves in, the round still open
            assert call(f"{base}api/s/{t}/move", {"round": 1, "levels": levels[t]})[0] == 201
    finally:
        server.kill()
    with sqlite3.connect(db) as c:  # what the dead server answered is on disk
        assert c.execute("SELECT COUNT(*) FROM moves WHERE round=1").fetchone()[0] == 3
    server = Served(db, port)
    try:
        wait_up(base)
        _, state = call(f"{base}api/t/{secret}/state")
        assert state["game"]["state"] == "running"
        assert state["game"]["round"] == 1
        assert sum(s["moved"] for s in state["seats"]) == 3
        status, _ = call(f"{base}api/s/{tokens[0]}/move", {"round": 1,
                                                               "levels": levels[tokens[0]]})
        assert status == 409  # already stored before the kill
        assert call(f"{base}api/s/{tokens[3]}/move", {"round": 1,
                                                      "levels": levels[tokens[3]]})[0] == 201
        _, state = call(f"{base}api/t/{secret}/state")
        assert state["game"]["round"] == 2  # the game resumed and moved on
        assert state["stats"]["outcomes"][0]["counts"] == {"both kept": 2} or sum(
            state["stats"]["outcomes"][0]["counts"].values()) == 2
        status, export = call(f"{base}api/t/{secret}/export.json")
        assert [m["auto"] for m in export["moves"]] == [False] * 4
    finally:
        server.stop()
