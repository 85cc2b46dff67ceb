"""Helpers for tests against a real server on 127.0.0.1 (bounded waits, JSON over urllib)."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def call(url: str, body: Any = None, *, timeout: float = 10) -> tuple[int, Any]:
    """``(status, JSON)`` of a GET, or of a POST when ``body`` is given."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, json.loads(raw) if r.headers.get_content_type().endswith(
                "json") else raw
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def wait_up(base: str, *, seconds: float = 60) -> None:
    """Return once the server answers; fail after ``seconds``."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(base + "static/app.css", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    msg = f"the server at {base} did not start within {seconds} s"
    raise TimeoutError(msg)


class Served:
    """``tradesim serve`` in its own process, bound to 127.0.0.1, output to a log file."""

    def __init__(self, db: Path, port: int) -> None:
        self.log = db.with_suffix(f".{port}.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sim.cli", "serve", "--db", str(db), "--port", str(port),
             "--scenarios", str(ROOT / "scenarios")],
            stdout=self.log, stderr=subprocess.STDOUT, env={
                "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8",
                "PYTHONWARNINGS": "ignore"})

    def kill(self) -> None:
        """SIGKILL: no chance to flush or close anything."""
        self.process.kill()
        self.process.wait(timeout=30)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.log.close()


def admin_key(db: Path) -> str:
    with sqlite3.connect(db) as c:
        return str(c.execute("SELECT value FROM meta WHERE key='admin'").fetchone()[0])
