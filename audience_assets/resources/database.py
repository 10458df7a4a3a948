"""The SQL store: SQLite file by default, PostgreSQL (or any SQLAlchemy URL) in production."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import dagster as dg
import sqlalchemy as sa
from pydantic import Field

from audience_assets import settings
from audience_assets.sql.connect import DEFAULT_BUSY_TIMEOUT_S
from audience_assets.sql.engine import make_engine

DEFAULT_DB_URL = settings.default("AUDIENCE_DB_URL")


@cache
def _engine(url: str, busy_timeout_s: float) -> sa.Engine:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    # make_engine runs the migrations: once per URL per process, before the first
    # asset of the run reads or writes.
    return make_engine(url, busy_timeout_s=busy_timeout_s)


class DatabaseResource(dg.ConfigurableResource):
    """Where normalised records, deliveries, fact sheets and drafts are stored."""

    url: str = Field(
        default=DEFAULT_DB_URL,
        description="SQLAlchemy URL, e.g. sqlite:///var/audience.db or "
        "postgresql+psycopg://user:pass@host/db (env AUDIENCE_DB_URL).",
    )
    busy_timeout_s: float = Field(
        default=DEFAULT_BUSY_TIMEOUT_S, ge=0,
        description="SQLite only: seconds a writer waits for another run's write lock "
        "before failing (env AUDIENCE_DB_BUSY_TIMEOUT). The file runs in WAL mode.",
    )

    def engine(self) -> sa.Engine:
        """The engine (one pool per URL per process), its schema upgraded to head."""
        return _engine(self.url, self.busy_timeout_s)
