"""The drafting budget is the run's: a retried post_drafts step continues the budget its
earlier tries spent (seconds since the run started) instead of starting a fresh one."""

# No `from __future__ import annotations`: Dagster reads the context annotation at runtime.

import time
from typing import Any

import dagster as dg
import pytest

from audience_assets.drafting.assets import DraftingConfig, run_seconds_so_far, write_drafts
from audience_assets.resources.llm import OllamaResource
from audience_assets_tests.drafting.fakes import FakeOllamaClient
from audience_assets_tests.drafting.test_templates import STUDY_SHEETS


class FakeSlowValidClient(FakeOllamaClient):
    """A model whose answers are never needed: the budget is spent before asking."""


def _llm(monkeypatch: pytest.MonkeyPatch, **fields: Any) -> OllamaResource:
    client = FakeSlowValidClient(["Hola hola, esto no es un post válido"])
    monkeypatch.setattr(OllamaResource, "client", lambda self: client)
    return OllamaResource(host="http://fake", **fields)


@pytest.mark.timeout(60)
def test_a_budget_spent_by_earlier_tries_sends_every_sheet_to_the_template(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    llm = _llm(monkeypatch, run_budget_s=600.0)
    drafts = write_drafts(STUDY_SHEETS, DraftingConfig(mode="free"), llm, spent_s=600.0)
    assert [d.writer for d in drafts] == ["template"] * len(STUDY_SHEETS)
    assert all(d.fell_back and d.attempt_count == 0 for d in drafts)


@pytest.mark.timeout(60)
def test_an_unspent_budget_still_asks_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    llm = _llm(monkeypatch, run_budget_s=600.0)
    drafts = write_drafts(STUDY_SHEETS[:1], DraftingConfig(mode="free", max_attempts=1), llm,
                          spent_s=10.0)
    assert drafts[0].attempt_count == 1


@pytest.mark.timeout(120)
def test_seconds_so_far_count_from_the_runs_start() -> None:
    seen: list[float] = []

    @dg.asset
    def waits(context: dg.AssetExecutionContext) -> None:
        time.sleep(1.2)
        seen.append(run_seconds_so_far(context))

    with dg.DagsterInstance.ephemeral() as instance:
        assert dg.materialize([waits], instance=instance).success
    assert 1.2 <= seen[0] < 60
