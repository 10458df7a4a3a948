"""post_drafts in template mode: no model needed, so the Dagster layer (SQL rows,
metadata, the blocking check, idempotent re-runs) is tested on its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from audience_assets.analysis.plan import DayPlan, Story
from audience_assets.drafting.assets import DraftingConfig, post_drafts
from audience_assets.drafting.store import load_drafts
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.llm import OllamaResource
from audience_assets_tests.drafting.test_templates import STUDY_SHEETS


def plan_of(sheets: list, budgets: dict[str, int] | None = None) -> DayPlan:
    return DayPlan("", tuple(Story(s, float(-i), False, s.event) for i, s in enumerate(sheets)),
                   budgets or {})


def run(database: DatabaseResource, sheets: list, date: str = "2025-01-14",
        budgets: dict[str, int] | None = None) -> list:
    # Template mode never calls the server: the host may be anything.
    results = post_drafts(context=dg.build_asset_context(partition_key=date),
                          config=DraftingConfig(mode="template"),
                          post_plan=plan_of(sheets, budgets),
                          llm=OllamaResource(host="http://127.0.0.1:9"), database=database)
    assert isinstance(results, Iterator)
    return list(results)


def test_template_drafts_are_stored_for_review_with_metadata(tmp_path: Path) -> None:
    database = DatabaseResource(url=f"sqlite:///{tmp_path}/drafts.db")
    output, check = run(database, STUDY_SHEETS)
    assert isinstance(check, dg.AssetCheckResult) and check.passed
    assert check.check_name == "drafts_pass_strict_validator"
    meta = output.metadata
    assert meta["dagster/row_count"].value == 5
    assert meta["writer_mix"].value == {"template": 5}
    assert meta["attempts_per_draft"].value == [1, 1, 1, 1, 1]
    assert "@laruletasuerte" in meta["preview"].value
    rows = load_drafts(database.engine(), "2025-01-14")
    assert [r["fact_sheet"]["title"] for r in rows] == [s.title for s in STUDY_SHEETS]
    assert {r["status"] for r in rows} == {"pending_review"}
    assert all(r["valid"] and not r["fell_back"] and r["writer"] == "template" for r in rows)


def test_the_networks_budget_caps_the_drafts_and_variety_is_reported(tmp_path: Path) -> None:
    database = DatabaseResource(url=f"sqlite:///{tmp_path}/drafts.db")
    output, _ = run(database, STUDY_SHEETS, budgets={"x": 3})
    meta = output.metadata
    assert meta["dagster/row_count"].value == 3
    assert [r["fact_sheet"]["title"] for r in load_drafts(database.engine(), "2025-01-14")] == [
        s.title for s in STUDY_SHEETS[:3]]
    assert 1 <= meta["distinct_skeletons"].value <= 3
    assert 0 < meta["mean_pairwise_similarity"].value <= 100


def test_a_rerun_replaces_the_day_and_leaves_other_days(tmp_path: Path) -> None:
    database = DatabaseResource(url=f"sqlite:///{tmp_path}/drafts.db")
    run(database, STUDY_SHEETS, "2025-01-13")
    run(database, STUDY_SHEETS, "2025-01-14")
    run(database, STUDY_SHEETS[:2], "2025-01-14")
    assert len(load_drafts(database.engine(), "2025-01-14")) == 2
    assert len(load_drafts(database.engine(), "2025-01-13")) == 5


def test_a_day_without_fact_sheets_gives_no_drafts_and_a_passing_check(tmp_path: Path) -> None:
    database = DatabaseResource(url=f"sqlite:///{tmp_path}/drafts.db")
    output, check = run(database, [])
    assert output.metadata["dagster/row_count"].value == 0 and check.passed


def test_a_rerun_keeps_what_reviewers_decided_and_does_not_redraft_it(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from audience_assets.drafting.store import post_drafts as table

    database = DatabaseResource(url=f"sqlite:///{tmp_path}/drafts.db")
    run(database, STUDY_SHEETS)
    approved = load_drafts(database.engine(), "2025-01-14")[0]
    with database.engine().begin() as conn:
        conn.execute(table.update().where(table.c.id == approved["id"])
                     .values(status="approved", text=approved["text"] + " (editado)"))
    output, _ = run(database, STUDY_SHEETS)
    assert output.metadata["kept_reviewed"].value == 1
    assert output.metadata["dagster/row_count"].value == 4  # only the others were redrafted
    rows = load_drafts(database.engine(), "2025-01-14")
    assert len(rows) == 5
    kept = [r for r in rows if r["status"] == "approved"]
    assert [r["text"] for r in kept] == [approved["text"] + " (editado)"]
    with database.engine().connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 5


def test_a_rerun_keeps_posts_handled_on_the_review_desk(tmp_path: Path) -> None:
    from audience_assets.review import state

    database = DatabaseResource(url=f"sqlite:///{tmp_path}/drafts.db")
    run(database, STUDY_SHEETS)
    items = state.load_day(database.engine(), "2025-01-14", "x")
    approved, edited, rejected = items[:3]
    engine = database.engine()
    state.approve(engine, approved.key, approved.text, 0, "ana")
    state.save_text(engine, edited.key, edited.text + " 📊", 0, "ana")
    state.reject(engine, rejected.key, rejected.text, 0, "ana")
    output, _ = run(database, STUDY_SHEETS)
    assert output.metadata["kept_reviewed"].value == 3
    assert output.metadata["dagster/row_count"].value == 2
    after = {i.key: i for i in state.load_day(engine, "2025-01-14", "x")}
    assert after[approved.key].status == "approved"
    assert after[edited.key].text == edited.text + " 📊"
    assert after[rejected.key].status == "rejected"
    assert len(load_drafts(engine, "2025-01-14")) == 5
