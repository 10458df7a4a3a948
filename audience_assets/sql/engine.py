"""Engines for the project's SQL store (SQLite by default, PostgreSQL in production).

The schema comes from the migrations (`audience_assets/sql/migrations`), never from
`metadata.create_all`: `make_engine` upgrades the database to the newest revision
before it hands the engine out, so a database created by any earlier release is
brought up to date in place.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from audience_assets import settings
from audience_assets.sql.migrate import upgrade

DEFAULT_BUSY_TIMEOUT_S: float = settings.default("AUDIENCE_DB_BUSY_TIMEOUT")


def busy_timeout_from_env() -> float:
    """Seconds a SQLite writer waits for another's lock (env AUDIENCE_DB_BUSY_TIMEOUT)."""
    return float(settings.get("AUDIENCE_DB_BUSY_TIMEOUT"))


def _sqlite_pragmas(busy_timeout_s: float) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # Up to 4 runs share one file: WAL lets readers work while one run writes, and
        # the busy timeout makes a second writer wait instead of failing at once.
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    return on_connect


def make_engine(
    url: str, *, busy_timeout_s: float | None = None, migrate: bool = True
) -> sa.Engine:
    """An engine for `url`, its database upgraded to the newest schema revision.

    SQLite files run in WAL mode with a busy timeout (`busy_timeout_s`, default
    AUDIENCE_DB_BUSY_TIMEOUT or 30 s). `migrate=False` only for tools that inspect
    a database as it is (the upgrade test).
    """
    timeout = busy_timeout_from_env() if busy_timeout_s is None else busy_timeout_s
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        # Passing connect_args replaces SQLAlchemy's own check_same_thread=False for file
        # databases: keep it, the pool hands connections to whichever thread asks.
        kwargs["connect_args"] = {"timeout": timeout, "check_same_thread": False}
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas(timeout))
    if migrate:
        upgrade(engine)
    return engine
