"""The review desk: a small FastAPI app with server-rendered Jinja2 pages (no Dagster).

Every value from the data reaches the page through autoescaped templates or the
DOM's textContent; the pages load only this package's own JS and CSS (a strict
Content-Security-Policy forbids anything else). Every change needs a signed-in
session and its CSRF token.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import sqlalchemy as sa
from fastapi import FastAPI, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from audience_assets import settings
from audience_assets.analysis.evidence import evidence_lines
from audience_assets.drafting.validation import format_share, format_viewers, measure
from audience_assets.ingestion.minutes import tv_clock
from audience_assets.networks import NETWORK_KEYS as NETWORKS
from audience_assets.networks import network as network_facts
from audience_assets.paths import resolve_stored
from audience_assets.review import auth, decisions, exports, state, views
from audience_assets.sql.engine import make_engine

PACKAGE = Path(__file__).resolve().parent
log = logging.getLogger("audience_assets.review")
SESSION_COOKIE = "desk_session"
LOGIN_CSRF_COOKIE = "desk_login_csrf"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
# The most any request may send: a 5,000-character text as JSON, every character escaped
# (\uXXXX, 6 bytes), plus the other fields. Larger bodies are refused before they are read.
MAX_BODY_BYTES = 64 * 1024
TOO_LARGE = "La petición es demasiado grande: el texto admite como máximo 5.000 caracteres."


@dataclass
class DeskSettings:
    """Where the desk reads and writes, and how long a sign-in lasts."""

    db_url: str = settings.default("AUDIENCE_DB_URL")
    output_dir: str = settings.default("AUDIENCE_OUTPUT_DIR")
    users_file: str = auth.DEFAULT_USERS_FILE
    session_minutes: float = settings.default("AUDIENCE_REVIEW_SESSION_MINUTES")
    secure_cookies: bool = settings.default("AUDIENCE_REVIEW_SECURE_COOKIES")
    engine: sa.Engine | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls) -> DeskSettings:
        now = settings.current()
        return cls(
            db_url=now.audience_db_url,
            output_dir=now.audience_output_dir,
            users_file=str(auth.users_file()),
            session_minutes=now.audience_review_session_minutes,
            secure_cookies=now.audience_review_secure_cookies,
        )

    def get_engine(self) -> sa.Engine:
        if self.engine is None:
            if self.db_url.startswith("sqlite:///") and not self.db_url.startswith("sqlite:////"):
                Path(self.db_url.removeprefix("sqlite:///")).parent.mkdir(parents=True,
                                                                         exist_ok=True)
            self.engine = make_engine(self.db_url)
        return self.engine


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PACKAGE / "templates")),
        autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["viewers"] = lambda v: format_viewers(int(v))
    env.filters["share"] = lambda v: format_share(float(v))
    env.filters["clock"] = lambda ts: (dt.datetime.fromtimestamp(ts).strftime("%d/%m %H:%M")
                                       if ts else "")
    env.filters["tvclock"] = lambda sheet: (
        tv_clock(sheet["start"], sheet["broadcast_date"])
        if sheet.get("start") and sheet.get("broadcast_date") else sheet.get("start", ""))
    env.filters["evidence_lines"] = evidence_lines
    env.filters["decision"] = decisions.decision_of
    # Only http(s) links reach an href: a javascript: URL in the data would run on click.
    env.filters["web_url"] = lambda v: str(v).lower().startswith(("http://", "https://"))
    return env


STATUS_LABELS = {"pending_review": "pendiente", "invalid": "no válido (generado)",
                 decisions.IN_REVIEW: "editado", decisions.APPROVED: "aprobado",
                 decisions.REJECTED: "rechazado"}


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413 on every route: at once when
    Content-Length says so, else as soon as the streamed body passes it. The body (at
    most `limit` bytes) is read here and handed on whole, so no handler ever sees part of
    an oversized body and nothing is half-written."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away: let the app see it
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await self._refuse(scope, send)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        response = JSONResponse({"error": TOO_LARGE}, status_code=413,
                                headers={"Connection": "close"})
        await response(scope, _nothing, send)


async def _nothing() -> Message:
    return {"type": "http.disconnect"}


def create_app(settings: DeskSettings | None = None) -> FastAPI:
    settings = settings or DeskSettings.from_env()
    app = FastAPI(title="Mesa de revisión", docs_url=None, redoc_url=None, openapi_url=None)
    env = _templates()
    app.mount("/static", StaticFiles(directory=str(PACKAGE / "static")), name="static")

    def engine() -> sa.Engine:
        return settings.get_engine()

    def render(name: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        html = env.get_template(name).render(status_labels=STATUS_LABELS, **values)
        return HTMLResponse(html, status_code=status_code)

    @app.middleware("http")
    async def security_headers(request: Request,
                               call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    def current_hash(reviewer: str) -> str | None:
        try:
            return auth.load_users(settings.users_file).get(reviewer)
        except auth.ReviewersFileError:
            return None

    def session_of(request: Request) -> auth.Session | None:
        return auth.find_session(engine(), request.cookies.get(SESSION_COOKIE), current_hash)

    def login_page(error: str = "", status_code: int = 200) -> HTMLResponse:
        token = secrets.token_urlsafe(32)
        response = render("login.html", status_code=status_code, error=error, csrf=token)
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                            secure=settings.secure_cookies, max_age=3600)
        return response

    @app.get("/login", response_class=HTMLResponse)
    def login_form() -> HTMLResponse:
        return login_page()

    @app.post("/login")
    def login(request: Request, username: str = Form(""), password: str = Form(""),
              csrf: str = Form("")) -> Response:
        cookie = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
        if not cookie or not secrets.compare_digest(cookie, csrf):
            return login_page("La sesión del formulario caducó: vuelve a intentarlo.", 403)
        try:
            users = auth.load_users(settings.users_file)
        except auth.ReviewersFileError as exc:
            return login_page(f"Configuración de revisores no válida: {exc}", 500)
        address = request.client.host if request.client else "?"
        try:
            auth.claim_attempt(engine(), username, address)
        except auth.SigninThrottled as exc:
            return login_page(f"Demasiados intentos fallidos: espera {max(1, round(exc.wait_s))}"
                              f" s y vuelve a intentarlo.", 429)
        if not auth.verify(users, username, password):
            return login_page("Usuario o contraseña incorrectos.", 401)
        auth.clear_failures(engine(), username, address)
        token, _ = auth.open_session(engine(), username, settings.session_minutes * 60,
                                     users[username])
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict",
                            secure=settings.secure_cookies,
                            max_age=int(settings.session_minutes * 60))
        response.delete_cookie(LOGIN_CSRF_COOKIE)
        return response

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form("")) -> Response:
        # The server session ends whenever its cookie comes: SameSite=Strict already keeps
        # other sites from sending it, and a logout must never leave a live session behind.
        auth.close_session(engine(), request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> Response:
        session = session_of(request)
        if session is None:
            return RedirectResponse("/login", status_code=303)
        return render("index.html", session=session, days=views.review_days(engine()),
                      networks=NETWORKS, today=dt.date.today().isoformat(),
                      notices=state.take_notices(engine(), session.reviewer))

    def _date(value: str) -> str | None:
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return None

    @app.get("/day/{date}/{network}", response_class=HTMLResponse)
    def day(request: Request, date: str, network: str) -> Response:
        session = session_of(request)
        if session is None:
            return RedirectResponse("/login", status_code=303)
        iso = _date(date)
        if iso is None or network not in NETWORKS:
            return render("error.html", 404, session=session,
                          message="Fecha o red desconocida.")
        items = views.load_day(engine(), iso, network)
        limit = _limit(network)
        approved = sum(1 for i in items if i.status == decisions.APPROVED)
        return render("day.html", session=session, date=iso, network=network, items=items,
                      networks=NETWORKS, limit=limit, unit=network_facts(network).unit,
                      approved=approved, dates=views.review_dates(engine()),
                      notices=state.take_notices(engine(), session.reviewer))

    def api_session(request: Request) -> auth.Session | JSONResponse:
        session = session_of(request)
        if session is None:
            return JSONResponse({"error": "La sesión ha caducado: vuelve a entrar. Tu texto "
                                 "sin guardar sigue en este navegador."}, status_code=401)
        if not auth.csrf_ok(session, request.headers.get("X-CSRF-Token")):
            return JSONResponse({"error": "Falta el token CSRF o no es válido."},
                                status_code=403)
        return session

    async def _body(request: Request) -> dict[str, Any]:
        # the body is bounded by BodyLimit; parsing and everything after it runs in a
        # worker thread, so one slow request never holds the event loop
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else {}
        except (ValueError, RecursionError):  # not JSON, or nested past the parser's depth
            return {}
        return body if isinstance(body, dict) else {}

    def _key(body: dict[str, Any]) -> decisions.DraftKey | None:
        date = _date(str(body.get("date", "")))
        network = str(body.get("network", ""))
        sheet_key = body.get("sheet_key")
        if date is None or network not in NETWORKS or not isinstance(sheet_key, str) \
                or not sheet_key:
            return None
        decisions.check_input(sheet_key, "La clave del post", 1024)
        return decisions.DraftKey(date, sheet_key, network)

    def _refusal(exc: Exception) -> JSONResponse | None:
        if isinstance(exc, decisions.TextTooLong):
            return JSONResponse({"error": str(exc)}, status_code=413)
        if isinstance(exc, decisions.ReviewConflict):
            return JSONResponse(exc.to_dict(), status_code=409)
        if isinstance(exc, decisions.OverrideRequired):
            return JSONResponse({"error": str(exc), "override_required": True,
                                 "violations": exc.violations}, status_code=422)
        if isinstance(exc, decisions.ReviewError):
            return JSONResponse({"error": str(exc)}, status_code=400)
        return None

    def _check(request: Request, body: dict[str, Any]) -> JSONResponse:
        session = api_session(request)
        if isinstance(session, JSONResponse):
            return session
        try:
            key = _key(body)
            text = body.get("text")
            if key is None or not isinstance(text, str):
                return JSONResponse({"error": "Petición incompleta."}, status_code=400)
            decisions.check_input(text, "El texto", decisions.MAX_TEXT)
            with engine().connect() as conn:
                draft = views.draft_row(conn, key)
        except decisions.ReviewError as exc:
            refused = _refusal(exc)
            assert refused is not None
            if "ya no existe" in str(exc):
                refused.status_code = 404
            return refused
        return JSONResponse(views.check_text(text, draft["fact_sheet"], key.network))

    @app.post("/api/check")
    async def check(request: Request) -> JSONResponse:
        body = await _body(request)
        return await run_in_threadpool(_check, request, body)

    def _act(request: Request, body: dict[str, Any]) -> JSONResponse:
        session = api_session(request)
        if isinstance(session, JSONResponse):
            return session
        name = body.get("action")
        text = body.get("text", "")
        try:
            version = int(body.get("version", -1))
        except (TypeError, ValueError):
            version = -1
        overwrite = body.get("overwrite_approval")
        confirm = overwrite if isinstance(overwrite, int) and not isinstance(
            overwrite, bool) else None
        who = session.reviewer
        try:
            key = _key(body)
            if key is None or version < 0 or not isinstance(text, str):
                return JSONResponse({"error": "Petición incompleta."}, status_code=400)
            reason = str(body.get("reason") or body.get("override_reason") or "")
            if name == "save":
                result = state.save_text(engine(), key, text, version, who, confirm)
            elif name == "approve":
                result = state.approve(engine(), key, text, version, who, reason, confirm)
            elif name == "unapprove":
                result = state.unapprove(engine(), key, version, who)
            elif name == "reject":
                result = state.reject(engine(), key, text, version, who, reason, confirm)
            elif name == "restore":
                result = state.restore(engine(), key, version, who, confirm)
            elif name == "image":
                result = state.choose_image(engine(), key, str(body.get("image") or ""),
                                            version, who, confirm)
            else:
                return JSONResponse({"error": "Acción desconocida."}, status_code=400)
        except (decisions.ReviewError, decisions.ReviewConflict, decisions.OverrideRequired) as exc:
            refused = _refusal(exc)
            assert refused is not None
            return refused
        return JSONResponse(_shown(result, key, who))

    def _shown(result: dict[str, Any], key: decisions.DraftKey, who: str) -> dict[str, Any]:
        violations = result["violations"]
        return {
            "version": result["version"], "status": result["status"],
            "decision": result.get("decision") or decisions.decision_of(result["status"]),
            "status_label": STATUS_LABELS.get(result["status"], result["status"]),
            "text": result["text"] if "text" in result else result["final_text"],
            "reviewer": result["reviewer"], "updated_at": result.get("updated_at"),
            "chosen_image": result["chosen_image"],
            "override_reason": result["override_reason"], "valid": bool(result["valid"]),
            "violations": json.loads(violations) if isinstance(violations, str)
            else violations,
            "length": measure(str(result.get("text", result.get("final_text", ""))),
                                    key.network),
            "unchanged": bool(result.get("unchanged")),
            "notices": state.take_notices(engine(), who),
        }

    @app.post("/api/action")
    async def action(request: Request) -> JSONResponse:
        body = await _body(request)
        return await run_in_threadpool(_act, request, body)

    @app.get("/images/{sha256}")
    def image(request: Request, sha256: str, date: str, sheet_key: str,
              network: str) -> Response:
        if session_of(request) is None:
            return Response(status_code=401)
        iso = _date(date)
        if iso is None:
            return Response(status_code=404)
        # Only files the image stage recorded for this post, and only under the output
        # folder: a row naming any other file (planted, or an old absolute path) is a 404.
        for candidate in views.image_candidates(engine(), decisions.DraftKey(iso, sheet_key,
                                                                         network)):
            if candidate.sha256 != sha256 or not candidate.path:
                continue
            found = resolve_stored(candidate.path, settings.output_dir)
            if found is not None:
                return FileResponse(found)
            log.warning("image %s of %s/%s/%s: stored path %r is not a file under the "
                        "output folder %s; not served", sha256[:12], iso, network,
                        sheet_key, candidate.path, settings.output_dir)
        return Response(status_code=404)

    @app.get("/exports/{date}/{name}")
    def download(request: Request, date: str, name: str) -> Response:
        if session_of(request) is None:
            return RedirectResponse("/login", status_code=303)
        iso = _date(date)
        if iso is None or name not in exports.EXPORT_NAMES:
            return Response(status_code=404)
        folder = exports.ensure_current(engine(), iso, settings.output_dir)
        return FileResponse(folder / name, filename=name.replace("posts", f"posts-{iso}", 1))

    app.add_middleware(BodyLimit)  # added last: the outermost, before any body is read
    return app


def _limit(network: str) -> int:
    from audience_assets.drafting.validation.config import load_config

    return int(getattr(load_config().settings.limits, network))
