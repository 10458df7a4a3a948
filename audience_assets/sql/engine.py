"""Engines for the project's SQL store (SQLite by default, PostgreSQL in production).

The schema comes from the migrations (`audience_assets/sql/migrations`), never from
`metadata.create_all`: `make_engine` upgrades the database to the newest revision
before it hands the engine out, so a database created by any earlier release is
brought up to date in place.
"""

from __future__ import annotations

import sqlalchemy as sa

from audience_assets.sql.connect import open_engine
from audience_assets.sql.migrate import upgrade


def make_engine(
    url: str, *, busy_timeout_s: float | None = None, migrate: bool = True
) -> sa.Engine:
    """An engine for `url`, its database upgraded to the newest schema revision.

    SQLite files run in WAL mode with a busy timeout (`busy_timeout_s`, default
    AUDIENCE_DB_BUSY_TIMEOUT or 30 s). `migrate=False` only for tools that inspect
    a database as it is (the upgrade test).
    """
    engine = open_engine(url, busy_timeout_s=busy_timeout_s)
    if migrate:
        upgrade(engine)
    return engine
