"""Fixtures for the classroom server: a store on a fake clock, a client, games and seats."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed")

from starlette.testclient import TestClient

from sim.serve.app import create_app
from sim.serve.store import Store

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


class Clock:
    """A clock the test moves by hand (seconds)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Game:
    code: str
    secret: str

    def api(self, what: str) -> str:
        return f"/api/t/{self.secret}/{what}"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    s = Store(tmp_path / "class.sqlite", clock=clock)
    yield s
    s.close()


@pytest.fixture
def client(store):
    with TestClient(create_app(store, scenarios=SCENARIOS)) as c:
        yield c


def open_game(client, store, scenario: str = "london-2025.toml", **settings) -> Game:
    r = client.post("/api/games", json={"key": store.admin_key(), "scenario": scenario,
                                        "settings": settings})
    assert r.status_code == 201, r.text
    body = r.json()
    return Game(code=body["code"], secret=body["teacher"].rsplit("/", 1)[1])


def join(client, game: Game, nickname: str) -> str:
    r = client.post("/api/join", json={"code": game.code, "nickname": nickname})
    assert r.status_code == 201, r.text
    return r.json()["token"]


def truce_levels(client, token: str) -> dict[str, str]:
    s = client.get(f"/api/s/{token}").json()
    return {lv["name"]: lv["truce_level"] for lv in s["levers"]}
