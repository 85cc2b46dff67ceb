"""Start the classroom server: open the store, print the addresses and a QR code, run uvicorn.

It binds ``127.0.0.1`` unless ``lan`` is set; then it listens on every interface and prints
the machine's address on the local network (found by asking the routing table which local
address would reach a private address: no packet is sent).
"""

from __future__ import annotations

import io
import socket
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sim.errors import InputError

LOOPBACK = "127.0.0.1"


def lan_address() -> str:
    """This machine's address on the local network (``127.0.0.1`` when there is none)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # UDP connect sends nothing
            return str(s.getsockname()[0])
        except OSError:
            return LOOPBACK


def check_database(path: Path) -> None:
    """Refuse a file that is not a classroom database, so that nothing else is changed."""
    if not path.exists():
        if not path.parent.is_dir():
            msg = f"--db {path}: the folder {path.parent} does not exist"
            raise InputError(msg)
        return
    if path.is_dir():
        msg = f"--db {path}: is a folder; expected a database file"
        raise InputError(msg)
    if not path.is_file():  # a FIFO would block the open for ever, /dev/zero fail it
        msg = f"--db {path}: is not a regular file (a FIFO or a device); expected a database file"
        raise InputError(msg)
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master "
                                               "WHERE type='table'")}
    except sqlite3.DatabaseError:
        msg = f"--db {path}: is not a tradesim classroom database (not SQLite); choose another file"
        raise InputError(msg) from None
    if tables and not {"games", "meta"} <= tables:
        msg = (f"--db {path}: is another program's SQLite database; choose another file "
               "(tradesim never changes what it did not create)")
        raise InputError(msg)


def check_port(host: str, port: int) -> None:
    """Refuse a port another program holds, with one line instead of uvicorn's log."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: a restart
        try:  # right after a stop must not trip over the old connections' TIME_WAIT
            s.bind((host, port))
        except OSError as exc:
            msg = (f"--port {port}: cannot listen there ({exc.strerror}); another program "
                   "may use it: choose another port with --port N")
            raise InputError(msg) from None


def qr_text(url: str) -> str:
    """A QR code of ``url`` drawn with block characters for the terminal."""
    import segno

    buf = io.StringIO()
    segno.make(url, error="m").terminal(out=buf, compact=True, border=2)
    return buf.getvalue()


def serve(*, db: Path, port: int, lan: bool, scenarios: Path | None,
          echo: Callable[[str], None]) -> None:
    """Run the server until interrupted."""
    import uvicorn

    from sim.serve.app import create_app
    from sim.serve.store import Store

    if not 1 <= port <= 65535:
        msg = f"--port: expected a number from 1 to 65535, got {port}"
        raise InputError(msg)
    check_database(db)
    check_port("0.0.0.0" if lan else LOOPBACK, port)
    store = Store(db)
    host = lan_address() if lan else LOOPBACK
    url = f"http://{host}:{port}/"
    app = create_app(store, scenarios=scenarios, public_url=url)
    echo(f"Students join at {url}")
    echo(qr_text(url))
    echo(f"Teacher link (keep it to yourself): {url}teach?key={store.admin_key()}")
    if not lan:
        echo("Only this computer can connect; add --lan to let the class's devices join.")
    echo(f"State is kept in {db}; stop with Ctrl+C and start again to resume.")
    config = uvicorn.Config(app, host="0.0.0.0" if lan else LOOPBACK, port=port,
                            log_level="warning", access_log=False,
                            timeout_keep_alive=30)  # pages poll every 1.5-2 s
    try:
        uvicorn.Server(config).run()
    finally:
        store.close()
