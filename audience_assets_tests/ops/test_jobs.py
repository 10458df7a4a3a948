"""Jobs name their assets and keep one backfill policy each; loading the definitions
warns about nothing (an operator reads every warning as something to act on)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from audience_assets.definitions import defs
from audience_assets.jobs import (
    ANALYSIS_ASSETS,
    DAILY_ASSETS,
    INGESTION_ASSETS,
    REPORT_PREFIX,
    date_order_tags,
)
from audience_assets.reports.profiles import profile_names

REPORTS = {f"{REPORT_PREFIX}/{name}" for name in profile_names()}

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(120)
def test_loading_the_definitions_warns_about_nothing() -> None:
    # A fresh interpreter: warnings fire once per process, at import and job resolution.
    code = ("import warnings; warnings.simplefilter('always');\n"
            "from audience_assets.definitions import defs\n"
            "for job in defs.jobs: defs.resolve_job_def(job.name)\n"
            "defs.resolve_asset_graph(); print('loaded')")
    done = subprocess.run([sys.executable, "-W", "always", "-c", code], cwd=REPO,
                          capture_output=True, text=True, timeout=110, check=False,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "loaded"
    assert "Warning" not in done.stderr, done.stderr[-3000:]


@pytest.mark.timeout(60)
def test_each_job_selects_exactly_the_assets_it_names() -> None:
    assert REPORTS
    for name, expected in (("daily_pipeline", set(DAILY_ASSETS) | REPORTS),
                           ("ingestion_chain", set(INGESTION_ASSETS)),
                           ("analysis_chain", set(ANALYSIS_ASSETS)),
                           ("daily_drafts", {"post_drafts"})):
        job = defs.resolve_job_def(name)
        assert {k.to_user_string() for k in job.asset_layer.selected_asset_keys} == expected


@pytest.mark.timeout(60)
def test_every_daily_asset_is_in_exactly_one_of_the_sensors_jobs() -> None:
    graph = defs.resolve_asset_graph()
    daily = {k.to_user_string() for k in graph.get_all_asset_keys()} - {"model_evaluation"}
    jobs = (INGESTION_ASSETS, ANALYSIS_ASSETS, (*DAILY_ASSETS, *REPORTS))
    assert set().union(*jobs) == daily
    assert sum(len(j) for j in jobs) == len(daily)  # none in two jobs


@pytest.mark.timeout(60)
def test_one_backfill_policy_per_job() -> None:
    graph = defs.resolve_asset_graph()
    for job in defs.jobs or []:
        keys = defs.resolve_job_def(job.name).asset_layer.selected_asset_keys
        policies = {graph.get(k).backfill_policy for k in keys}
        assert len(policies) == 1, (job.name, policies)
    assert {graph.get(dg.AssetKey(k)).backfill_policy
            for k in (*INGESTION_ASSETS, *ANALYSIS_ASSETS)} == {dg.BackfillPolicy.single_run()}


def test_older_dates_get_the_higher_queue_priority() -> None:
    older, newer = (int(date_order_tags(d)["dagster/priority"])
                    for d in ("2026-11-15", "2026-11-16"))
    assert older == newer + 1
