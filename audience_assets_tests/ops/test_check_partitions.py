"""Asset check results carry their broadcast date, so the UI lists a failed check under
its partition instead of "Partition —"."""

from __future__ import annotations

import dagster as dg
import pytest

from audience_assets.definitions import defs
from audience_assets.ingestion.assets import audience_records, kantar_raw_file
from audience_assets.partitions import broadcast_days
from audience_assets_tests.ingestion.conftest import SAMPLES, deliver

DAY = "2026-11-16"


def test_every_check_of_a_daily_asset_is_partitioned_by_broadcast_date() -> None:
    graph = defs.resolve_asset_graph()
    checks = list(graph.asset_check_keys)
    assert len(checks) >= 10
    for key in checks:
        spec = graph.get_check_spec(key)
        assert spec.partitions_def == broadcast_days, key.to_user_string()


@pytest.mark.timeout(180)
def test_a_days_check_results_are_recorded_under_that_day(storage, database) -> None:
    deliver(storage, *sorted(p.name for p in SAMPLES.glob(f"programas_{DAY}_*")))
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize([kantar_raw_file, audience_records], partition_key=DAY,
                                resources={"storage": storage, "database": database},
                                instance=instance)
        assert result.success
        evaluations = result.get_asset_check_evaluations()
        assert evaluations and {e.partition for e in evaluations} == {DAY}
        key = dg.AssetCheckKey(dg.AssetKey("audience_records"), "unique_broadcast_key")
        [record] = instance.event_log_storage.get_asset_check_execution_history(key, limit=5)
        assert record.partition == DAY
