"""The SQL store: SQLite file by default, PostgreSQL (or any SQLAlchemy URL) in production."""

from __future__ import annotations

from functools import cache

import dagster as dg
import sqlalchemy as sa
from pydantic import Field

from audience_assets.sql.engine import make_engine

DEFAULT_DB_URL = "sqlite:///var/audience.db"


@cache
def _engine(url: str) -> sa.Engine:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return make_engine(url)


class DatabaseResource(dg.ConfigurableResource):
    """Where normalised records, deliveries, fact sheets and drafts are stored."""

    url: str = Field(
        default=DEFAULT_DB_URL,
        description="SQLAlchemy URL, e.g. sqlite:///var/audience.db or "
        "postgresql+psycopg://user:pass@host/db (env AUDIENCE_DB_URL).",
    )

    def engine(self) -> sa.Engine:
        # One engine (and connection pool) per URL per process.
        return _engine(self.url)
