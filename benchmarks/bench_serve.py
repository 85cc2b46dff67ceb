"""Load on ``tradesim serve``: 60 simulated students on loopback play 20 rounds of the truce.

A real server (``python -m sim.cli serve``, bound to 127.0.0.1, a fresh SQLite file) is
started; one thread per student joins with a nickname, then polls its seat and sends one
move per round (each student picks its levels at random from its own seed), as the page
does. Rounds close when every move is in. At the end the stored moves are checked against
what the students sent: every (student, round) exactly once, with the levels sent, none
filled in by the deadline, none duplicated. It prints the latency of moves and of polls
(median, p95, p99) and the moves per second. Not a timed test: numbers depend on the machine.

Usage: python benchmarks/bench_serve.py [--students 60] [--rounds 20]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLL = 0.25  # seconds between a student's polls while waiting for the next round
GIVE_UP = 600.0  # seconds: every loop is bounded


class Client:
    """One keep-alive HTTP connection, timing every request."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.times: dict[str, list[float]] = {"move": [], "poll": []}

    def call(self, method: str, path: str, body: object = None, kind: str = "") -> tuple:
        """One request; a connection the server closed while idle is opened again once (a
        move sent twice that way is refused as a second move, never stored twice)."""
        data = None if body is None else json.dumps(body)
        start = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data,
                                  headers={"Content-Type": "application/json"})
                r = self.conn.getresponse()
                raw = r.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                if attempt == 2:
                    raise
        if kind:
            self.times[kind].append(time.perf_counter() - start)
        return r.status, json.loads(raw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def student(port: int, code: str, k: int, rounds: int, sent: dict, lock: threading.Lock
            ) -> Client:
    c = Client(port)
    status, seat = c.call("POST", "/api/join", {"code": code, "nickname": f"student{k:02d}"})
    assert status == 201, seat
    token = seat["token"]
    rng = random.Random(k)
    end = time.monotonic() + GIVE_UP
    done = 0
    while done < rounds and time.monotonic() < end:
        _, view = c.call("GET", f"/api/s/{token}", kind="poll")
        game = view["game"]
        if game["state"] == "ended":
            break
        if game["state"] != "running" or view.get("moved", True):
            time.sleep(POLL)
            continue
        levels = {lv["name"]: rng.choice(lv["levels"]) for lv in view["levers"]}
        status, body = c.call("POST", f"/api/s/{token}/move",
                              {"round": game["round"], "levels": levels}, kind="move")
        assert status == 201, body
        with lock:
            sent[f"student{k:02d}", game["round"]] = levels
        done += 1
    return c


def percentiles(xs: list[float]) -> str:
    xs = sorted(xs)
    if not xs:
        return "no requests"

    def q(p: float) -> float:
        return 1000 * xs[min(len(xs) - 1, int(p * len(xs)))]

    return f"n={len(xs):5d}  median {q(0.5):7.1f} ms  p95 {q(0.95):7.1f} ms  p99 {q(0.99):7.1f} ms"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite"
        log = (Path(tmp) / "server.log").open("wb")
        server = subprocess.Popen(
            [sys.executable, "-m", "sim.cli", "serve", "--db", str(db), "--port", str(port),
             "--scenarios", str(ROOT / "scenarios")], stdout=log, stderr=subprocess.STDOUT)
        try:
            return run(port, db, args.students, args.rounds)
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()


def run(port: int, db: Path, students: int, rounds: int) -> int:
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    with sqlite3.connect(db) as c:
        key = c.execute("SELECT value FROM meta WHERE key='admin'").fetchone()[0]
    teacher = Client(port)
    status, made = teacher.call("POST", "/api/games", {
        "key": key, "scenario": "london-2025.toml",
        "settings": {"max_rounds": rounds, "continuation": 0.999, "round_seconds": 0,
                     "seed": 1}})
    assert status == 201, made
    secret = made["teacher"].rsplit("/", 1)[1]
    sent: dict = {}
    lock = threading.Lock()
    joined = threading.Barrier(students + 1)

    def one(k: int) -> Client:
        joined.wait(timeout=GIVE_UP)
        return student(port, made["code"], k, rounds, sent, lock)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=students) as pool:
        futures = [pool.submit(one, k) for k in range(students)]
        joined.wait(timeout=GIVE_UP)
        deadline = time.monotonic() + GIVE_UP
        while time.monotonic() < deadline:  # start once everyone is seated
            _, state = teacher.call("GET", f"/api/t/{secret}/state")
            if len(state["seats"]) == students:
                break
            time.sleep(0.2)
        teacher.call("POST", f"/api/t/{secret}/control", {"action": "start"})
        clients = [f.result(timeout=GIVE_UP) for f in futures]
    elapsed = time.perf_counter() - start
    _, export = teacher.call("GET", f"/api/t/{secret}/export.json")
    stored = [(m["seat"], m["round"]) for m in export["moves"]]
    problems = []
    if len(stored) != len(set(stored)):
        problems.append(f"{len(stored) - len(set(stored))} duplicated moves")
    if len(sent) != students * rounds:
        problems.append(f"{len(sent)} moves sent, expected {students * rounds}")
    by_key = {(m["seat"], m["round"]): m for m in export["moves"]}
    lost = [k for k in sent if k not in by_key]
    wrong = [k for k, v in sent.items() if k in by_key and by_key[k]["levels"] != v]
    filled = [k for k, m in by_key.items() if m["auto"]]
    checks = ((lost, "lost moves"), (wrong, "moves stored with other levels"),
              (filled, "moves filled in by the server"))
    problems += [f"{len(x)} {what}" for x, what in checks if x]
    moves = [t for c in clients for t in c.times["move"]]
    polls = [t for c in clients for t in c.times["poll"]]
    print(f"{students} students x {rounds} rounds on loopback, one SQLite file "
          f"(state {export['game']['state']}, {len(stored)} moves stored)")
    print(f"  moves: {percentiles(moves)}")
    print(f"  polls: {percentiles(polls)}")
    print(f"  {len(sent) / elapsed:.1f} moves per second over {elapsed:.1f} s")
    if problems:
        print("FAILED: " + "; ".join(problems))
        return 1
    print("no move lost, duplicated or altered")
    return 0


if __name__ == "__main__":
    sys.exit(main())
