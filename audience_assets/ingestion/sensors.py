"""Hot-folder sensor: a complete, readable delivery -> one run per broadcast date it covers."""

import json
import logging
import time
from pathlib import Path

import dagster as dg

from audience_assets.ingestion.deliveries import read_delivery
from audience_assets.ingestion.hotfolder import (
    Observation,
    candidate_files,
    is_settled,
    observe,
    quarantine,
)
from audience_assets.ingestion.kantar import KantarParseError
from audience_assets.jobs import daily_pipeline
from audience_assets.partitions import broadcast_days
from audience_assets.resources.storage import StorageResource

# The cursor holds one observation per file present in the hot folder; past this many
# files the oldest are forgotten (and simply observed again), so it stays small.
MAX_TRACKED_FILES = 500


def load_cursor(cursor: str | None) -> dict[str, Observation]:
    if not cursor:
        return {}
    try:
        data = json.loads(cursor)
        return {name: Observation.from_list(v) for name, v in data.get("files", {}).items()}
    except (ValueError, TypeError, KeyError, IndexError):
        return {}  # an unreadable cursor only costs one more settling period


def dump_cursor(observations: dict[str, Observation]) -> str:
    newest = sorted(observations.items(), key=lambda kv: kv[1].since)[-MAX_TRACKED_FILES:]
    return json.dumps(
        {"files": {name: obs.to_list() for name, obs in newest}}, separators=(",", ":")
    )


@dg.sensor(
    job=daily_pipeline,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches the hot folder; a file is taken once its size and mtime have not "
    "changed for settle_seconds. One run per broadcast date in the file, keyed by content "
    "hash: the same content never runs twice, a corrected re-delivery does.",
)
def hot_folder_sensor(
    context: dg.SensorEvaluationContext, storage: StorageResource
) -> dg.SensorResult | dg.SkipReason:
    now = time.time()
    previous = load_cursor(context.cursor)
    observations: dict[str, Observation] = {}
    waiting: list[str] = []
    run_requests: list[dg.RunRequest] = []
    for path in candidate_files(storage.path("hot_folder")):
        try:
            obs = observe(path, previous.get(path.name), now)
        except FileNotFoundError:
            continue  # moved away between listing and stat
        if not is_settled(obs, now, storage.settle_seconds):
            observations[path.name] = obs
            waiting.append(path.name)
            continue
        run_requests += requests_for(path, storage, context.log)
        if path.exists():
            observations[path.name] = obs  # stays until its run archives it
    cursor = dump_cursor(observations)
    if not run_requests:
        reason = (
            f"waiting for {', '.join(waiting)} to finish copying"
            if waiting
            else ("no new complete delivery in the hot folder")
        )
        return dg.SensorResult(skip_reason=reason, cursor=cursor)
    return dg.SensorResult(run_requests=run_requests, cursor=cursor)


def requests_for(path: Path, storage: StorageResource, log: logging.Logger) -> list[dg.RunRequest]:
    """Run requests for a complete file; an unreadable one goes to quarantine instead."""
    try:
        delivery = read_delivery(path)
    except KantarParseError as exc:
        moved = quarantine(path, storage.path("quarantine_dir"), str(exc))
        log.error(f"quarantined {path.name} -> {moved}: {exc}")
        return []
    outside = [d for d in delivery.dates if not broadcast_days.has_partition_key(d)]
    if outside:
        reason = (
            f"{path.name}: broadcast date(s) {', '.join(outside)} outside the partitions "
            f"({broadcast_days.start:%Y-%m-%d} to yesterday)"
        )
        moved = quarantine(path, storage.path("quarantine_dir"), reason)
        log.error(f"quarantined {path.name} -> {moved}: {reason}")
        return []
    return [
        dg.RunRequest(
            partition_key=date,
            run_key=f"{delivery.sha256}:{date}",
            tags={
                "audience/file": path.name,
                "audience/sha256": delivery.sha256,
                "audience/kind": delivery.kind,
            },
        )
        for date in delivery.dates
    ]
