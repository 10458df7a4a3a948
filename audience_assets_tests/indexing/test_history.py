"""History queries: known answers, and SQL and Solr agreeing on the same data."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import sqlalchemy as sa

from audience_assets.indexing.history import (
    METRICS,
    AudienceHistory,
    BestBroadcast,
    SolrHistory,
    SqlHistory,
    month_bounds,
)
from audience_assets.indexing.index import index_dates
from audience_assets.records import AudienceRecord
from audience_assets_tests.fixtures.solr import SolrServer
from audience_assets_tests.indexing.data import (
    CHANNELS,
    REGIONS,
    TARGETS,
    TRICKY_TITLES,
    store,
    synthetic_records,
)

T, R = TARGETS[0], REGIONS[0]
SHOW = "MASTERCHEF: (EL RETO) \"FINAL\""


def _known(date: str, start: str, uv: int, avg: int, share: float, channel: str = "La1",
           title: str = SHOW, target: str = T, region: str = R) -> AudienceRecord:
    return AudienceRecord(
        broadcast_date=date, channel=channel, title=title, description="", start=f"{date}T{start}",
        end=f"{date}T23:59:00", genre="ENTRETENIMIENTO", share=share, avg_audience=avg,
        unique_viewers=uv, target=target, region=region,
    )


# Hand-made history with known answers (1 March is empty on purpose).
KNOWN = [
    _known("2026-02-27", "22:00:00", 3_000_000, 1_500_000, 14.0),
    _known("2026-02-28", "22:00:00", 3_500_000, 1_400_000, 16.5),
    _known("2026-03-02", "22:00:00", 3_500_000, 1_600_000, 15.0),  # ties 28 Feb's viewers
    _known("2026-03-03", "22:00:00", 2_000_000, 1_000_000, 12.0),
    _known("2026-03-03", "22:00:00", 9_000_000, 4_000_000, 30.0, target="25-44"),
    _known("2026-03-03", "22:00:00", 2_500_000, 1_100_000, 11.0, channel="A3"),
    _known("2026-03-03", "15:00:00", 2_500_000, 1_100_000, 5.0, channel="A3", title="NOTICIAS"),
]


@pytest.fixture(scope="module")
def histories(tmp_path_factory: pytest.TempPathFactory, solr_server: SolrServer
              ) -> tuple[SqlHistory, SolrHistory]:
    """The known history plus two weeks of synthetic 2025 data, in SQLite and in Solr."""
    records = KNOWN + synthetic_records("2025-01-25", 14)
    engine = store(tmp_path_factory.mktemp("history") / "a.db", records)
    client = solr_server.client()
    client.delete(q="*:*", commit=True)
    index_dates(client, engine, sorted({r.broadcast_date for r in records}), batch_size=100)
    return SqlHistory(engine), SolrHistory(client)


known = synthetic = histories


def _each(pair: tuple[SqlHistory, SolrHistory]) -> list[AudienceHistory]:
    return list(pair)


pytestmark = pytest.mark.integration


def test_best_before_known_answers(known: tuple[SqlHistory, SolrHistory]) -> None:
    for history in _each(known):
        best = history.best_before(SHOW, "La1", T, R, "unique_viewers", before="2026-03-03")
        # 28 Feb and 2 Mar tie on viewers: the earliest broadcast holds the record.
        assert best == BestBroadcast("unique_viewers", 3_500_000, "2026-02-28", "La1",
                                     "2026-02-28T22:00:00")
        best = history.best_before(SHOW, "La1", T, R, "avg_audience", before="2026-03-04")
        assert best == BestBroadcast("avg_audience", 1_600_000, "2026-03-02", "La1",
                                     "2026-03-02T22:00:00")
        share = history.best_before(SHOW, "La1", T, R, "share", before="2026-03-04",
                                    since="2026-03-01")
        assert share == BestBroadcast("share", 15.0, "2026-03-02", "La1", "2026-03-02T22:00:00")
        assert history.best_before(SHOW, "La1", T, R, "share", before="2026-02-27") is None
        assert history.best_before(SHOW, "La2", T, R, "share", before="2026-04-01") is None


def test_channel_average_share_known_answers(known: tuple[SqlHistory, SolrHistory]) -> None:
    for history in _each(known):
        assert history.channel_average_share("A3", "2026-03-03", "2026-03-03", T, R) == (
            pytest.approx(8.0))
        first, last = month_bounds("2026-02-14")
        assert (first, last) == ("2026-02-01", "2026-02-28")
        assert history.channel_average_share("La1", first, last, T, R) == pytest.approx(15.25)
        assert history.channel_average_share("La1", "2026-03-01", "2026-03-01", T, R) is None


def test_top_broadcasts_known_answers(known: tuple[SqlHistory, SolrHistory]) -> None:
    for history in _each(known):
        top = history.top_broadcasts("2026-03-03", 3)
        # Same viewers and audience on A3: channel ties, so the earlier start goes first.
        assert [(r.target, r.channel, r.title) for r in top] == [
            ("25-44", "La1", SHOW), (T, "A3", "NOTICIAS"), (T, "A3", SHOW)]
        assert [r.unique_viewers for r in history.top_broadcasts("2026-03-03", 5, target=T)] == [
            2_500_000, 2_500_000, 2_000_000]
        assert history.top_broadcasts("2026-03-03", 5, region="Madrid") == []


def test_first_broadcast_date_known_answers(known: tuple[SqlHistory, SolrHistory]) -> None:
    for history in _each(known):
        assert history.first_broadcast_date(SHOW) == "2026-02-27"
        assert history.first_broadcast_date(SHOW, channel="A3") == "2026-03-03"
        assert history.first_broadcast_date(SHOW, target="25-44") == "2026-03-03"
        assert history.first_broadcast_date("MASTERCHEF") is None


def test_sql_and_solr_agree_on_every_query(synthetic: tuple[SqlHistory, SolrHistory]) -> None:
    sql, solr = synthetic
    titles = [f"PRIME {c}" for c in CHANNELS] + [f"MADRUGADA {c}" for c in CHANNELS[:2]]
    compared = 0
    for title in titles:
        channel = title.split(" ", 1)[1]
        for target in TARGETS:
            for metric in METRICS:
                for before in ("2025-01-27", "2025-02-01", "2025-02-08"):
                    args = (title, channel, target, R, metric, before)
                    assert sql.best_before(*args) == solr.best_before(*args)
                    assert sql.best_before(*args, since="2025-01-30") == solr.best_before(
                        *args, since="2025-01-30")
                    compared += 2
        assert sql.first_broadcast_date(title) == solr.first_broadcast_date(title) == "2025-01-25"
    for channel in CHANNELS:
        for start, end in (("2025-01-26", "2025-01-26"), month_bounds("2025-01-31")):
            a = sql.channel_average_share(channel, start, end, TARGETS[1], REGIONS[1])
            b = solr.channel_average_share(channel, start, end, TARGETS[1], REGIONS[1])
            assert a is not None and b == pytest.approx(a, rel=1e-12)
    for date in ("2025-01-25", "2025-02-07"):
        assert sql.top_broadcasts(date, 15) == solr.top_broadcasts(date, 15)
        assert len(sql.top_broadcasts(date, 15)) == 15
        for target in TARGETS:
            for region in REGIONS:
                assert sql.top_broadcasts(date, 5, target, region) == solr.top_broadcasts(
                    date, 5, target, region)
        for by in ("target", "region"):
            per_sql, per_solr = sql.top_broadcasts_per(date, 4, by), solr.top_broadcasts_per(
                date, 4, by)
            assert per_sql == per_solr
            assert sorted(per_sql) == sorted(TARGETS if by == "target" else REGIONS)
    assert compared == 7 * 2 * 3 * 3 * 2


def test_titles_full_of_solr_syntax_match_only_themselves(
    synthetic: tuple[SqlHistory, SolrHistory],
) -> None:
    sql, solr = synthetic
    for i, title in enumerate(TRICKY_TITLES):
        first = sql.first_broadcast_date(title)
        assert first == ("2025-01-25" if i % 2 == 0 else "2025-01-26")
        assert solr.first_broadcast_date(title) == first
        best = sql.best_before(title, "La2", T, R, "unique_viewers", "2025-02-08")
        assert best is not None
        assert best == solr.best_before(title, "La2", T, R, "unique_viewers", "2025-02-08")
    # Values that would be query syntax if they were pasted into q/fq.
    for value in ("*", "*:*", "title:*", "\\", '"', "(", "PRIME La1 OR *"):
        assert solr.first_broadcast_date(value) == sql.first_broadcast_date(value)
        assert solr.channel_average_share(value, "2025-01-25", "2025-02-07", T, R) is None


def test_dates_from_callers_are_validated(synthetic: tuple[SqlHistory, SolrHistory]) -> None:
    for history in _each(synthetic):
        with pytest.raises(ValueError):
            history.best_before("PRIME La1", "La1", T, R, "share", before="2025-02-01] OR *:*")
        with pytest.raises(ValueError):
            history.best_before("PRIME La1", "La1", T, R, "viewers", before="2025-02-01")  # type: ignore[arg-type]


def test_sql_history_on_a_rebuilt_table_after_changes(tmp_path: Path) -> None:
    engine = store(tmp_path / "a.db", KNOWN)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audience_records WHERE broadcast_date = '2026-02-28'"))
    best = SqlHistory(engine).best_before(SHOW, "La1", T, R, "unique_viewers", "2026-03-03")
    assert best is not None and best.broadcast_date == "2026-03-02"
    assert dataclasses.asdict(best)["value"] == 3_500_000
