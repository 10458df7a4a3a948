"""`audience run` (and so scripts/demo) launches runs the UI lists: created from the daily
code location (job, partition, location recorded) and executed by the run launcher in a
worker process. Solr is pointed at a closed port: the records steps succeed, the index
step fails after its retries, which is enough to see how the run is recorded."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from audience_assets.cli.launch import LOCATION, daily_location, launch, wait
from audience_assets.jobs import date_order_tags
from audience_assets_tests.ingestion.conftest import SAMPLES

REPO = Path(__file__).resolve().parents[2]
DAY = "2026-11-16"


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_launched_run_carries_job_partition_and_code_location(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home, hot = tmp_path / "home", tmp_path / "hot"
    home.mkdir()
    hot.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    shutil.copy(SAMPLES / f"programas_{DAY}_total.tsv", hot)
    for name, value in {
        "DAGSTER_HOME": str(home), "AUDIENCE_HOT_FOLDER": str(hot),
        "AUDIENCE_ARCHIVE_DIR": str(tmp_path / "archive"),
        "AUDIENCE_QUARANTINE_DIR": str(tmp_path / "quarantine"),
        "AUDIENCE_OUTPUT_DIR": str(tmp_path / "out"),
        "AUDIENCE_DB_URL": f"sqlite:///{tmp_path / 'audience.db'}",
        "SOLR_URL": "http://127.0.0.1:9/solr", "SOLR_CONNECT_TIMEOUT": "0.5",
        "AUDIENCE_SETTLE_SECONDS": "0",  # the file was copied just now
        "PYTHONPATH": str(REPO),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(REPO)
    with dg.DagsterInstance.get() as instance, daily_location(instance) as workspace:
        run_id = launch(instance, workspace, "ingestion_chain",
                        {"dagster/partition": DAY, **date_order_tags(DAY)})
        done = wait(instance, run_id, timeout_s=240)
        run = instance.get_run_by_id(run_id)
        assert run is not None and run.remote_job_origin is not None
        assert run.remote_job_origin.location_name == LOCATION
        assert run.job_name == "ingestion_chain" and run.tags["dagster/partition"] == DAY
        assert done.steps >= 2, done
        assert {step for step, _ in done.failures} <= {"solr_audience_index"}
