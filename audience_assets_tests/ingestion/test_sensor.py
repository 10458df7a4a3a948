import hashlib
import json
import os
import time
from pathlib import Path

import dagster as dg
import pytest

from audience_assets.ingestion import sensors
from audience_assets.ingestion.sensors import MAX_TRACKED_FILES, hot_folder_sensor
from audience_assets.resources.storage import StorageResource
from audience_assets_tests.ingestion.conftest import SAMPLES, corrected, deliver, make_storage


def evaluate(storage: StorageResource, cursor: str | None = None) -> dg.SensorResult:
    context = dg.build_sensor_context(
        instance=dg.DagsterInstance.ephemeral(), cursor=cursor, resources={"storage": storage}
    )
    result = hot_folder_sensor(context)
    assert isinstance(result, dg.SensorResult)
    return result


def daily(result: dg.SensorResult) -> list[dg.RunRequest]:
    """The daily_pipeline requests (each after its date's ingestion and analysis ones)."""
    requests = result.run_requests or []
    assert [r.job_name for r in requests] == [
        "ingestion_chain", "analysis_chain", "daily_pipeline"] * (len(requests) // 3)
    dates = [r.partition_key for r in requests]
    assert dates[::3] == dates[1::3] == dates[2::3]
    return [r for r in requests if r.job_name == "daily_pipeline"]


def test_a_days_eight_files_become_one_run_per_job_keyed_by_their_content(storage):
    day = sorted(p.name for p in SAMPLES.glob("*2026-11-16*"))
    assert len(day) == 8  # seven programmes files (targets, regions) and the minutes
    deliver(storage, *day)
    result = evaluate(storage)
    (request,) = daily(result)
    assert request.partition_key == "2026-11-16"
    hashes = sorted(hashlib.sha256((SAMPLES / n).read_bytes()).hexdigest() for n in day)
    content = hashlib.sha256(" ".join(hashes).encode()).hexdigest()
    assert [r.run_key for r in result.run_requests or []] == [
        f"{job}:2026-11-16:{content}"
        for job in ("ingestion_chain", "analysis_chain", "daily_pipeline")]
    assert request.tags["audience/files"] == "8"
    assert request.tags["audience/kinds"] == "MINUTADOS,PROGRAMAS"


def test_files_of_two_dates_give_one_run_per_date(storage):
    deliver(storage, "programas_2026-11-16_total.tsv", "programas_2026-11-16_madrid.tsv",
            "programas_2026-11-17_total.tsv")
    result = evaluate(storage)
    assert [(r.partition_key, r.tags["audience/files"]) for r in daily(result)] == [
        ("2026-11-16", "2"), ("2026-11-17", "1")]


def test_older_dates_queue_first_whatever_order_the_files_came_in(storage):
    deliver(storage, "programas_2026-11-18_total.tsv", "programas_2026-11-16_total.tsv",
            "programas_2026-11-17_total.tsv")
    requests = daily(evaluate(storage))
    assert [r.partition_key for r in requests] == ["2026-11-16", "2026-11-17", "2026-11-18"]
    priorities = [int(r.tags["dagster/priority"]) for r in requests]
    assert priorities[0] > priorities[1] > priorities[2]


def test_a_settled_file_waits_for_one_still_being_copied(tmp_path, monkeypatch):
    storage = make_storage(tmp_path, settle_seconds=30)
    (done,) = deliver(storage, "programas_2026-11-16_total.tsv")
    old = time.time() - 60
    os.utime(done, (old, old))
    settled_cursor = json.dumps({"files": {done.name: [done.stat().st_size,
                                                       done.stat().st_mtime_ns, old]}})
    deliver(storage, "programas_2026-11-16_madrid.tsv")  # just arrived
    held = evaluate(storage, settled_cursor)
    assert not held.run_requests
    reason = held.skip_reason.skip_message if held.skip_reason else ""
    assert "programas_2026-11-16_madrid.tsv" in (reason or "")
    clock = time.time() + 31
    monkeypatch.setattr(sensors.time, "time", lambda: clock)
    (request,) = daily(evaluate(storage, held.cursor))
    assert request.tags["audience/files"] == "2"


def test_file_still_being_copied_waits_until_size_and_mtime_settle(tmp_path, monkeypatch):
    storage = make_storage(tmp_path, settle_seconds=30)
    hot = storage.path("hot_folder")
    partial = (SAMPLES / "programas_2026-11-16_total.tsv").read_bytes()
    target = hot / "entrega.tsv"
    target.write_bytes(partial[: len(partial) // 2])
    first = evaluate(storage)
    assert not first.run_requests
    assert "entrega.tsv" in ((first.skip_reason and first.skip_reason.skip_message) or "")
    # the copy finishes: the file changed, so the settling period starts again
    target.write_bytes(partial)
    clock = time.time() + 20
    monkeypatch.setattr(sensors.time, "time", lambda: clock)
    second = evaluate(storage, first.cursor)
    assert not second.run_requests
    clock += 31
    third = evaluate(storage, second.cursor)
    assert [r.partition_key for r in daily(third)] == ["2026-11-16"]


def test_same_content_twice_gives_the_same_run_key_and_redelivery_a_new_one(storage, tmp_path):
    (first,) = deliver(storage, "programas_2026-11-16_total.tsv")
    (alone,) = [r.run_key for r in daily(evaluate(storage))]
    duplicate = first.with_name("copia.tsv")
    duplicate.write_bytes(first.read_bytes())
    keys = {r.run_key for r in daily(evaluate(storage))}
    assert keys == {alone}  # Dagster never launches a run_key twice
    first.write_bytes(corrected(first.read_bytes()))
    duplicate.unlink()
    os.utime(first, (time.time() - 60, time.time() - 60))
    keys_after = {r.run_key for r in daily(evaluate(storage))}
    assert len(keys_after) == 1 and keys_after != keys


def test_unreadable_file_is_quarantined_with_its_reason_and_the_sensor_goes_on(storage):
    hot = storage.path("hot_folder")
    (hot / "roto.tsv").write_bytes(b"[PROGRAMAS] (ESPA\xd1A)\r\nnada\tque\tleer\r\n")
    deliver(storage, "programas_2026-11-17_total.tsv")
    result = evaluate(storage)
    assert [r.partition_key for r in daily(result)] == ["2026-11-17"]
    assert not (hot / "roto.tsv").exists()
    quarantined = list(Path(storage.quarantine_dir).glob("*roto.tsv"))
    assert len(quarantined) == 1
    reason = quarantined[0].with_name(quarantined[0].name + ".reason.txt").read_text()
    assert "roto.tsv" in reason and "no header row" in reason


@pytest.mark.parametrize(
    "name", ["entrega.tsv.part", "~$entrega.xlsx", "entrega.crdownload", ".entrega.tsv"]
)
def test_temporary_names_are_ignored(storage, name):
    hot = storage.path("hot_folder")
    (hot / name).write_bytes((SAMPLES / "programas_2026-11-16_total.tsv").read_bytes())
    result = evaluate(storage)
    assert not result.run_requests
    assert (hot / name).exists()


def test_cursor_stays_bounded(tmp_path):
    storage = make_storage(tmp_path, settle_seconds=3600)
    hot = storage.path("hot_folder")
    for i in range(MAX_TRACKED_FILES + 50):
        (hot / f"f{i}.tsv").write_bytes(b"x")
    result = evaluate(storage)
    assert len(json.loads(result.cursor or "{}")["files"]) == MAX_TRACKED_FILES


def test_minute_by_minute_files_are_requested_not_quarantined(storage):
    minute_files = sorted(SAMPLES.glob("minutes_2026-11-16*"))
    assert minute_files, "the bundled week has minute-by-minute files"
    deliver(storage, minute_files[0].name)
    result = evaluate(storage)
    assert [r.partition_key for r in daily(result)] == ["2026-11-16"]
    assert daily(result)[0].tags["audience/kinds"] == "MINUTADOS"


def calendar_dated(data: bytes) -> bytes:
    """The minutes file as a calendar would date it: its rows after midnight (24:00-26:29)
    dated the next day, 00:00-02:29."""
    lines = data.split(b"\r\n")
    for i, line in enumerate(lines):
        cols = line.split(b"\t")
        if len(cols) == 5 and cols[2][:2] in (b"24", b"25", b"26"):
            cols[1] = b"17/11/2026"
            cols[2] = b"%02d" % (int(cols[2][:2]) - 24) + cols[2][2:]
            lines[i] = b"\t".join(cols)
    return b"\r\n".join(lines)


def test_a_minutes_file_dated_past_midnight_requests_only_its_own_tv_day(storage):
    """Its first minutes after midnight dated the next calendar day belong to its TV day:
    the file asks for no run of the next date (archiving it would change that date's
    files and the sensor would run it again)."""
    from audience_assets.ingestion.deliveries import read_delivery
    from audience_assets.ingestion.minutes import parse_minutes_file

    original = SAMPLES / "minutes_2026-11-16.tsv"
    hot = storage.path("hot_folder")
    (hot / original.name).write_bytes(calendar_dated(original.read_bytes()))
    assert b"17/11/2026\t00:00" in (hot / original.name).read_bytes()
    deliver(storage, "programas_2026-11-16_total.tsv")
    result = evaluate(storage)
    assert [r.partition_key for r in daily(result)] == ["2026-11-16"]
    assert daily(result)[0].tags["audience/files"] == "2"
    assert read_delivery(hot / original.name).rows_by_date == {"2026-11-16": 14400}
    # the same minutes as the file written in the TV day's own notation (24:xx-26:xx)
    assert (parse_minutes_file(hot / original.name).points
            == parse_minutes_file(original).points)
    # the next day's own file still has its own date
    deliver(storage, "minutes_2026-11-17.tsv")
    assert [r.partition_key for r in daily(evaluate(storage))] == ["2026-11-16", "2026-11-17"]
