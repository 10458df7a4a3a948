"""Hot-folder sensor: the complete, readable deliveries -> per broadcast date, oldest first,
an `ingestion_chain` run (records, index), an `analysis_chain` run (fact sheets, plan)
and a `daily_pipeline` run (drafts onwards).

Date order is kept by the instance's run queue, not by waiting in the sensor: the
instance settings let one run per date go at a time (`dagster/partition`), and one
analysis or daily run at a time (`audience/history`), highest `dagster/priority` (the
oldest date) first. So day N's analysis starts after day N-1's has finished, which
itself started after N-1's records were in."""

import hashlib
import json
import logging
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import dagster as dg

from audience_assets.ingestion.deliveries import DeliverySummary, read_delivery
from audience_assets.ingestion.hotfolder import (
    Observation,
    candidate_files,
    is_settled,
    observe,
    quarantine,
)
from audience_assets.ingestion.kantar import KantarParseError
from audience_assets.jobs import analysis_chain, daily_pipeline, date_order_tags, ingestion_chain
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


SENSOR_DESCRIPTION = (
    "Watches the hot folder; a file is taken once its size and mtime have not changed for "
    "settle_seconds. Per broadcast date, for all the settled files carrying it: an "
    "ingestion_chain run (its records), an analysis_chain run (its fact sheets and plan) "
    "and a daily_pipeline run (drafts onwards), "
    "dates oldest first, keyed by their sorted content hashes: the same content never runs "
    "twice, a corrected re-delivery runs its date again.")


def hot_folder_sensor_for(*jobs: Any) -> dg.SensorDefinition:
    """The hot-folder sensor requesting `jobs` (by name: `ingestion_chain`,
    `analysis_chain`, `daily_pipeline`) per date. Tests build it over smaller jobs."""

    @dg.sensor(
        name="hot_folder_sensor",
        jobs=list(jobs),
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=SENSOR_DESCRIPTION,
    )
    def sensor(context: dg.SensorEvaluationContext, storage: StorageResource
               ) -> dg.SensorResult | dg.SkipReason:
        return evaluate_hot_folder(context, storage, [job.name for job in jobs])

    return sensor


def evaluate_hot_folder(
    context: dg.SensorEvaluationContext, storage: StorageResource, job_names: list[str]
) -> dg.SensorResult | dg.SkipReason:
    now = time.time()
    previous = load_cursor(context.cursor)
    observations: dict[str, Observation] = {}
    waiting: list[str] = []
    held: list[str] = []
    settled: list[tuple[Path, DeliverySummary]] = []
    for path in candidate_files(storage.path("hot_folder")):
        try:
            obs = observe(path, previous.get(path.name), now)
        except FileNotFoundError:
            continue  # moved away between listing and stat
        observations[path.name] = obs  # stays until its run archives it
        if not is_settled(obs, now, storage.settle_seconds):
            waiting.append(path.name)
            if now - obs.since < MAX_HOLD_SECONDS:
                held.append(path.name)
            continue
        delivery = readable_delivery(path, storage, context.log)
        if delivery is None:
            observations.pop(path.name, None)
        else:
            settled.append((path, delivery))
    cursor = dump_cursor(observations)
    if held and settled:
        # A file still being copied may carry the same date: one run for the complete day
        # beats a run now and another in a minute.
        return dg.SensorResult(
            skip_reason=f"{len(settled)} complete file(s) wait for {', '.join(held)} to "
            "finish copying", cursor=cursor)
    run_requests = day_requests(settled, job_names)
    if not run_requests:
        reason = (
            f"waiting for {', '.join(waiting)} to finish copying"
            if waiting
            else ("no new complete delivery in the hot folder")
        )
        return dg.SensorResult(skip_reason=reason, cursor=cursor)
    return dg.SensorResult(run_requests=run_requests, cursor=cursor)


# Per date, in this order: records, analysis, the rest of the day.
SENSOR_JOBS = (ingestion_chain, analysis_chain, daily_pipeline)
hot_folder_sensor = hot_folder_sensor_for(*SENSOR_JOBS)

# A settled file waits at most this long for others still being copied (a copy stuck
# half-way must not hold every delivery back).
MAX_HOLD_SECONDS = 300


def readable_delivery(path: Path, storage: StorageResource, log: logging.Logger
                      ) -> DeliverySummary | None:
    """The file's summary; an unreadable one, or one outside the partitions, goes to
    quarantine instead (None)."""
    try:
        delivery = read_delivery(path)
    except KantarParseError as exc:
        if not path.exists():
            return None  # archived by a run between listing and reading
        moved = quarantine(path, storage.path("quarantine_dir"), str(exc))
        log.error(f"quarantined {path.name} -> {moved}: {exc}")
        return None
    outside = [d for d in delivery.dates if not broadcast_days.has_partition_key(d)]
    if outside:
        reason = (
            f"{path.name}: broadcast date(s) {', '.join(outside)} outside the partitions "
            f"({broadcast_days.start:%Y-%m-%d} to yesterday)"
        )
        moved = quarantine(path, storage.path("quarantine_dir"), reason)
        log.error(f"quarantined {path.name} -> {moved}: {reason}")
        return None
    return delivery


def day_requests(settled: list[tuple[Path, DeliverySummary]],
                 job_names: list[str] | None = None) -> list[dg.RunRequest]:
    """Per broadcast date, oldest first, covering every settled file that carries it: an
    `ingestion_chain` run request, then a `daily_pipeline` one; their run_keys are the job,
    the date and the hash of the files' sorted content hashes."""
    by_date: dict[str, list[tuple[Path, DeliverySummary]]] = defaultdict(list)
    for path, delivery in settled:
        for date in delivery.dates:
            by_date[date].append((path, delivery))
    requests = []
    for date, files in sorted(by_date.items()):
        hashes = sorted({d.sha256 for _, d in files})
        content = hashlib.sha256(" ".join(hashes).encode()).hexdigest()
        names = sorted(p.name for p, _ in files)
        tags = {
            "audience/files": str(len(names)),
            "audience/file": names[0] if len(names) == 1 else f"{names[0]} +{len(names) - 1}",
            "audience/content": content,
            "audience/kinds": ",".join(sorted({d.kind for _, d in files})),
            **date_order_tags(date),
        }
        for job_name in job_names or [j.name for j in SENSOR_JOBS]:
            requests.append(dg.RunRequest(
                job_name=job_name, partition_key=date,
                run_key=f"{job_name}:{date}:{content}", tags=tags))
    return requests


def step_seconds(instance: dg.DagsterInstance, run_id: str) -> dict[str, float]:
    """Seconds each step of the run took, first start to last success (retries included),
    in the order the steps started."""
    started: dict[str, float] = {}
    finished: dict[str, float] = {}
    for record in instance.get_records_for_run(run_id).records:
        entry = record.event_log_entry
        event = entry.dagster_event
        if event is None or not entry.step_key:
            continue
        if event.event_type_value == "STEP_START":
            started.setdefault(entry.step_key, entry.timestamp)
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
            finished[entry.step_key] = entry.timestamp
    return {step: round(finished[step] - t, 2)
            for step, t in sorted(started.items(), key=lambda kv: kv[1]) if step in finished}


STAGE_SECONDS_TAG = "audience/stage_seconds"
# On a date's daily_pipeline run: the whole day, first run's start to this run's end, and
# every stage of its three runs (the latest successful run of each job for the date).
DAY_SECONDS_TAG = "audience/day_seconds"


DAY_JOBS = tuple(job.name for job in SENSOR_JOBS)


def day_seconds(instance: dg.DagsterInstance, date: str,
                jobs: tuple[str, ...] = DAY_JOBS) -> dict[str, float]:
    """The date's day in seconds: `day` (wall, first start to last end, queueing and launch
    included), then each stage of the latest successful run of each of `jobs`, in order.
    Empty while one of them has not succeeded."""
    stages: dict[str, float] = {}
    starts, ends = [], []
    for job in jobs:
        records = instance.get_run_records(dg.RunsFilter(
            job_name=job, tags={"dagster/partition": date},
            statuses=[dg.DagsterRunStatus.SUCCESS]), limit=1)
        if not records or records[0].start_time is None or records[0].end_time is None:
            return {}
        starts.append(records[0].start_time)
        ends.append(records[0].end_time)
        stages.update(step_seconds(instance, records[0].dagster_run.run_id))
    return {"day": round(max(ends) - min(starts), 2), **stages}


def seconds_tag(seconds: dict[str, float]) -> str:
    return " ".join(f"{step}={s:g}" for step, s in seconds.items())


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=list(SENSOR_JOBS),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Tags each finished daily run with its steps' seconds (audience/stage_seconds) "
    "and a date's daily_pipeline run with the whole day's (audience/day_seconds: wall, then "
    "every stage of its three runs), so the runs list shows where a day's time went. Each "
    "materialisation also carries its own step_seconds and step_cpu_seconds.",
)
def stage_timings_sensor(context: dg.RunStatusSensorContext) -> None:
    run = context.dagster_run
    tags = {STAGE_SECONDS_TAG: seconds_tag(step_seconds(context.instance, run.run_id))}
    date = run.tags.get("dagster/partition")
    if run.job_name == daily_pipeline.name and date:
        day = day_seconds(context.instance, date)
        if day:
            tags[DAY_SECONDS_TAG] = seconds_tag(day)
            context.log.info(f"{date}: the day in {day['day']:g} s ({tags[DAY_SECONDS_TAG]})")
    context.instance.add_run_tags(run.run_id, tags)
