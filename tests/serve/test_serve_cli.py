"""``tradesim serve`` at the command line: missing extra, refused database files."""

from __future__ import annotations

import sqlite3

from typer.testing import CliRunner

from sim.cli import app
from sim.serve import server


def test_without_the_server_extra_it_says_how_to_install(monkeypatch):
    import sim.serve

    monkeypatch.setattr(sim.serve, "missing", lambda: "uvicorn")
    r = CliRunner().invoke(app, ["serve"])
    assert r.exit_code == 3
    assert r.output.strip().splitlines() == [
        ("error: tradesim serve needs the 'uvicorn' package; install it with: "
         "pip install 'tradesim[serve]'")]


def test_a_database_of_another_program_is_refused_and_left_alone(tmp_path):
    other = tmp_path / "notes.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (x)")
    before = other.read_bytes()
    for path, words in ((other, "another program's SQLite database"),
                        (tmp_path / "x.txt", "not a tradesim classroom database"),
                        (tmp_path, "is a folder"),
                        (tmp_path / "no" / "such.sqlite", "does not exist")):
        if path.name == "x.txt":
            path.write_text("hello")
        r = CliRunner().invoke(app, ["serve", "--db", str(path), "--port", "1"])
        assert r.exit_code == 2, r.output
        assert words in r.output
    assert other.read_bytes() == before
    assert (tmp_path / "x.txt").read_text() == "hello"


def test_bad_ports_are_refused(tmp_path):
    import socket

    r = CliRunner().invoke(app, ["serve", "--port", "70000"])
    assert r.exit_code == 2
    assert "--port" in r.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = CliRunner().invoke(app, ["serve", "--port", str(port),
                                     "--db", str(tmp_path / "c.sqlite")])
    assert r.exit_code == 2
    assert r.output.count("\n") == 1
    assert f"--port {port}: cannot listen there" in r.output
    assert not (tmp_path / "c.sqlite").exists()  # nothing created


def test_the_terminal_qr_code_and_lan_address():
    text = server.qr_text("http://127.0.0.1:8000/")
    assert len(text.splitlines()) > 10
    assert server.lan_address().count(".") == 3
