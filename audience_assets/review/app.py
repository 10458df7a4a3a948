"""The review desk: a small FastAPI app with server-rendered Jinja2 pages (no Dagster).

Every value from the data reaches the page through autoescaped templates or the
DOM's textContent; the pages load only this package's own JS and CSS (a strict
Content-Security-Policy forbids anything else). Every change needs a signed-in
session and its CSRF token.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import sqlalchemy as sa
from fastapi import FastAPI, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from audience_assets import settings
from audience_assets.drafting.validation import format_share, format_viewers
from audience_assets.ingestion.minutes import tv_clock
from audience_assets.networks import NETWORK_KEYS as NETWORKS
from audience_assets.networks import network as network_facts
from audience_assets.review import auth, exports, state
from audience_assets.sql.engine import make_engine

PACKAGE = Path(__file__).resolve().parent
SESSION_COOKIE = "desk_session"
LOGIN_CSRF_COOKIE = "desk_login_csrf"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
# Failed sign-ins per name: past MAX_FAILURES within FAILURE_WINDOW_S the name is refused
# until the window passes (argon2 already makes each guess slow; this bounds their number).
MAX_FAILURES = 5
FAILURE_WINDOW_S = 600.0


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
    env.filters["evidence"] = lambda v: (v if isinstance(v, str)
                                         else json.dumps(v, ensure_ascii=False))
    # Only http(s) links reach an href: a javascript: URL in the data would run on click.
    env.filters["web_url"] = lambda v: str(v).lower().startswith(("http://", "https://"))
    return env


STATUS_LABELS = {"pending_review": "pendiente", "invalid": "no válido (generado)",
                 state.IN_REVIEW: "editado", state.APPROVED: "aprobado",
                 state.REJECTED: "rechazado"}


def create_app(settings: DeskSettings | None = None) -> FastAPI:
    settings = settings or DeskSettings.from_env()
    app = FastAPI(title="Mesa de revisión", docs_url=None, redoc_url=None, openapi_url=None)
    env = _templates()
    failures: dict[str, list[float]] = {}
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

    def session_of(request: Request) -> auth.Session | None:
        return auth.find_session(engine(), request.cookies.get(SESSION_COOKIE))

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
        now = time.time()
        recent = [t for t in failures.get(username, []) if now - t < FAILURE_WINDOW_S]
        if len(recent) >= MAX_FAILURES:
            failures[username] = recent
            return login_page("Demasiados intentos fallidos: espera unos minutos.", 429)
        if not auth.verify(users, username, password):
            failures[username] = [*recent, now]
            return login_page("Usuario o contraseña incorrectos.", 401)
        failures.pop(username, None)
        token, _ = auth.open_session(engine(), username, settings.session_minutes * 60)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict",
                            secure=settings.secure_cookies,
                            max_age=int(settings.session_minutes * 60))
        response.delete_cookie(LOGIN_CSRF_COOKIE)
        return response

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form("")) -> Response:
        session = session_of(request)
        if session is not None and auth.csrf_ok(session, csrf):
            auth.close_session(engine(), request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> Response:
        session = session_of(request)
        if session is None:
            return RedirectResponse("/login", status_code=303)
        dates = state.review_dates(engine())
        return render("index.html", session=session, dates=dates, networks=NETWORKS)

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
        items = state.load_day(engine(), iso, network)
        limit = _limit(network)
        approved = sum(1 for i in items if i.status == state.APPROVED)
        return render("day.html", session=session, date=iso, network=network, items=items,
                      networks=NETWORKS, limit=limit, unit=network_facts(network).unit,
                      approved=approved, dates=state.review_dates(engine()))

    def api_session(request: Request) -> auth.Session | JSONResponse:
        session = session_of(request)
        if session is None:
            return JSONResponse({"error": "La sesión ha caducado: vuelve a entrar."},
                                status_code=401)
        if not auth.csrf_ok(session, request.headers.get("X-CSRF-Token")):
            return JSONResponse({"error": "Falta el token CSRF o no es válido."},
                                status_code=403)
        return session

    async def _body(request: Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    def _key(body: dict[str, Any]) -> state.DraftKey | None:
        date = _date(str(body.get("date", "")))
        network = str(body.get("network", ""))
        if date is None or network not in NETWORKS or not body.get("sheet_key"):
            return None
        return state.DraftKey(date, str(body["sheet_key"]), network)

    @app.post("/api/check")
    async def check(request: Request) -> JSONResponse:
        session = api_session(request)
        if isinstance(session, JSONResponse):
            return session
        body = await _body(request)
        key = _key(body)
        text = body.get("text")
        if key is None or not isinstance(text, str):
            return JSONResponse({"error": "Petición incompleta."}, status_code=400)
        with engine().connect() as conn:
            try:
                draft = state.draft_row(conn, key)
            except state.ReviewError as exc:
                return JSONResponse({"error": str(exc)}, status_code=404)
        return JSONResponse(state.check_text(text, draft["fact_sheet"], key.network))

    @app.post("/api/action")
    async def action(request: Request) -> JSONResponse:
        session = api_session(request)
        if isinstance(session, JSONResponse):
            return session
        body = await _body(request)
        key = _key(body)
        name = body.get("action")
        text = body.get("text", "")
        try:
            version = int(body.get("version", -1))
        except (TypeError, ValueError):
            version = -1
        if key is None or version < 0 or not isinstance(text, str):
            return JSONResponse({"error": "Petición incompleta."}, status_code=400)
        who = session.reviewer
        try:
            if name == "save":
                result = state.save_text(engine(), key, text, version, who)
            elif name == "approve":
                result = state.approve(engine(), key, text, version, who,
                                       str(body.get("override_reason") or ""))
            elif name == "reject":
                result = state.reject(engine(), key, text, version, who)
            elif name == "restore":
                result = state.restore(engine(), key, version, who)
            elif name == "image":
                result = state.choose_image(engine(), key, str(body.get("image") or ""),
                                            version, who)
            else:
                return JSONResponse({"error": "Acción desconocida."}, status_code=400)
        except state.ReviewConflict as exc:
            return JSONResponse({"error": str(exc), "conflict": exc.current}, status_code=409)
        except state.OverrideRequired as exc:
            return JSONResponse({"error": str(exc), "override_required": True,
                                 "violations": exc.violations}, status_code=422)
        except state.ReviewError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        result["violations"] = json.loads(result["violations"])
        result["status_label"] = STATUS_LABELS.get(result["status"], result["status"])
        result["length"] = state.measure(result["text"], key.network)
        return JSONResponse(result)

    @app.get("/images/{sha256}")
    def image(request: Request, sha256: str, date: str, sheet_key: str,
              network: str) -> Response:
        if session_of(request) is None:
            return Response(status_code=401)
        iso = _date(date)
        if iso is None:
            return Response(status_code=404)
        # Only files the image stage recorded for this post are served, never a free path.
        for candidate in state.image_candidates(engine(), state.DraftKey(iso, sheet_key,
                                                                         network)):
            if candidate.sha256 == sha256 and candidate.path and Path(candidate.path).is_file():
                return FileResponse(candidate.path)
        return Response(status_code=404)

    @app.get("/exports/{date}/{name}")
    def download(request: Request, date: str, name: str) -> Response:
        if session_of(request) is None:
            return RedirectResponse("/login", status_code=303)
        iso = _date(date)
        if iso is None or name not in exports.EXPORT_NAMES:
            return Response(status_code=404)
        folder = exports.ensure_current(engine(), iso, settings.output_dir)
        return FileResponse(folder / name, filename=f"posts-{iso}{Path(name).suffix}")

    return app


def _limit(network: str) -> int:
    from audience_assets.drafting.validation.config import load_config

    return int(getattr(load_config().settings.limits, network))
