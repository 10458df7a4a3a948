"""The desk shows what the pipeline decided: a sample day run through the graph (hot
folder -> records -> anomalies -> fact sheets -> plan -> drafts) lists its posts in the
stored plan's order, ranks 1..n, every network, with nothing handed on outside SQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from audience_assets.analysis.assets import (
    audience_anomalies,
    minute_audience,
    post_plan,
    relevant_broadcasts,
)
from audience_assets.analysis.store import load_plan, plan_entries
from audience_assets.drafting.assets import post_drafts
from audience_assets.ingestion.assets import audience_records, kantar_raw_file
from audience_assets.resources.analysis import AnalysisResource
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.handoff import SqlHandoffIOManager
from audience_assets.resources.llm import OllamaResource
from audience_assets.resources.solr import SolrResource
from audience_assets.resources.storage import StorageResource
from audience_assets.review import views
from audience_assets_tests.review.helpers import SAMPLES

FIRST_DAY = "2026-11-16"


@pytest.mark.timeout(300)
def test_the_desk_lists_a_sample_days_posts_in_the_stored_plans_order(tmp_path: Path) -> None:
    hot = tmp_path / "hot"
    hot.mkdir()
    for delivered in SAMPLES.glob(f"*{FIRST_DAY}*"):
        shutil.copy(delivered, hot)
    database = DatabaseResource(url=f"sqlite:///{tmp_path / 'audience.db'}")
    resources = {
        "database": database, "io_manager": SqlHandoffIOManager(),
        "storage": StorageResource(hot_folder=str(hot), archive_dir=str(tmp_path / "archive"),
                                   quarantine_dir=str(tmp_path / "q"),
                                   output_dir=str(tmp_path / "out"), settle_seconds=0),
        "solr": SolrResource(url="http://127.0.0.1:9/solr/none"),
        "analysis": AnalysisResource(history="sql"),
        "llm": OllamaResource(host="http://127.0.0.1:9"),  # template mode: never called
    }
    result = dg.materialize(
        [kantar_raw_file, audience_records, minute_audience, audience_anomalies,
         relevant_broadcasts, post_plan, post_drafts],
        partition_key=FIRST_DAY, resources=resources,
        run_config={"ops": {"post_drafts": {"config": {"mode": "template"}}}})
    assert result.success
    engine = database.engine()
    plan = load_plan(engine, FIRST_DAY)
    assert plan is not None and plan.stories
    for network, budget in plan.budgets.items():
        ranks = [e.rank for e in plan_entries(engine, FIRST_DAY, network) if e.chosen]
        assert ranks == list(range(1, min(budget, len(plan.stories)) + 1))
    planned = [e.sheet_key for e in plan_entries(engine, FIRST_DAY, "x") if e.chosen]
    desk = views.load_day(engine, FIRST_DAY, "x")  # the run drafted network x
    assert [i.key.sheet_key for i in desk] == planned
    assert [i.rank for i in desk] == list(range(1, len(desk) + 1))
    # The day's best story (most news value) leads the desk, whatever its title's case
    # in the file: the draft's key is its lead fact sheet's.
    assert desk[0].key.sheet_key == plan.stories[0].sheet.key
    assert desk[0].fact_sheet["title"] == plan.stories[0].sheet.title
