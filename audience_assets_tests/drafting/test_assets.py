"""post_drafts in template mode: no model needed, so the Dagster layer (staging, the
blocking audit, publishing, SQL rows, metadata, idempotent re-runs, reviewers' decisions,
networks kept apart, budgets) is tested on its own. Failing paths use named fakes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import sqlalchemy as sa

from audience_assets.drafting.assets import DraftingConfig, post_drafts
from audience_assets.drafting.store import load_drafts, replace_drafts
from audience_assets.drafting.validation import validate
from audience_assets.drafting.writing import TemplateWriter, draft_post
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.llm import OllamaResource
from audience_assets.sql.schema import post_drafts as table
from audience_assets.sql.schema import post_drafts_staging
from audience_assets_tests.drafting.fakes import FakeOllamaClient
from audience_assets_tests.drafting.plans import store_plan
from audience_assets_tests.drafting.test_templates import STUDY_SHEETS
from audience_assets_tests.results import with_typed_metadata

DAY = "2025-01-14"
NETWORKS = ("x", "bluesky", "threads")


def run(database: DatabaseResource, sheets: list, date: str = DAY, network: str = "x",
        llm: OllamaResource | None = None, budgets: dict[str, int] | None = None,
        **config: Any) -> list:
    # Template mode never calls the server: the host may be anything.
    store_plan(database, date, sheets, budgets)
    results = post_drafts(
        context=dg.build_asset_context(partition_key=date),
        config=DraftingConfig(mode=config.pop("mode", "template"), network=network, **config),
        llm=llm or OllamaResource(host="http://127.0.0.1:9"), database=database)
    assert isinstance(results, Iterator)
    return with_typed_metadata(list(results))


def review(database: DatabaseResource, row_id: int, status: str, suffix: str = "") -> None:
    with database.engine().begin() as conn:
        conn.execute(table.update().where(table.c.id == row_id).values(
            status=status, text=table.c.text + suffix))


def _db(tmp_path: Path) -> DatabaseResource:
    return DatabaseResource(url=f"sqlite:///{tmp_path}/drafts.db")


def test_template_drafts_are_stored_for_review_with_metadata(tmp_path: Path) -> None:
    database = _db(tmp_path)
    output, check = run(database, STUDY_SHEETS)
    assert isinstance(check, dg.AssetCheckResult) and check.passed
    assert check.check_name == "drafts_pass_strict_validator"
    meta = output.metadata
    assert meta["dagster/row_count"].value == 5
    assert meta["published"].value == 5
    assert meta["writer_mix"].value == {"template": 5}
    assert meta["attempts_per_draft"].value == [1, 1, 1, 1, 1]
    assert "@laruletasuerte" in meta["preview"].value
    rows = load_drafts(database.engine(), DAY)
    assert [r["fact_sheet"]["title"] for r in rows] == [s.title for s in STUDY_SHEETS]
    assert {r["status"] for r in rows} == {"pending_review"}
    assert all(r["valid"] and not r["fell_back"] and r["writer"] == "template" for r in rows)
    with database.engine().connect() as conn:  # published rows leave staging
        assert conn.execute(sa.select(sa.func.count()).select_from(post_drafts_staging)
                            ).scalar_one() == 0


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
    database = _db(tmp_path)
    run(database, STUDY_SHEETS, "2025-01-13")
    run(database, STUDY_SHEETS, DAY)
    run(database, STUDY_SHEETS[:2], DAY)
    assert len(load_drafts(database.engine(), DAY)) == 2
    assert len(load_drafts(database.engine(), "2025-01-13")) == 5


def test_a_day_without_fact_sheets_gives_no_drafts_and_a_passing_check(tmp_path: Path) -> None:
    output, check = run(_db(tmp_path), [])
    assert output.metadata["dagster/row_count"].value == 0 and check.passed


def test_drafting_one_network_leaves_the_others_pending_drafts(tmp_path: Path) -> None:
    database = _db(tmp_path)
    for network in NETWORKS:
        run(database, STUDY_SHEETS[:2], network=network)
    run(database, STUDY_SHEETS[:1], network="bluesky")
    rows = load_drafts(database.engine(), DAY)
    by_network = {n: [r for r in rows if r["network"] == n] for n in NETWORKS}
    assert [len(by_network[n]) for n in NETWORKS] == [2, 1, 2]
    assert {r["status"] for r in rows} == {"pending_review"}


def test_reviewers_decisions_survive_every_rerun_of_every_network(tmp_path: Path) -> None:
    database, sheets = _db(tmp_path), STUDY_SHEETS[:3]
    for n in NETWORKS:
        run(database, sheets, network=n)
    decided = {}
    for n in NETWORKS:  # each network: one approved (edited), one rejected, one pending
        mine = [r for r in load_drafts(database.engine(), DAY) if r["network"] == n]
        review(database, mine[0]["id"], "approved", " (editado)")
        review(database, mine[1]["id"], "rejected")
        decided.update({r["id"]: r for r in load_drafts(database.engine(), DAY)
                        if r["id"] in (mine[0]["id"], mine[1]["id"])})
    for n in NETWORKS:
        output, _check = run(database, sheets, network=n)
        assert output.metadata["kept_reviewed"].value == 2
        assert output.metadata["dagster/row_count"].value == 1  # only the pending one
    rows = load_drafts(database.engine(), DAY)
    assert {r["id"]: r for r in rows if r["id"] in decided} == decided
    assert sorted(r["network"] for r in rows) == sorted(NETWORKS * 3)
    assert sum(r["status"] == "pending_review" for r in rows) == 3


def test_replace_drafts_is_scoped_by_network(tmp_path: Path) -> None:
    engine = _db(tmp_path).engine()
    writer = TemplateWriter()

    def drafts(network: str) -> list:
        return [draft_post(s, writer, validate, network=network) for s in STUDY_SHEETS]

    replace_drafts(engine, DAY, drafts("x"))
    replace_drafts(engine, DAY, drafts("bluesky")[:2])
    replace_drafts(engine, DAY, drafts("bluesky")[:1])
    networks = [r["network"] for r in load_drafts(engine, DAY)]
    assert networks.count("x") == 5 and networks.count("bluesky") == 1
    replace_drafts(engine, DAY, drafts("x")[:1] + drafts("threads")[:2])  # each its own
    networks = [r["network"] for r in load_drafts(engine, DAY)]
    assert [networks.count(n) for n in NETWORKS] == [1, 1, 2]
    with pytest.raises(ValueError, match="needs the network"):
        replace_drafts(engine, DAY, [])
    with pytest.raises(ValueError, match="given to a bluesky run"):
        replace_drafts(engine, DAY, drafts("x")[:1], network="bluesky")


class FakeBadWriterClient(FakeOllamaClient):
    """A model that always answers a post the strict validator rejects."""


def _bad_llm(monkeypatch: pytest.MonkeyPatch, **fields: Any) -> OllamaResource:
    bad = FakeBadWriterClient(["Hola hola, esto no es un post válido"])
    monkeypatch.setattr(OllamaResource, "client", lambda self: bad)
    return OllamaResource(host="http://fake", **fields)


def test_a_failing_audit_publishes_nothing_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = _db(tmp_path)
    run(database, STUDY_SHEETS)
    before = load_drafts(database.engine(), DAY)
    llm = _bad_llm(monkeypatch)
    events: list = []
    store_plan(database, DAY, STUDY_SHEETS)
    with pytest.raises(dg.Failure) as failure:
        events.extend(post_drafts(
            context=dg.build_asset_context(partition_key=DAY),
            config=DraftingConfig(mode="free", max_attempts=1, fallback=False),
            llm=llm, database=database))
    assert "nothing published" in failure.value.description
    assert "post_drafts_staging" in failure.value.description
    [check] = events
    assert isinstance(check, dg.AssetCheckResult) and not check.passed
    assert check.metadata["invalid_drafts"].value == 5
    assert load_drafts(database.engine(), DAY) == before
    with database.engine().connect() as conn:  # kept for inspection
        assert conn.execute(sa.select(sa.func.count()).select_from(post_drafts_staging)
                            ).scalar_one() == 5
    run(database, STUDY_SHEETS)  # the next good run clears them
    with database.engine().connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(post_drafts_staging)
                            ).scalar_one() == 0


def test_a_spent_run_budget_sends_the_rest_to_the_template_flagged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    llm = _bad_llm(monkeypatch, run_budget_s=1e-6)
    output, check = run(_db(tmp_path), STUDY_SHEETS, mode="free", llm=llm)
    assert check.passed
    assert output.metadata["over_budget"].value == 5
    assert output.metadata["writer_mix"].value == {"template_fallback": 5}
    assert output.metadata["attempts_per_draft"].value == [0] * 5


def test_a_spent_budget_without_fallback_fails_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = _db(tmp_path)
    llm = _bad_llm(monkeypatch, run_budget_s=1e-6)
    with pytest.raises(dg.Failure, match="AUDIENCE_DRAFT_RUN_BUDGET") as failure:
        run(database, STUDY_SHEETS, mode="free", llm=llm, fallback=False)
    assert "run budget" in failure.value.description and "0 of 5" in failure.value.description
    assert load_drafts(database.engine(), DAY) == []


def test_a_rerun_keeps_posts_handled_on_the_review_desk(tmp_path: Path) -> None:
    from audience_assets.review import state, views

    database = _db(tmp_path)
    run(database, STUDY_SHEETS)
    items = views.load_day(database.engine(), "2025-01-14", "x")
    approved, edited, rejected = items[:3]
    engine = database.engine()
    state.approve(engine, approved.key, approved.text, 0, "ana")
    state.save_text(engine, edited.key, edited.text + " 📊", 0, "ana")
    state.reject(engine, rejected.key, rejected.text, 0, "ana")
    output, _ = run(database, STUDY_SHEETS)
    assert output.metadata["kept_reviewed"].value == 3
    assert output.metadata["dagster/row_count"].value == 2
    after = {i.key: i for i in views.load_day(engine, "2025-01-14", "x")}
    assert after[approved.key].status == "approved"
    assert after[edited.key].text == edited.text + " 📊"
    assert after[rejected.key].status == "rejected"
    assert len(load_drafts(engine, "2025-01-14")) == 5


def test_drafts_metadata_reports_ollamas_own_time_beside_the_wait() -> None:
    from audience_assets.drafting.assets import drafts_metadata
    from audience_assets.drafting.writing.natural import NaturalWriter
    from audience_assets_tests.drafting.test_natural import SETTINGS, SHEETS, A, _reply

    client = FakeOllamaClient([_reply(A)])
    drafts = [draft_post(sheet, NaturalWriter(client, SETTINGS), validate, candidates=1)
              for sheet in SHEETS[3:5]]
    meta = drafts_metadata(drafts, OllamaResource(host="http://127.0.0.1:9"))
    calls = len(client.calls)
    assert meta["model_calls"] == calls == sum(d.attempt_count for d in drafts)
    assert meta["ollama_eval_s"] == pytest.approx(0.2 * calls)  # the fake's clock
    assert meta["ollama_prompt_eval_s"] == pytest.approx(0.1 * calls)
    assert meta["ollama_prompt_tokens"] == 50 * calls
