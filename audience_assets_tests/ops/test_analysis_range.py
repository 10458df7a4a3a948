"""The analysis stage backfills a range in ONE run walking the dates oldest first, and
each date's fact sheets and plan equal what a run of that date alone publishes."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from audience_assets.analysis.assets import (
    audience_anomalies,
    minute_audience,
    post_plan,
    relevant_broadcasts,
)
from audience_assets.analysis.store import load_fact_sheets, load_plan
from audience_assets.definitions import resources
from audience_assets.ingestion.assets import audience_records, kantar_raw_file
from audience_assets.resources.analysis import AnalysisResource
from audience_assets.resources.database import DatabaseResource
from audience_assets_tests.ingestion.conftest import SAMPLES, deliver, make_storage

DATES = ["2026-11-16", "2026-11-17", "2026-11-18"]
ANALYSIS = [minute_audience, audience_anomalies, relevant_broadcasts, post_plan]


def _range_tags(first: str, last: str) -> dict[str, str]:
    return {"dagster/asset_partition_range_start": first,
            "dagster/asset_partition_range_end": last}


@pytest.mark.timeout(600)
def test_a_range_is_one_run_equal_to_runs_of_each_date(tmp_path: Path) -> None:
    storage = make_storage(tmp_path)
    database = DatabaseResource(url=f"sqlite:///{tmp_path / 'audience.db'}")
    deliver(storage, *[p.name for d in DATES for p in SAMPLES.glob(f"*{d}*")
                       if p.name.startswith("programas_") and "_total" in p.name])
    res = {"storage": storage, "database": database, "io_manager": resources["io_manager"],
           "analysis": AnalysisResource(history="sql"), "solr": resources["solr"]}
    with dg.DagsterInstance.ephemeral() as instance:
        stored = dg.materialize([kantar_raw_file, audience_records], resources=res,
                                instance=instance, tags=_range_tags(DATES[0], DATES[-1]))
        assert stored.success
        walked = dg.materialize(ANALYSIS, resources=res, instance=instance,
                                tags=_range_tags(DATES[0], DATES[-1]),
                                selection=[a.key for a in ANALYSIS])
        assert walked.success
        engine = database.engine()
        sheets = {d: load_fact_sheets(engine, d) for d in DATES}
        plans = {d: load_plan(engine, d) for d in DATES}
        assert all(sheets.values()) and all(p is not None for p in plans.values())
        # One step, one materialization per date of the range, all from this one run.
        materializations = walked.asset_materializations_for_node("relevant_broadcasts")
        assert sorted(m.partition for m in materializations) == DATES
        assert all(m.metadata["dates"].value == len(DATES) for m in materializations)
        checks = walked.get_asset_check_evaluations()
        assert {c.check_name for c in checks} >= {"figures_equal_records"}
        assert all(c.passed for c in checks if c.check_name != "targets_and_regions_known")
        # The last date alone again: the same sheets and plan.
        alone = dg.materialize(ANALYSIS, resources=res, instance=instance,
                               partition_key=DATES[-1])
        assert alone.success
        assert load_fact_sheets(engine, DATES[-1]) == sheets[DATES[-1]]
        assert load_plan(engine, DATES[-1]) == plans[DATES[-1]]
