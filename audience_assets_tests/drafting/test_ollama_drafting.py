"""Drafting against the real Ollama started by scripts/ollama, with the bundled
models. Kept small (few items, short answers, temperature 0, fixed seed)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import dagster as dg
import pytest
import sqlalchemy as sa

from audience_assets.analysis.plan import DayPlan, Story
from audience_assets.analysis.store import replace_plan
from audience_assets.drafting.assets import DraftingConfig, post_drafts
from audience_assets.drafting.store import load_drafts
from audience_assets.drafting.validation import validate
from audience_assets.drafting.writing import FreeWriter, GuidedWriter, TemplateWriter, draft_post
from audience_assets.drafting.writing.llm import LLMSettings, ModelMissing
from audience_assets.records import FactSheet
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.llm import OllamaResource
from audience_assets_tests.fixtures.ollama import GEMMA_BASE, QWEN, OllamaServer
from audience_assets_tests.results import with_typed_metadata

pytestmark = pytest.mark.integration

SHEET = FactSheet("@laruletasuerte", "@antena3com", 2_620_000, 1_206_000, 15.7,
                  "Máximo histórico de espectadores únicos del programa",
                  broadcast_date="2025-01-14", channel_code="A3", genre="CONCURSOS")
NO_EVENT = FactSheet("Final Supercopa de España @realmadrid vs @fcbarcelona_es", "@movistarplus",
                     2_648_000, 1_680_000, 13.1, "", broadcast_date="2025-01-14",
                     genre="DEPORTES")


def settings(server: OllamaServer, model: str = QWEN, num_predict: int = 140) -> LLMSettings:
    return LLMSettings(model=model, host=server.host,
                       options={"temperature": 0, "seed": 42, "num_predict": num_predict,
                                "num_ctx": 2048})


def test_start_is_idempotent_and_status_reports_the_server(ollama_server: OllamaServer) -> None:
    again = ollama_server.script("start")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().splitlines()[-1] == ollama_server.host
    status = ollama_server.script("status")
    assert status.returncode == 0 and ollama_server.host in status.stdout
    names = {m.model for m in ollama_server.client().list().models}
    assert {QWEN, GEMMA_BASE} <= names


def test_free_draft_comes_back_with_timing_fields(ollama_server: OllamaServer) -> None:
    writer = FreeWriter(ollama_server.client(), settings(ollama_server))
    draft = draft_post(SHEET, writer, validate, max_attempts=2, fallback=TemplateWriter())
    model_attempts = [a for a in draft.attempts if a.writer == "free"]
    assert 1 <= draft.attempt_count == len(model_attempts) <= 2
    for attempt in model_attempts:
        assert attempt.text and attempt.eval_count > 0 and attempt.eval_duration_ns > 0
        assert attempt.latency_s > 0 and attempt.prompt_eval_count > 0
        assert attempt.valid == (not attempt.violations)
    assert draft.model == QWEN and draft.prompt_name == "drafting/free.v1"
    # Whatever the small model wrote, what reaches review is valid and says who wrote it.
    assert draft.valid and draft.writer == ("template" if draft.fell_back else "free")


def test_guided_draft_fills_exact_figures_and_passes_the_validator(
    ollama_server: OllamaServer,
) -> None:
    writer = GuidedWriter(ollama_server.client(), settings(ollama_server))
    for sheet in (SHEET, NO_EVENT):
        draft = draft_post(sheet, writer, validate, max_attempts=3, fallback=TemplateWriter())
        assert (draft.writer, draft.valid, draft.fell_back) == ("guided", True, False), draft
        assert draft.attempts[-1].eval_count > 0
        for figure in ("2.6", "1.", "%"):
            assert figure in draft.text
        # the title as an editor writes it ("La final de ... entre @a y @b"): its
        # handles as given, the channel's too
        for handle in [*re.findall(r"@\w+", sheet.title), sheet.channel]:
            assert handle in draft.text


def test_a_weak_base_model_ends_in_the_recorded_template_fallback(
    ollama_server: OllamaServer,
) -> None:
    writer = FreeWriter(ollama_server.client(), settings(ollama_server, GEMMA_BASE, 48))
    draft = draft_post(SHEET, writer, validate, max_attempts=2, fallback=TemplateWriter())
    assert draft.fell_back and draft.writer == "template" and draft.mode == "free"
    assert draft.model == GEMMA_BASE and draft.attempt_count == 2
    assert all(not a.valid and a.violations and a.eval_count > 0 for a in draft.attempts[:2])
    assert draft.valid and draft.text == TemplateWriter().write(SHEET, network="x").text


def test_a_missing_model_names_itself_and_how_to_register_it(
    ollama_server: OllamaServer,
) -> None:
    writer = FreeWriter(ollama_server.client(), settings(ollama_server, "no-such-model:1b"))
    with pytest.raises(ModelMissing, match=r"'no-such-model:1b'.*scripts/ollama start"):
        draft_post(SHEET, writer, validate, max_attempts=1)


def test_post_drafts_asset_stores_reviewable_drafts_and_passes_its_check(
    ollama_server: OllamaServer, tmp_path: object,
) -> None:
    database = DatabaseResource(url=f"sqlite:///{tmp_path}/drafts.db")
    llm = OllamaResource(host=ollama_server.host, model=QWEN, num_predict=140, num_ctx=2048)
    context = dg.build_asset_context(partition_key="2025-01-14")
    config = DraftingConfig(mode="natural", max_attempts=2, candidates=1)
    replace_plan(database.engine(), "2025-01-14",
                 DayPlan("2025-01-14", (Story(SHEET, 1.0, False, SHEET.event),), {"x": 8}))
    results = post_drafts(context=context, config=config, llm=llm, database=database)
    assert isinstance(results, Iterator)
    output, check = with_typed_metadata(list(results))
    assert isinstance(check, dg.AssetCheckResult) and check.passed
    assert isinstance(output, dg.MaterializeResult)
    assert output.metadata["dagster/row_count"].value == 1
    rows = load_drafts(database.engine(), "2025-01-14")
    assert len(rows) == 1 and rows[0]["status"] == "pending_review"
    assert rows[0]["model"] == QWEN and rows[0]["attempts"][0]["eval_count"] > 0
    with database.engine().connect() as conn:
        assert conn.execute(sa.text("select count(*) from post_drafts")).scalar_one() == 1
