"""Engines for a SQL store as it is, without touching its schema: SQLite files run in
WAL mode with a busy timeout. `audience_assets.sql.engine.make_engine` adds the upgrade to
the newest revision; the migration CLI uses this module directly, so that the migrations
and the engine do not import each other."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import sqlalchemy as sa

from audience_assets import settings

DEFAULT_BUSY_TIMEOUT_S: float = settings.default("AUDIENCE_DB_BUSY_TIMEOUT")


def busy_timeout_from_env() -> float:
    """Seconds a SQLite writer waits for another's lock (env AUDIENCE_DB_BUSY_TIMEOUT)."""
    return float(settings.get("AUDIENCE_DB_BUSY_TIMEOUT"))


def sqlite_pragmas(busy_timeout_s: float) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # Up to 4 runs share one file: WAL lets readers work while one run writes, and
        # the busy timeout makes a second writer wait instead of failing at once.
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        use_wal(cursor, busy_timeout_s)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    return on_connect


def use_wal(cursor: Any, busy_timeout_s: float) -> None:
    """Switch the file to WAL, waiting up to `busy_timeout_s` for other connections.

    SQLite answers `PRAGMA journal_mode = WAL` with "database is locked" at once, without
    calling the busy handler, while another process holds the file (two start-ups on a
    new database failed 5 times in 30 that way): the switch is retried here instead."""
    deadline = time.monotonic() + busy_timeout_s
    pause = 0.01
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def open_engine(url: str, *, busy_timeout_s: float | None = None) -> sa.Engine:
    """An engine for `url` (SQLite: WAL, busy timeout `busy_timeout_s`, default
    AUDIENCE_DB_BUSY_TIMEOUT), its schema left as it is."""
    timeout = busy_timeout_from_env() if busy_timeout_s is None else busy_timeout_s
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        # Passing connect_args replaces SQLAlchemy's own check_same_thread=False for file
        # databases: keep it, the pool hands connections to whichever thread asks.
        kwargs["connect_args"] = {"timeout": timeout, "check_same_thread": False}
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", sqlite_pragmas(timeout))
    return engine
