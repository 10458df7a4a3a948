"""Engines for the project's SQL store (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

import sqlalchemy as sa

from audience_assets.sql.schema import metadata


def make_engine(url: str) -> sa.Engine:
    """An engine for `url`, with the schema created (idempotent)."""
    engine = sa.create_engine(url, future=True)
    metadata.create_all(engine)
    return engine


