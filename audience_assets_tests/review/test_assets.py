"""post_exports and the approvals sensor, through Dagster."""

from __future__ import annotations

import json

import dagster as dg
import openpyxl
import pytest

from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.storage import StorageResource
from audience_assets.review import state, views
from audience_assets.review.assets import post_exports
from audience_assets.review.sensors import approvals_sensor

from .helpers import DAY, seed_day


def val(value):
    """A metadata entry's plain value (MaterializeResult keeps raw values as given)."""
    return getattr(value, "value", value)


@pytest.fixture
def database(tmp_path):
    database = DatabaseResource(url=f"sqlite:///{tmp_path}/audience.db")
    seed_day(database.engine(), limit=4, networks=("x", "bluesky"))
    return database


def export(database, tmp_path) -> dg.MaterializeResult:
    result = post_exports(context=dg.build_asset_context(partition_key=DAY),
                          database=database,
                          storage=StorageResource(output_dir=str(tmp_path / "out")))
    assert isinstance(result, dg.MaterializeResult)
    return result


def test_export_holds_exactly_the_approved_posts_in_three_formats(database, tmp_path):
    engine = database.engine()
    x = views.load_day(engine, DAY, "x")
    bluesky = views.load_day(engine, DAY, "bluesky")
    state.approve(engine, x[0].key, x[0].text + " ¡Genial!", 0, "ana", "formato del cliente")
    state.approve(engine, bluesky[1].key, bluesky[1].text, 0, "luis")
    state.reject(engine, x[1].key, x[1].text, 0, "ana")
    meta = export(database, tmp_path).metadata
    assert val(meta["dagster/row_count"]) == 2
    assert val(meta["per_network"]) == {"bluesky": 1, "x": 1}
    assert val(meta["overrides"]) == 1
    folder = tmp_path / "out" / "exports" / DAY
    data = json.loads((folder / "posts.json").read_text())
    assert [(p["red"], p["texto"], p["revisor"]) for p in data["posts"]] == [
        ("bluesky", bluesky[1].text, "luis"), ("x", x[0].text + " ¡Genial!", "ana")]
    sheet = openpyxl.load_workbook(folder / "posts.xlsx")["Posts"]
    assert [c.value for c in sheet[1]][:3] == ["fecha", "red", "orden"]
    assert sheet.max_row == 3
    assert (folder / "posts.csv").read_text(encoding="utf-8-sig").count("\n") >= 3


def test_a_day_without_approvals_exports_empty_files(database, tmp_path):
    meta = export(database, tmp_path).metadata
    assert val(meta["dagster/row_count"]) == 0
    assert json.loads((tmp_path / "out" / "exports" / DAY / "posts.json").read_text())[
        "posts"] == []


def sensor_run(database, cursor=None):
    context = dg.build_sensor_context(instance=dg.DagsterInstance.ephemeral(), cursor=cursor,
                                      resources={"database": database})
    return approvals_sensor(context)


def test_sensor_requests_an_export_when_the_approved_set_changes(database):
    engine = database.engine()
    assert isinstance(sensor_run(database), dg.SkipReason)
    items = views.load_day(engine, DAY, "x")
    state.save_text(engine, items[0].key, items[0].text + " 📊", 0, "ana")
    nothing = sensor_run(database)
    assert nothing.run_requests == []  # an edit before any approval exports nothing
    state.approve(engine, items[0].key, items[0].text, 1, "ana")
    first = sensor_run(database, nothing.cursor)
    assert [(r.partition_key, r.tags["audience/approved_posts"]) for r in first.run_requests
            ] == [(DAY, "1")]
    # an edit of another, unapproved post keeps the same key: Dagster drops the repeat
    state.save_text(engine, items[1].key, items[1].text + " 📊", 0, "ana")
    same = sensor_run(database, first.cursor)
    assert [r.run_key for r in same.run_requests] == [first.run_requests[0].run_key]
    state.approve(engine, items[1].key, items[1].text, 1, "ana")
    second = sensor_run(database, same.cursor)
    assert second.run_requests[0].run_key != first.run_requests[0].run_key
    assert int(second.cursor) > int(first.cursor)


def test_definitions_wire_exports_report_and_the_running_sensor():
    from audience_assets.definitions import defs

    graph = defs.resolve_asset_graph()
    parents = {k: {p.to_user_string() for p in graph.get(dg.AssetKey.from_user_string(k))
                   .parent_keys} for k in ("post_exports", "daily_report/mercado")}
    assert parents["post_exports"] == {"post_drafts"}
    assert parents["daily_report/mercado"] >= {"relevant_broadcasts", "minute_audience",
                                       "audience_anomalies", "audience_records"}
    sensor = defs.resolve_sensor_def("approvals_sensor")
    assert sensor.job_name == "post_exports_job"
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
