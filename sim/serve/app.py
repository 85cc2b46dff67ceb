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
from sim.serve.store import Conflict, Gone, NotFound, Store

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
    for kind, code in ((NotFound, 404), (Gone, 410), (Conflict, 409), (TooLarge, 413)):
        if isinstance(exc, kind):
            return code
    return 400


def _error(exc: Exception) -> JSONResponse:
    if isinstance(exc, ScenarioErrors):
        lines = [e.one_line() for e in exc.errors]
        return JSONResponse({"error": lines[0], "errors": lines}, status_code=400,
                            headers=HEADERS)
    return JSONResponse({"error": str(exc)}, status_code=_status(exc), headers=HEADERS)


async def _json(request: Request, limit: int = MAX_SMALL_BODY) -> Any:
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


def create_app(store: Store, *, scenarios: Path | None = None, public_url: str | None = None
               ) -> Starlette:
    """The application over ``store``; ``scenarios`` is the folder of bundled scenario
    files the teacher may pick from, ``public_url`` the address students use to join
    (default: the address the teacher's browser used)."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))

    def bundled() -> dict[str, Path]:
        if scenarios is None or not scenarios.is_dir():
            return {}
        return {p.relative_to(scenarios).as_posix(): p
                for p in sorted(scenarios.rglob("*.toml")) if p.is_file()}

    def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        return templates.TemplateResponse(request, name, context, status_code=status,
                                          headers=HEADERS)

    def join_url(request: Request) -> str:
        return (public_url or str(request.base_url)).rstrip("/") + "/"

    async def call(fn: Callable[..., Any], *args: Any) -> Any:
        return await run_in_threadpool(fn, *args)

    async def teacher_game(request: Request) -> Any:
        game = await call(lambda: store.game(secret=request.path_params["secret"]))
        await call(store.tick, game["id"])
        return await call(lambda: store.game(gid=game["id"]))

    # ------------------------------------------------------------------ pages

    async def home(request: Request) -> Response:
        return page(request, "join.html", code=request.query_params.get("code", "")[:8])

    async def student_page(request: Request) -> Response:
        try:
            await call(store.seat, request.path_params["token"])
        except (NotFound, Gone) as exc:
            return page(request, "error.html", _status(exc), message=str(exc))
        return page(request, "student.html", token=request.path_params["token"])

    async def teach_page(request: Request) -> Response:
        if request.query_params.get("key") != await call(store.admin_key):
            return page(request, "error.html", 404,
                        message="unknown link: use the teacher link printed by tradesim serve")
        return page(request, "teach.html", key=request.query_params["key"],
                    scenarios=list(bundled()))

    async def teacher_page(request: Request) -> Response:
        try:
            game = await teacher_game(request)
        except (NotFound, Gone) as exc:
            return page(request, "error.html", _status(exc), message=str(exc))
        import segno

        url = f"{join_url(request)}?code={game['code']}"
        qr = segno.make(url, error="m").svg_inline(scale=5, dark="#111", light="#fff")
        return page(request, "teacher.html", secret=request.path_params["secret"],
                    code=game["code"], join=url, qr=qr)

    async def debrief_page(request: Request) -> Response:
        try:
            game = await teacher_game(request)
        except (NotFound, Gone) as exc:
            return page(request, "error.html", _status(exc), message=str(exc))
        slides = await call(views.debrief, store, game)
        return page(request, "debrief.html", secret=request.path_params["secret"],
                    slides=slides, title=store.room(game).scenario.title)

    # ------------------------------------------------------------------ teacher API

    @api
    async def scenarios_list(request: Request) -> Response:
        if request.query_params.get("key") != await call(store.admin_key):
            raise NotFound("unknown key")  # noqa: EM101
        return JSONResponse({"scenarios": list(bundled())}, headers=HEADERS)

    @api
    async def create(request: Request) -> Response:
        body = await _json(request, MAX_BODY)
        if not isinstance(body, dict) or not set(body) <= {"key", "scenario", "text",
                                                             "filename", "settings"}:
            msg = "expected {key, scenario or text (and filename), settings}"
            raise InputError(msg)
        if body.get("key") != await call(store.admin_key):
            msg = "unknown key: use the teacher link printed by tradesim serve"
            raise NotFound(msg)
        name, text = body.get("scenario"), body.get("text")
        if (name is None) == (text is None):
            msg = "expected either a bundled scenario name or an uploaded scenario's text"
            raise InputError(msg)
        if name is not None:
            files = bundled()
            if name not in files:
                msg = f"unknown scenario '{str(name)[:80]}'; expected one of: {', '.join(files)}"
                raise InputError(msg)
            from sim.scenario import read_text

            text, label = read_text(files[name]), name
        else:
            label = body.get("filename") or "upload.toml"
            if not isinstance(text, str) or not isinstance(label, str) or len(label) > 200:
                msg = "expected the uploaded scenario as text with a file name"
                raise InputError(msg)
        settings = body.get("settings") or {}
        made = await call(store.create, label, text, settings)
        return JSONResponse({"code": made["code"], "teacher": f"/t/{made['secret']}",
                             "join": f"{join_url(request)}?code={made['code']}"},
                            status_code=201, headers=HEADERS)

    @api
    async def teacher_state(request: Request) -> Response:
        game = await teacher_game(request)
        data = await call(views.teacher_view, store, game)
        return JSONResponse(data, headers=HEADERS)

    @api
    async def control(request: Request) -> Response:
        body = await _json(request)
        if not isinstance(body, dict) or set(body) != {"action"}:
            msg = "expected {\"action\": start | pause | resume | close | end}"
            raise InputError(msg)
        await call(store.control, request.path_params["secret"], body["action"])
        return JSONResponse({"ok": True}, headers=HEADERS)

    @api
    async def figure(request: Request) -> Response:
        game = await teacher_game(request)
        data = await call(views.teacher_view, store, game)
        png = await call(figures.dashboard_png, data["theory"], data["stats"])
        return Response(png, media_type="image/png", headers=HEADERS)

    @api
    async def export(request: Request) -> Response:
        game = await teacher_game(request)
        kind = request.path_params["kind"]
        stem = f"tradesim-{game['scenario']}-{game['code']}"
        if kind == "csv":
            text = await call(views.export_csv, store, game)
            return Response(text, media_type="text/csv; charset=utf-8", headers={
                **HEADERS, "Content-Disposition": f'attachment; filename="{stem}.csv"'})
        if kind == "json":
            data = await call(views.export_json, store, game)
            return JSONResponse(data, headers={
                **HEADERS, "Content-Disposition": f'attachment; filename="{stem}.json"'})
        data = await call(views.teacher_view, store, game)
        slides = await call(views.debrief, store, game)
        if kind == "pdf":
            pdf = await call(figures.debrief_pdf, slides, data["theory"], data["stats"])
            return Response(pdf, media_type="application/pdf", headers={
                **HEADERS, "Content-Disposition": f'attachment; filename="{stem}-debrief.pdf"'})
        if kind == "png":
            png = await call(figures.debrief_png, slides, data["theory"], data["stats"])
            return Response(png, media_type="image/png", headers={
                **HEADERS, "Content-Disposition": f'attachment; filename="{stem}-debrief.png"'})
        msg = f"unknown export '{kind[:20]}'; expected csv, json, pdf or png"
        raise NotFound(msg)

    # ------------------------------------------------------------------ student API

    @api
    async def join(request: Request) -> Response:
        body = await _json(request)
        if not isinstance(body, dict) or set(body) != {"code", "nickname"} or not isinstance(
                body["code"], str) or len(body["code"]) > 16:
            msg = "expected {\"code\": the class code, \"nickname\": your nickname}"
            raise InputError(msg)
        seat = await call(store.join, body["code"], body["nickname"])
        return JSONResponse({"seat": f"/s/{seat['token']}", "token": seat["token"],
                             "nickname": seat["nickname"]}, status_code=201, headers=HEADERS)

    @api
    async def seat_state(request: Request) -> Response:
        def read() -> dict[str, Any]:
            seat, game = store.seat(request.path_params["token"])
            store.tick(game["id"])
            seat, game = store.seat(request.path_params["token"])
            return views.seat_view(store, seat, game)

        return JSONResponse(await call(read), headers=HEADERS)

    @api
    async def move(request: Request) -> Response:
        body = await _json(request)
        return JSONResponse(await call(store.submit, request.path_params["token"], body),
                            status_code=201, headers=HEADERS)

    @api
    async def offer(request: Request) -> Response:
        body = await _json(request)
        return JSONResponse(await call(store.offer, request.path_params["token"], body),
                            status_code=201, headers=HEADERS)

    @api
    async def accept(request: Request) -> Response:
        body = await _json(request)
        return JSONResponse(await call(store.accept, request.path_params["token"], body),
                            headers=HEADERS)

    async def not_found(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "no such address"}, status_code=404, headers=HEADERS)
        return page(request, "error.html", 404, message="no such page")

    routes = [
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
        Route("/api/s/{token}/move", move, methods=["POST"]),
        Route("/api/s/{token}/offer", offer, methods=["POST"]),
        Route("/api/s/{token}/accept", accept, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    return Starlette(routes=routes, exception_handlers={404: not_found})
