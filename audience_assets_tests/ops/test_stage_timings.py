"""Where a day's time goes: each materialisation carries its step's seconds, each finished
daily run its steps' (audience/stage_seconds), and a date's daily run the whole day's."""

import time
from collections.abc import Iterator
from typing import Any

import dagster as dg
import pytest

from audience_assets.ingestion.sensors import (
    DAY_SECONDS_TAG,
    STAGE_SECONDS_TAG,
    day_seconds,
    stage_timings_sensor,
    step_seconds,
)
from audience_assets.timing import timed


@dg.asset
def slow_stage() -> None:
    time.sleep(0.3)


@dg.asset(deps=[slow_stage])
def quick_stage() -> None:
    pass


@pytest.mark.timeout(120)
def test_a_finished_run_is_tagged_with_its_steps_seconds() -> None:
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize([slow_stage, quick_stage], instance=instance)
        seconds = step_seconds(instance, result.run_id)
        assert list(seconds) == ["slow_stage", "quick_stage"]
        assert seconds["slow_stage"] >= 0.3 > seconds["quick_stage"]
        run = instance.get_run_by_id(result.run_id)
        [record] = instance.get_records_for_run(
            result.run_id, of_type=dg.DagsterEventType.RUN_SUCCESS).records
        success = record.event_log_entry.dagster_event
        context = dg.build_run_status_sensor_context(
            sensor_name="stage_timings_sensor", dagster_event=success,
            dagster_instance=instance, dagster_run=run)
        stage_timings_sensor(context)
        tag = instance.get_run_by_id(result.run_id).tags[STAGE_SECONDS_TAG]
        assert tag.startswith("slow_stage=0.") and " quick_stage=" in tag


days = dg.DailyPartitionsDefinition(start_date="2026-11-01")


@dg.asset(partitions_def=days)
@timed
def records_stage() -> dg.MaterializeResult:
    time.sleep(0.2)
    return dg.MaterializeResult(metadata={"rows": 3})


@dg.asset(partitions_def=days, deps=[records_stage])
@timed
def plan_stage() -> dg.MaterializeResult:
    return dg.MaterializeResult()


@dg.multi_asset(partitions_def=days,
                specs=[dg.AssetSpec("report_a", deps=[plan_stage]), dg.AssetSpec("report_b")])
@timed
def reports_stage() -> Iterator[dg.MaterializeResult]:
    time.sleep(0.5)  # waiting, not CPU
    yield dg.MaterializeResult(asset_key="report_a")
    busy = time.process_time() + 0.3
    while time.process_time() < busy:  # CPU, not waiting
        pass
    yield dg.MaterializeResult(asset_key="report_b")


def materialization_metadata(instance: dg.DagsterInstance, key: str) -> dict[str, Any]:
    event = instance.get_latest_materialization_event(dg.AssetKey(key))
    assert event is not None and event.asset_materialization is not None
    assert event.asset_materialization.partition == "2026-11-16"
    return {k: v.value for k, v in event.asset_materialization.metadata.items()}


@pytest.mark.timeout(120)
def test_each_materialisation_carries_its_seconds_and_the_day_lists_every_stage() -> None:
    stages = [records_stage, plan_stage, reports_stage]
    jobs = [dg.define_asset_job("ingestion_chain", selection=[records_stage]),
            dg.define_asset_job("analysis_chain", selection=[plan_stage]),
            dg.define_asset_job("daily_pipeline", selection=["report_a", "report_b"])]
    defs = dg.Definitions(assets=stages, jobs=jobs)
    with dg.DagsterInstance.ephemeral() as instance:
        results = [defs.resolve_job_def(j.name).execute_in_process(
            instance=instance, partition_key="2026-11-16") for j in jobs]
        records = materialization_metadata(instance, "records_stage")
        assert records["rows"] == 3 and records["step_seconds"] >= 0.2
        assert records["step_cpu_seconds"] < 0.2  # it slept
        first = materialization_metadata(instance, "report_a")
        second = materialization_metadata(instance, "report_b")
        # each materialisation of a multi-asset step is timed from the one before
        assert first["step_seconds"] >= 0.5 and first["step_cpu_seconds"] < 0.3
        assert second["step_cpu_seconds"] >= 0.3 and second["step_seconds"] >= 0.3
        daily = instance.get_run_by_id(results[-1].run_id)
        [record] = instance.get_records_for_run(
            daily.run_id, of_type=dg.DagsterEventType.RUN_SUCCESS).records
        stage_timings_sensor(dg.build_run_status_sensor_context(
            sensor_name="stage_timings_sensor", dagster_event=record.event_log_entry.dagster_event,
            dagster_instance=instance, dagster_run=daily))
        day = dict(pair.split("=") for pair in
                   instance.get_run_by_id(daily.run_id).tags[DAY_SECONDS_TAG].split())
        assert list(day) == ["day", "records_stage", "plan_stage", "reports_stage"]
        assert float(day["day"]) >= float(day["records_stage"]) + float(day["reports_stage"])
        assert float(day["reports_stage"]) >= first["step_seconds"] + second["step_seconds"] - 0.01
        # a date whose analysis has not run has no day yet
        assert day_seconds(instance, "2026-11-15") == {}
