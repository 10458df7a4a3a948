"""Each finished daily run is tagged with its steps' seconds (audience/stage_seconds)."""

import time

import dagster as dg
import pytest

from audience_assets.ingestion.sensors import (
    STAGE_SECONDS_TAG,
    stage_timings_sensor,
    step_seconds,
)


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
