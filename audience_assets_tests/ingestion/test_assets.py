from pathlib import Path

import dagster as dg
import pytest

from audience_assets.ingestion.assets import audience_records, kantar_raw_file
from audience_assets.ingestion.kantar import parse_file
from audience_assets.ingestion.store import count_records, load_records
from audience_assets_tests.ingestion.conftest import SAMPLES, corrected, deliver

DAY = "2026-11-16"
DAY_FILES = sorted(p.name for p in SAMPLES.glob(f"programas_{DAY}_*"))


def materialize_day(storage, database, date: str = DAY) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [kantar_raw_file, audience_records],
        partition_key=date,
        resources={"storage": storage, "database": database},
        instance=dg.DagsterInstance.ephemeral(),
    )


def test_a_day_is_archived_parsed_and_stored_exactly(storage, database):
    deliver(storage, *DAY_FILES)
    result = materialize_day(storage, database)
    assert result.success
    expected = [r for name in DAY_FILES for r in parse_file(SAMPLES / name).records]
    stored = load_records(database.engine(), DAY)
    key = lambda r: (r.target, r.region, r.channel, r.start, r.title)  # noqa: E731
    assert sorted(stored, key=key) == sorted([r for r in expected], key=key)
    # archived immutably under the date, named by content hash; the hot folder is drained
    archived = sorted(Path(storage.archive_dir, "2026", "11", "16").iterdir())
    assert len(archived) == len(DAY_FILES)
    assert all(len(p.name.split("-", 1)[0]) == 64 for p in archived)
    assert not any(Path(storage.hot_folder).iterdir())
    checks = result.get_asset_check_evaluations()
    assert {c.check_name for c in checks} == {
        "required_fields_present",
        "share_within_0_100",
        "avg_audience_within_reach",
        "fdm_consistent",
        "unique_broadcast_key",
    }
    assert all(c.passed for c in checks)
    meta = result.asset_materializations_for_node("audience_records")[0].metadata
    assert meta["dagster/row_count"].value == len(expected)


def test_rerun_and_redelivery_replace_the_day_without_duplicates(storage, database):
    deliver(storage, *DAY_FILES)
    assert materialize_day(storage, database).success
    count = count_records(database.engine(), DAY)
    assert materialize_day(storage, database).success  # plain re-run: from the archive
    assert count_records(database.engine(), DAY) == count
    # corrected re-delivery of the national file: its figures replace the old ones
    (total,) = deliver(storage, f"programas_{DAY}_total.tsv")
    total.write_bytes(corrected(total.read_bytes(), am=b"999"))
    assert materialize_day(storage, database).success
    rows = load_records(database.engine(), DAY)
    assert len(rows) == count
    ruleta = [
        r
        for r in rows
        if r.title == "LA RULETA DE LA SUERTE"
        and r.target == "Total Individuos (4+)"
        and r.region == "Total España"
    ]
    assert [r.avg_audience for r in ruleta] == [999_000]


def test_missing_delivery_fails_with_a_clear_message(storage, database):
    with pytest.raises(dg.Failure, match="No Kantar delivery for 2026-11-18"):
        materialize_day(storage, database, "2026-11-18")


@pytest.mark.integration
def test_postgresql_store_replaces_days_like_sqlite(storage, postgres_url):
    from audience_assets.resources.database import DatabaseResource

    database = DatabaseResource(url=postgres_url)
    deliver(storage, *DAY_FILES)
    assert materialize_day(storage, database).success
    count = count_records(database.engine(), DAY)
    assert count == sum(len(parse_file(SAMPLES / n).records) for n in DAY_FILES)
    assert materialize_day(storage, database).success
    assert count_records(database.engine(), DAY) == count
    stored = load_records(database.engine(), DAY)
    assert {r.region for r in stored} >= {"Andalucía", "Total España"}
    assert all(isinstance(r.avg_audience, int) for r in stored)


def test_a_failing_blocking_check_publishes_nothing_and_says_why(storage, database):
    deliver(storage, *DAY_FILES)
    assert materialize_day(storage, database).success
    published = load_records(database.engine(), DAY)
    (total,) = deliver(storage, f"programas_{DAY}_total.tsv")
    # AM above MAA parses but is impossible: the blocking check must stop it
    total.write_bytes(corrected(total.read_bytes(), am=b"99999"))
    result = dg.materialize(
        [kantar_raw_file, audience_records], partition_key=DAY,
        resources={"storage": storage, "database": database},
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    assert not result.success
    assert load_records(database.engine(), DAY) == published  # untouched
    failed = [c for c in result.get_asset_check_evaluations() if not c.passed]
    # FdM disagrees too, a warning: only the blocking check stops publishing
    assert [c.check_name for c in failed] == ["avg_audience_within_reach", "fdm_consistent"]
    assert "LA RULETA DE LA SUERTE" in str(failed[0].metadata["examples"].value)
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert "Not published: avg_audience_within_reach" in str(failure.event_specific_data)


def test_a_range_of_dates_is_one_run_through_the_partition_window(storage, database):
    names = sorted(p.name for d in ("2026-11-16", "2026-11-17", "2026-11-18")
                   for p in SAMPLES.glob(f"programas_{d}_*"))
    deliver(storage, *names)
    result = dg.materialize(
        [kantar_raw_file, audience_records],
        resources={"storage": storage, "database": database},
        instance=dg.DagsterInstance.ephemeral(),
        tags={"dagster/asset_partition_range_start": "2026-11-16",
              "dagster/asset_partition_range_end": "2026-11-18"})
    assert result.success
    for date in ("2026-11-16", "2026-11-17", "2026-11-18"):
        expected = sum(len(parse_file(SAMPLES / n).records) for n in names if date in n)
        assert count_records(database.engine(), date) == expected
    meta = result.asset_materializations_for_node("audience_records")[0].metadata
    assert meta["dates"].value == 3
    assert not any(Path(storage.hot_folder).iterdir())
