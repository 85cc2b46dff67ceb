"""The Starlette application of ``tradesim serve``: pages, a small JSON API and exports.

Who may do what is decided by the secret in the path:

* ``/teach?key=ADMIN`` opens class games (the admin key is printed by ``tradesim serve``);
* ``/t/SECRET`` is one game's teacher: controls, dashboard, debrief, exports;
* ``/s/TOKEN`` is one student's seat: the token is handed out on joining with the game's
  code and a nickname, so a student can act only for their own seat, and a reload (or a
  new tab with the same link) gets the seat back.

Every request body is JSON of bounded size, checked by :mod:`sim.serve.engine` and
:mod:`sim.serve.store` before anything is stored; a refused input answers
``{"error": "..."}`` with 400 (bad input), 404 (unknown), 409 (not now) or 410 (expired).
Pages carry a content security policy allowing only the package's own scripts and styles,
and ``Referrer-Policy: no-referrer`` so that secret links do not leak.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from sim.errors import InputError, ScenarioErrors, TradesimError
from sim.serve import figures, views
from sim.serve.setup import Conflict, Gone, NotFound
from sim.serve.store import Store

HERE = Path(__file__).parent
MAX_BODY = 2_100_000
"""Largest request body (an uploaded scenario of up to 2 MB, as JSON)."""
MAX_SMALL_BODY = 16_000
"""Largest body of a move, offer, join or control."""
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "style-src 'self'; script-src 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


class TooLarge(InputError):
    """A request body over the limit (HTTP 413)."""


def _status(exc: Exception) -> int:
    for kind, code in ((NotFound, 404), (Gone, 410), (Conflict, 409), (TooLarge, 413),
                       (WrongType, 415)):
        if isinstance(exc, kind):
            return code
    return 400


def _error(exc: Exception) -> JSONResponse:
    if isinstance(exc, ScenarioErrors):
        lines = [e.one_line() for e in exc.errors]
        return JSONResponse({"error": lines[0], "errors": lines}, status_code=400,
                            headers=HEADERS)
    return JSONResponse({"error": str(exc)}, status_code=_status(exc), headers=HEADERS)


class WrongType(InputError):
    """A body that is not declared as JSON (HTTP 415)."""


async def _json(request: Request, limit: int = MAX_SMALL_BODY) -> Any:
    """The request's JSON body. It must say ``Content-Type: application/json``, which a
    page of another site cannot send without the browser asking first (CORS), so a
    cross-site form cannot post here."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        msg = "expected Content-Type: application/json"
        raise WrongType(msg)
    size = request.headers.get("content-length")
    if size is not None and (not size.isdigit() or int(size) > limit):
        msg = f"the request is over {limit:,} bytes"
        raise TooLarge(msg)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            msg = f"the request is over {limit:,} bytes"
            raise TooLarge(msg)
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        msg = "expected a JSON body"
        raise InputError(msg) from None


Handler = Callable[[Request], Awaitable[Response]]


def api(fn: Handler) -> Handler:
    """Turn the project's errors into ``{"error": ...}`` answers with their status."""

    async def wrapper(request: Request) -> Response:
        try:
            return await fn(request)
        except (TradesimError, ScenarioErrors) as exc:
            return _error(exc)

    return wrapper


class State:
    """What the handlers share: the store, templates, bundled scenarios, the join address."""

    def __init__(self, store: Store, scenarios: Path | None, public_url: str | None) -> None:
        self.store = store
        self.scenarios = scenarios
        self.public_url = public_url
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))

    def bundled(self) -> dict[str, Path]:
        """The scenario files under the scenarios folder, by relative path."""
        root = self.scenarios
        if root is None or not root.is_dir():
            return {}
        return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*.toml"))
                if p.is_file()}

    def join_url(self, request: Request) -> str:
        return (self.public_url or str(request.base_url)).rstrip("/") + "/"


def _state(request: Request) -> State:
    return request.app.state.classroom


def _page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    return _state(request).templates.TemplateResponse(request, name, context,
                                                      status_code=status, headers=HEADERS)


async def _call(fn: Callable[..., Any], *args: Any) -> Any:
    """Run blocking store work (SQLite, numpy, matplotlib) off the event loop."""
    return await run_in_threadpool(fn, *args)


async def _teacher_game(request: Request) -> Any:
    store = _state(request).store
    game = await _call(lambda: store.game(secret=request.path_params["secret"]))
    await _call(store.tick, game["id"])
    return await _call(lambda: store.game(gid=game["id"]))


async def _admin(request: Request, key: Any) -> None:
    if not isinstance(key, str) or key != await _call(_state(request).store.admin_key):
        msg = "unknown key: use the teacher link printed by tradesim serve"
        raise NotFound(msg)


# --------------------------------------------------------------------------- pages


async def home(request: Request) -> Response:
    return _page(request, "join.html", code=request.query_params.get("code", "")[:8])


async def student_page(request: Request) -> Response:
    try:
        await _call(_state(request).store.seat, request.path_params["token"])
    except (NotFound, Gone) as exc:
        return _page(request, "error.html", _status(exc), message=str(exc))
    return _page(request, "student.html", token=request.path_params["token"])


async def teach_page(request: Request) -> Response:
    key = request.query_params.get("key")
    try:
        await _admin(request, key)
    except NotFound as exc:
        return _page(request, "error.html", 404, message=str(exc))
    return _page(request, "teach.html", key=key, scenarios=list(_state(request).bundled()))


async def teacher_page(request: Request) -> Response:
    import segno

    try:
        game = await _teacher_game(request)
    except (NotFound, Gone) as exc:
        return _page(request, "error.html", _status(exc), message=str(exc))
    url = f"{_state(request).join_url(request)}?code={game['code']}"
    qr = segno.make(url, error="m").svg_inline(scale=5, dark="#111", light="#fff")
    return _page(request, "teacher.html", secret=request.path_params["secret"],
                 code=game["code"], join=url, qr=qr)


async def debrief_page(request: Request) -> Response:
    store = _state(request).store
    try:
        game = await _teacher_game(request)
    except (NotFound, Gone) as exc:
        return _page(request, "error.html", _status(exc), message=str(exc))
    slides = await _call(views.debrief, store, game)
    return _page(request, "debrief.html", secret=request.path_params["secret"],
                 slides=slides, title=store.room(game).scenario.title)


async def not_found(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": "no such address"}, status_code=404, headers=HEADERS)
    return _page(request, "error.html", 404, message="no such page")


# --------------------------------------------------------------------------- teacher API


@api
async def scenarios_list(request: Request) -> Response:
    await _admin(request, request.query_params.get("key"))
    return JSONResponse({"scenarios": list(_state(request).bundled())}, headers=HEADERS)


def _scenario_text(state: State, body: dict[str, Any]) -> tuple[str, str]:
    """``(file name, text)`` of a bundled scenario or an upload."""
    from sim.scenario import read_text

    name, text = body.get("scenario"), body.get("text")
    if (name is None) == (text is None):
        msg = "expected either a bundled scenario name or an uploaded scenario's text"
        raise InputError(msg)
    if name is not None:
        files = state.bundled()
        if name not in files:
            msg = f"unknown scenario '{str(name)[:80]}'; expected one of: {', '.join(files)}"
            raise InputError(msg)
        return name, read_text(files[name])
    label = body.get("filename") or "upload.toml"
    if not isinstance(text, str) or not isinstance(label, str) or len(label) > 200:
        msg = "expected the uploaded scenario as text with a file name"
        raise InputError(msg)
    return label, text


@api
async def create(request: Request) -> Response:
    state = _state(request)
    body = await _json(request, MAX_BODY)
    if not isinstance(body, dict) or not set(body) <= {"key", "scenario", "text", "filename",
                                                         "settings"}:
        msg = "expected {key, scenario or text (and filename), settings}"
        raise InputError(msg)
    await _admin(request, body.get("key"))
    label, text = await _call(_scenario_text, state, body)
    made = await _call(state.store.create, label, text, body.get("settings") or {})
    return JSONResponse({"code": made["code"], "teacher": f"/t/{made['secret']}",
                         "join": f"{state.join_url(request)}?code={made['code']}"},
                        status_code=201, headers=HEADERS)


@api
async def teacher_state(request: Request) -> Response:
    game = await _teacher_game(request)
    return JSONResponse(await _call(views.teacher_view, _state(request).store, game),
                        headers=HEADERS)


@api
async def control(request: Request) -> Response:
    body = await _json(request)
    if not isinstance(body, dict) or set(body) != {"action"}:
        msg = "expected {\"action\": start | pause | resume | close | end}"
        raise InputError(msg)
    await _call(_state(request).store.control, request.path_params["secret"], body["action"])
    return JSONResponse({"ok": True}, headers=HEADERS)


@api
async def figure(request: Request) -> Response:
    game = await _teacher_game(request)
    data = await _call(views.teacher_view, _state(request).store, game)
    png = await _call(figures.dashboard_png, data["theory"], data["stats"])
    return Response(png, media_type="image/png", headers=HEADERS)


def _attachment(name: str) -> dict[str, str]:
    return {**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}


def _export(store: Store, game: Any, kind: str) -> Response:
    stem = f"tradesim-{game['scenario']}-{game['code']}"
    if kind == "csv":
        return Response(views.export_csv(store, game), media_type="text/csv; charset=utf-8",
                        headers=_attachment(f"{stem}.csv"))
    if kind == "json":
        return JSONResponse(views.export_json(store, game), headers=_attachment(f"{stem}.json"))
    if kind not in {"pdf", "png"}:
        msg = f"unknown export '{kind[:20]}'; expected csv, json, pdf or png"
        raise NotFound(msg)
    data = views.teacher_view(store, game)
    slides = views.debrief(store, game)
    draw = figures.debrief_pdf if kind == "pdf" else figures.debrief_png
    media = "application/pdf" if kind == "pdf" else "image/png"
    return Response(draw(slides, data["theory"], data["stats"]), media_type=media,
                    headers=_attachment(f"{stem}-debrief.{kind}"))


@api
async def export(request: Request) -> Response:
    game = await _teacher_game(request)
    return await _call(_export, _state(request).store, game, request.path_params["kind"])


# --------------------------------------------------------------------------- student API


@api
async def join(request: Request) -> Response:
    body = await _json(request)
    if not isinstance(body, dict) or set(body) != {"code", "nickname"} or not isinstance(
            body["code"], str) or len(body["code"]) > 16:
        msg = "expected {\"code\": the class code, \"nickname\": your nickname}"
        raise InputError(msg)
    seat = await _call(_state(request).store.join, body["code"], body["nickname"])
    return JSONResponse({"seat": f"/s/{seat['token']}", "token": seat["token"],
                         "nickname": seat["nickname"]}, status_code=201, headers=HEADERS)


def _seat_view(store: Store, token: str) -> dict[str, Any]:
    _, game = store.seat(token)
    store.tick(game["id"])
    seat, game = store.seat(token)
    return views.seat_view(store, seat, game)


@api
async def seat_state(request: Request) -> Response:
    return JSONResponse(await _call(_seat_view, _state(request).store,
                                    request.path_params["token"]), headers=HEADERS)


def _seat_action(name: str, status: int = 200) -> Handler:
    """A POST on a seat: ``move``, ``offer`` or ``accept`` of :class:`Store`."""

    @api
    async def handler(request: Request) -> Response:
        body = await _json(request)
        act = getattr(_state(request).store, name)
        return JSONResponse(await _call(act, request.path_params["token"], body),
                            status_code=status, headers=HEADERS)

    return handler


ROUTES = [
    Route("/", home),
    Route("/s/{token}", student_page),
    Route("/teach", teach_page),
    Route("/t/{secret}", teacher_page),
    Route("/t/{secret}/debrief", debrief_page),
    Route("/api/scenarios", scenarios_list),
    Route("/api/games", create, methods=["POST"]),
    Route("/api/t/{secret}/state", teacher_state),
    Route("/api/t/{secret}/control", control, methods=["POST"]),
    Route("/api/t/{secret}/figure.png", figure),
    Route("/api/t/{secret}/export.{kind}", export),
    Route("/api/join", join, methods=["POST"]),
    Route("/api/s/{token}", seat_state),
    Route("/api/s/{token}/move", _seat_action("submit", 201), methods=["POST"]),
    Route("/api/s/{token}/offer", _seat_action("offer", 201), methods=["POST"]),
    Route("/api/s/{token}/accept", _seat_action("accept"), methods=["POST"]),
    Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
]


def create_app(store: Store, *, scenarios: Path | None = None, public_url: str | None = None
               ) -> Starlette:
    """The application over ``store``; ``scenarios`` is the folder of bundled scenario
    files the teacher may pick from, ``public_url`` the address students use to join
    (default: the address the teacher's browser used)."""
    app = Starlette(routes=ROUTES, exception_handlers={404: not_found})
    app.state.classroom = State(store, scenarios, public_url)
    return app
