"""The solr_audience_index asset and its check against the session's real Solr."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import dagster as dg
import pysolr
import pytest
import sqlalchemy as sa

from audience_assets.indexing.assets import INDEX_CHECK, solr_audience_index
from audience_assets.indexing.index import (
    IndexingInterrupted,
    index_dates,
    solr_counts,
    verify_dates,
)
from audience_assets.ingestion.store import replace_dates
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.solr import SolrResource, SolrUnavailable
from audience_assets_tests.fixtures.solr import SolrServer, free_port
from audience_assets_tests.indexing.data import store, synthetic_records

DATES = ["2026-03-28", "2026-03-29", "2026-03-30"]  # spans the change to summer time


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    return store(tmp_path / "audience.db", synthetic_records(DATES[0], len(DATES)))


def _materialize(engine: sa.Engine, url: str, *, batch_size: int = 50,
                 **partitions: str) -> dg.ExecuteInProcessResult:
    resources = {
        "solr": SolrResource(url=url, batch_size=batch_size),
        "database": DatabaseResource(url=str(engine.url)),
    }
    if "start" in partitions:
        return dg.materialize([solr_audience_index], resources=resources, tags={
            "dagster/asset_partition_range_start": partitions["start"],
            "dagster/asset_partition_range_end": partitions["end"],
        })
    return dg.materialize([solr_audience_index], resources=resources,
                          partition_key=partitions["key"])


def _check(result: dg.ExecuteInProcessResult) -> dg.AssetCheckEvaluation:
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.check_name == INDEX_CHECK
    return evaluation


def _sql_count(engine: sa.Engine, date: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text(
            "SELECT count(*) FROM audience_records WHERE broadcast_date = :d"), {"d": date}
        ).scalar_one())


pytestmark = pytest.mark.integration


def test_one_date_is_indexed_and_checked(engine: sa.Engine, solr: pysolr.Solr,
                                         solr_server: SolrServer) -> None:
    result = _materialize(engine, solr_server.url, key=DATES[1])
    assert result.success
    (materialization,) = result.asset_materializations_for_node("solr_audience_index")
    metadata = materialization.metadata
    expected = _sql_count(engine, DATES[1])
    assert metadata["documents"].value == expected
    assert float(metadata["docs_per_s"].value) > 0  # type: ignore[arg-type]
    assert _check(result).passed
    assert solr_counts(solr, DATES[0], DATES[-1]) == {DATES[1]: expected}


def test_a_range_backfills_in_one_run_and_reruns_never_duplicate(
    engine: sa.Engine, solr: pysolr.Solr, solr_server: SolrServer
) -> None:
    first = _materialize(engine, solr_server.url, start=DATES[0], end=DATES[-1])
    assert first.success and _check(first).passed
    assert len(first.asset_materializations_for_node("solr_audience_index")) == len(DATES)
    counts = solr_counts(solr, DATES[0], DATES[-1])
    assert counts == {d: _sql_count(engine, d) for d in DATES}

    # A corrected re-delivery shrinks one date: the re-run follows it exactly.
    day = [r for r in synthetic_records(DATES[0], len(DATES)) if r.broadcast_date == DATES[1]]
    corrected = [dataclasses.replace(r, share=r.share + 0.5) for r in day[: len(day) // 2]]
    replace_dates(engine, [DATES[1]], corrected)
    again = _materialize(engine, solr_server.url, key=DATES[1], batch_size=7)
    assert again.success and _check(again).passed
    counts_after = solr_counts(solr, DATES[0], DATES[-1])
    assert counts_after == {**counts, DATES[1]: len(corrected)}


def test_the_check_fails_when_the_index_differs_from_the_store(
    engine: sa.Engine, solr: pysolr.Solr
) -> None:
    index_dates(solr, engine, DATES, batch_size=100)
    assert verify_dates(solr, engine, DATES).passed

    # One document changed behind the store's back: the field-by-field sample sees it
    # (the sample is 20 of each date's documents, so change them all for that date).
    docs = list(solr.search("*:*", fq=f"broadcast_date:[{DATES[0]}T00:00:00Z TO "
                            f"{DATES[0]}T00:00:00Z]", rows=1000))
    for doc in docs:
        doc["share"] = doc["share"] + 1
        doc.pop("_version_", None)
    solr.add(docs, commit=True)
    # And one document missing for another date.
    solr.delete(q=f"broadcast_date:[{DATES[2]}T00:00:00Z TO {DATES[2]}T00:00:00Z] AND "
                "channel:La1", commit=True)
    verification = verify_dates(solr, engine, DATES)
    assert not verification.passed
    assert {p.date for p in verification.problems} == {DATES[0], DATES[2]}
    assert any("share differs" in str(p) for p in verification.problems)
    assert any("SQL store has" in str(p) for p in verification.problems)


def test_solr_stopped_mid_run_fails_clearly_and_the_rerun_is_exact(
    engine: sa.Engine, solr: pysolr.Solr, solr_server: SolrServer
) -> None:
    stopped: list[int] = []

    def stop_solr_after_first_batch(date: str, done: int) -> None:
        if not stopped and date == DATES[1]:
            solr_server.stop()
            stopped.append(done)

    try:
        with pytest.raises(IndexingInterrupted) as failure:
            index_dates(solr, engine, DATES, batch_size=25, commit_within_ms=1000,
                        where=solr_server.url, on_batch=stop_solr_after_first_batch)
    finally:
        assert solr_server.start() == solr_server.url
    message = str(failure.value)
    assert f"indexing {DATES[1]} into {solr_server.url} stopped after 25 of" in message
    assert "scripts/solr start" in message

    # What Solr had received is visible after its restart: the date is visibly incomplete.
    incomplete = verify_dates(solr, engine, DATES)
    assert not incomplete.passed
    assert {p.date for p in incomplete.problems} >= {DATES[1], DATES[2]}

    rerun = index_dates(solr, engine, DATES, batch_size=25)
    assert rerun.documents == sum(_sql_count(engine, d) for d in DATES)
    assert verify_dates(solr, engine, DATES).passed
    assert solr_counts(solr, DATES[0], DATES[-1]) == {d: _sql_count(engine, d) for d in DATES}


def test_an_unreachable_solr_is_named_with_the_way_to_start_it() -> None:
    url = f"http://127.0.0.1:{free_port()}/solr/audience"
    with pytest.raises(SolrUnavailable, match="scripts/solr start") as failure:
        SolrResource(url=url, connect_timeout=1).ping()
    assert url in str(failure.value)


def test_the_asset_retries_an_unreachable_solr_then_fails_naming_it(tmp_path: Path) -> None:
    engine = store(tmp_path / "a.db", synthetic_records(DATES[0], 1))
    url = f"http://127.0.0.1:{free_port()}/solr/audience"
    result = dg.materialize(
        [solr_audience_index], partition_key=DATES[0], raise_on_error=False,
        resources={"solr": SolrResource(url=url, connect_timeout=1),
                   "database": DatabaseResource(url=str(engine.url))},
    )
    assert not result.success
    restarts = [e for e in result.all_events if e.event_type_value == "STEP_RESTARTED"]
    assert len(restarts) == 3  # RetryPolicy(max_retries=3), exponential backoff from 2 s
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    message = str(failure.step_failure_data.error)
    assert url in message and "scripts/solr start" in message
