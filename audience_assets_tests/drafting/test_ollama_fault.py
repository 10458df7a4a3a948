"""Fault: the Ollama server is killed in the middle of a day's drafting (the real
scripts/ollama server, on its own port and state folder). The run fails within its
budget with the operator's message, publishes nothing, leaves the reviewed draft alone;
once the server is back, a retry completes the day."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import dagster as dg
import pytest

from audience_assets.drafting.assets import DraftingConfig, post_drafts
from audience_assets.drafting.store import load_drafts
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.llm import OllamaResource
from audience_assets.sql.schema import post_drafts as table
from audience_assets_tests.drafting.plans import store_plan
from audience_assets_tests.drafting.test_templates import STUDY_SHEETS
from audience_assets_tests.fixtures.ollama import QWEN, OllamaServer, free_port
from audience_assets_tests.results import with_typed_metadata

pytestmark = [pytest.mark.integration, pytest.mark.slow]
DAY = "2025-01-14"
SHEETS = STUDY_SHEETS[:3]
RUN_BUDGET_S = 600.0


def _start(server: OllamaServer) -> OllamaServer:
    started = server.script("start")
    assert started.returncode == 0, started.stderr[-3000:]
    return OllamaServer(started.stdout.strip().splitlines()[-1], server.port, server.state)


def _draft(database: DatabaseResource, llm: OllamaResource) -> list:
    store_plan(database, DAY, SHEETS)
    return with_typed_metadata(list(post_drafts(
        context=dg.build_asset_context(partition_key=DAY),
        config=DraftingConfig(mode="guided", max_attempts=2), llm=llm, database=database)))


def test_ollama_killed_mid_day_fails_within_budget_and_a_retry_completes(
    tmp_path: Path,
) -> None:
    server = _start(OllamaServer("", free_port(), tmp_path / "ollama-state"))
    try:
        database = DatabaseResource(url=f"sqlite:///{tmp_path}/drafts.db")
        # Yesterday's template drafts are published; a reviewer approved (and edited) one.
        store_plan(database, DAY, SHEETS)
        list(post_drafts(context=dg.build_asset_context(partition_key=DAY),
                         config=DraftingConfig(mode="template"),
                         llm=OllamaResource(host=server.host), database=database))
        approved = load_drafts(database.engine(), DAY)[0]
        with database.engine().begin() as conn:
            conn.execute(table.update().where(table.c.id == approved["id"]).values(
                status="approved", text=approved["text"] + " (editado)"))
        before = load_drafts(database.engine(), DAY)

        # A busy 2-core machine can need minutes per answer: the sheet budget bounds the
        # retry, whose fact sheets then fall back to the template (flagged), as in production.
        llm = OllamaResource(host=server.host, model=QWEN, num_predict=140, num_ctx=2048,
                             run_budget_s=RUN_BUDGET_S, sheet_budget_s=90.0)
        log = server.state / "ollama.log"
        offset = log.stat().st_size
        outcome: dict[str, object] = {}

        def drafting() -> None:
            try:
                outcome["events"] = _draft(database, llm)
            except BaseException as exc:
                outcome["error"] = exc
            outcome["finished"] = time.monotonic()

        started = time.monotonic()
        worker = threading.Thread(target=drafting)
        worker.start()
        # Kill the server (and its model runner) once it is serving the run's first request
        # (its log moves): the run is then in the middle of its day.
        while log.stat().st_size == offset and worker.is_alive():
            time.sleep(0.2)
        time.sleep(1.0)
        assert worker.is_alive(), f"the run ended before the kill: {outcome}"
        pid = int((server.state / "ollama.pid").read_text())
        os.killpg(pid, signal.SIGKILL)
        killed = time.monotonic()
        worker.join(timeout=RUN_BUDGET_S)
        assert not worker.is_alive()

        error = outcome.get("error")
        assert isinstance(error, dg.Failure), outcome
        assert "does not answer" in str(error.description) and "scripts/ollama start" in str(
            error.description)
        assert error.allow_retries  # the retry policy may try again once the server is back
        assert float(outcome["finished"]) - started < RUN_BUDGET_S  # type: ignore[arg-type]
        assert float(outcome["finished"]) - killed < 60  # type: ignore[arg-type]
        assert load_drafts(database.engine(), DAY) == before  # nothing published

        server = _start(server)
        output, check = _draft(database, llm)  # the retry
        assert isinstance(check, dg.AssetCheckResult) and check.passed
        assert output.metadata["kept_reviewed"].value == 1
        assert output.metadata["published"].value == 2
        after = load_drafts(database.engine(), DAY)
        assert [r for r in after if r["id"] == approved["id"]] == [
            r for r in before if r["id"] == approved["id"]]
        redrafted = [r for r in after if r["id"] != approved["id"]]
        assert len(redrafted) == 2 and {r["mode"] for r in redrafted} == {"guided"}
        assert {r["status"] for r in redrafted} == {"pending_review"}
        assert all(r["attempts"][0]["writer"] == "guided" for r in redrafted)  # model asked
    finally:
        server.script("stop")
