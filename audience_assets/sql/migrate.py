"""Schema migrations (Alembic), shipped inside the package and run without an alembic.ini.

    python -m audience_assets.sql.migrate upgrade  [--url URL]   # to the newest revision
    python -m audience_assets.sql.migrate current  [--url URL]   # the database's revision
    python -m audience_assets.sql.migrate revision "add image_candidates"

`revision` writes a new file under `migrations/versions/` whose operations Alembic
autogenerates from the difference between `schema.py` and the newest revision (applied to
a scratch SQLite database); read it, then commit it. See `audience_assets/sql/README.md`.

Two processes that start at once do not race: the upgrade holds a lock (a file lock beside
a SQLite file, an advisory lock on PostgreSQL) and the second one finds nothing to do.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from filelock import FileLock

from audience_assets.sql.connect import open_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# pg_advisory_xact_lock key: any constant the project owns ("audience" in ASCII).
_PG_LOCK_KEY = 0x61756469656E6365 & 0x7FFFFFFFFFFFFFFF
_LOCK_TIMEOUT_S = 300


def alembic_config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # The revision id already is `NNNN_slug` (next_revision_id): the file is named after it.
    config.set_main_option("file_template", "%%(rev)s")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migration found under audience_assets/sql/migrations"
    return head


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def _file_lock(engine: sa.Engine) -> Iterator[None]:
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        with FileLock(f"{database}.migrate.lock", timeout=_LOCK_TIMEOUT_S):
            yield
    else:
        yield


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the database to `revision`; a no-op when it is there already."""
    if revision == "head" and current_revision(engine) == head_revision():
        return
    with _file_lock(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        command.upgrade(alembic_config(conn), revision)


def next_revision_id(message: str) -> str:
    """`NNNN_slug`: numbered after the newest file, so the order reads in a listing."""
    versions = MIGRATIONS_DIR / "versions"
    numbers = [int(p.name[:4]) for p in versions.glob("[0-9][0-9][0-9][0-9]_*.py")]
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40] or "revision"
    return f"{max(numbers, default=0) + 1:04d}_{slug}"


def new_revision(message: str) -> Path:
    """Autogenerate a revision from schema.py against the newest revision; its path."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = sa.create_engine(f"sqlite:///{tmp}/scratch.db")
        upgrade(engine)
        with engine.begin() as conn:
            script = command.revision(alembic_config(conn), message=message, autogenerate=True,
                                      rev_id=next_revision_id(message))
        engine.dispose()
    assert script is not None and not isinstance(script, list)
    return Path(script.path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The SQL store's schema migrations.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("upgrade", "current"):
        p = sub.add_parser(name)
        p.add_argument("--url", default="sqlite:///var/audience.db",
                       help="SQLAlchemy URL (default sqlite:///var/audience.db)")
    rev = sub.add_parser("revision")
    rev.add_argument("message")
    args = parser.parse_args(argv)
    if args.command == "revision":
        print(new_revision(args.message))
        return 0
    engine = open_engine(args.url)
    if args.command == "upgrade":
        upgrade(engine)
    print(current_revision(engine) or "none (empty database)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
