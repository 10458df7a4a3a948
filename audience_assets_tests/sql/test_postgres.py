"""The SQL store on a real PostgreSQL: migrations to head, and the history queries
giving the same answers as on SQLite (known answers and two synthetic weeks)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from audience_assets.indexing.history import METRICS, BestBroadcast, SqlHistory, month_bounds
from audience_assets.ingestion.store import replace_dates
from audience_assets.sql.engine import make_engine
from audience_assets.sql.migrate import current_revision, head_revision
from audience_assets_tests.indexing.data import CHANNELS, REGIONS, TARGETS, synthetic_records
from audience_assets_tests.indexing.test_history import KNOWN, SHOW, R, T

pytestmark = pytest.mark.integration


def _fresh_database(server_url: str, name: str) -> str:
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="module")
def histories(postgres_url: str, tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[SqlHistory, SqlHistory]:
    records = KNOWN + synthetic_records("2025-01-25", 14)
    dates = {r.broadcast_date for r in records}
    pg = make_engine(_fresh_database(postgres_url, "audience_history"))
    lite = make_engine(f"sqlite:///{tmp_path_factory.mktemp('pg-history') / 'a.db'}")
    for engine in (pg, lite):
        replace_dates(engine, dates, records)
    return SqlHistory(pg), SqlHistory(lite)


def test_postgresql_is_migrated_to_head(histories: tuple[SqlHistory, SqlHistory]) -> None:
    pg = histories[0].engine
    assert current_revision(pg) == head_revision()
    assert "post_drafts_staging" in sa.inspect(pg).get_table_names()


def test_history_on_postgresql_known_answers(histories: tuple[SqlHistory, SqlHistory]) -> None:
    pg = histories[0]
    assert pg.best_before(SHOW, "La1", T, R, "unique_viewers", before="2026-03-03") == (
        BestBroadcast("unique_viewers", 3_500_000, "2026-02-28", "La1", "2026-02-28T22:00:00"))
    assert pg.channel_average_share("La1", "2026-02-01", "2026-02-28", T, R) == (
        pytest.approx(15.25))
    assert [(r.target, r.channel, r.title) for r in pg.top_broadcasts("2026-03-03", 3)] == [
        ("25-44", "La1", SHOW), (T, "A3", "NOTICIAS"), (T, "A3", SHOW)]
    assert pg.first_broadcast_date(SHOW, channel="A3") == "2026-03-03"


def test_history_on_postgresql_equals_sqlite(histories: tuple[SqlHistory, SqlHistory]) -> None:
    pg, lite = histories
    compared = 0
    for channel in CHANNELS:
        title = f"PRIME {channel}"
        for target in TARGETS:
            for metric in METRICS:
                for before in ("2025-01-27", "2025-02-08"):
                    args = (title, channel, target, R, metric, before)
                    assert pg.best_before(*args) == lite.best_before(*args)
                    compared += 1
        for start, end in (("2025-01-26", "2025-01-26"), month_bounds("2025-01-31")):
            a = lite.channel_average_share(channel, start, end, TARGETS[1], REGIONS[1])
            assert a is not None
            assert pg.channel_average_share(channel, start, end, TARGETS[1], REGIONS[1]) == (
                pytest.approx(a, rel=1e-12))
    for date in ("2025-01-25", "2025-02-07"):
        assert pg.top_broadcasts(date, 15) == lite.top_broadcasts(date, 15)
        for by in ("target", "region"):
            assert pg.top_broadcasts_per(date, 4, by) == lite.top_broadcasts_per(date, 4, by)
    assert compared == len(CHANNELS) * len(TARGETS) * len(METRICS) * 2


def test_a_second_start_up_on_postgresql_is_a_no_op(postgres_url: str, tmp_path: Path) -> None:
    url = _fresh_database(postgres_url, "audience_twice")
    make_engine(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    assert current_revision(engine) == head_revision()
