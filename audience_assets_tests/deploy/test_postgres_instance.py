"""The Dagster instance on PostgreSQL (infra/dagster/postgres.yaml): the real daemon runs
the hot-folder sensor, which turns a delivered file into a run recorded in PostgreSQL run
storage, launched, and its first step's events in PostgreSQL event storage."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "samples" / "programas_2026-11-16_total.tsv"
DEADLINE_S = 240  # two sensor ticks (30 s apart), daemon, code server and run worker start-up

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _database(server_url: str, name: str) -> str:
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    # dagster-postgres takes a plain libpq URL.
    # psycopg2 explicitly: SQLAlchemy 2.1 maps postgresql:// to psycopg 3, whose server-side
    # binding breaks dagster-postgres (NOTIFY run_events, $1).
    server = server_url.replace("postgresql+psycopg://", "postgresql+psycopg2://")
    return server.rsplit("/", 1)[0] + f"/{name}"


def _log(path: Path) -> str:
    return path.read_text(errors="replace")[-4000:]


def test_daemon_runs_the_sensor_with_run_storage_on_postgresql(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, hot = tmp_path / "dagster_home", tmp_path / "hot"
    home.mkdir()
    hot.mkdir()
    shutil.copy(REPO / "infra" / "dagster" / "postgres.yaml", home / "dagster.yaml")
    env = {**os.environ, "DAGSTER_HOME": str(home),
           "DAGSTER_PG_URL": _database(postgres_url, "dagster_instance"),
           "AUDIENCE_HOT_FOLDER": str(hot), "AUDIENCE_SETTLE_SECONDS": "0",
           "AUDIENCE_ARCHIVE_DIR": str(tmp_path / "archive"),
           "AUDIENCE_QUARANTINE_DIR": str(tmp_path / "quarantine"),
           "AUDIENCE_DB_URL": f"sqlite:///{tmp_path / 'audience.db'}",
           "PYTHONPATH": str(REPO)}
    for name in ("DAGSTER_HOME", "DAGSTER_PG_URL"):
        monkeypatch.setenv(name, env[name])
    shutil.copy(SAMPLE, hot / SAMPLE.name)
    log = tmp_path / "daemon.log"
    daemon = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster-daemon")), "run",
         "-m", "audience_assets.definitions"],
        cwd=tmp_path, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        instance = dg.DagsterInstance.get()
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        started = time.monotonic()
        launched = None
        while time.monotonic() - started < DEADLINE_S and daemon.poll() is None:
            # The date's ingestion_chain run (its analysis and daily runs queue behind it).
            runs = instance.get_runs(dg.RunsFilter(job_name="ingestion_chain"))
            if runs and runs[0].status not in (dg.DagsterRunStatus.QUEUED,
                                               dg.DagsterRunStatus.NOT_STARTED):
                launched = runs[0]
                steps = instance.get_records_for_run(
                    launched.run_id, of_type=dg.DagsterEventType.STEP_SUCCESS).records
                if any(r.event_log_entry.step_key == "kantar_raw_file" for r in steps):
                    break
            time.sleep(2)
        assert launched is not None, _log(log)
        assert launched.tags.get("dagster/partition") == "2026-11-16"
        assert launched.tags.get("dagster/sensor_name") == "hot_folder_sensor"
        assert launched.job_name == "ingestion_chain"
        assert {r.job_name for r in instance.get_runs()} == {
            "ingestion_chain", "analysis_chain", "daily_pipeline"}
        steps = instance.get_records_for_run(
            launched.run_id, of_type=dg.DagsterEventType.STEP_SUCCESS).records
        assert "kantar_raw_file" in {r.event_log_entry.step_key for r in steps}, _log(log)
    finally:
        # The daemon, its code server and any run worker share the session's group; a
        # code server may outlive a SIGTERM, so the group is killed outright after it.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(daemon.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                daemon.wait(timeout=15)
