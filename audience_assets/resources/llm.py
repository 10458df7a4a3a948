"""The LLM server: the project's local Ollama (scripts/ollama start) by default,
any Ollama host (a GPU machine) in production."""

from __future__ import annotations

from typing import Any

import dagster as dg
import ollama
from pydantic import Field

from audience_assets import settings
from audience_assets.resources import env_or

DEFAULT_HOST = settings.default("OLLAMA_HOST")
DEFAULT_MODEL = settings.default("OLLAMA_MODEL")
# Wall-clock budgets of a drafting run (seconds). A fact sheet past its budget goes to the
# template writer (flagged as a fallback), or the run fails when fallback is off.
DEFAULT_SHEET_BUDGET_S = settings.default("AUDIENCE_DRAFT_SHEET_BUDGET")
DEFAULT_RUN_BUDGET_S = settings.default("AUDIENCE_DRAFT_RUN_BUDGET")
# dagster/max_runtime of a drafting run: its budget plus room for the steps around it;
# the run monitor (dagster.yaml run_monitoring) cancels a run that overstays it.
MAX_RUNTIME_MARGIN_S = 900.0


def drafting_max_runtime_s() -> int:
    """The `dagster/max_runtime` tag of runs that draft (env AUDIENCE_DRAFT_RUN_BUDGET)."""
    return int(settings.get("AUDIENCE_DRAFT_RUN_BUDGET") + MAX_RUNTIME_MARGIN_S)


class OllamaResource(dg.ConfigurableResource):
    """An Ollama server and the model and sampling options drafts are written with."""

    host: str = Field(
        default=DEFAULT_HOST,
        description="Ollama URL (env OLLAMA_HOST); `scripts/ollama start` prints the local one.",
    )
    model: str = Field(
        default=DEFAULT_MODEL,
        description="Model tag on that host (env OLLAMA_MODEL), e.g. "
        "qwen2.5:14b-instruct-q5_K_M on a GPU host.",
    )
    timeout: float = Field(
        default=settings.default("OLLAMA_TIMEOUT"), gt=0,
        description="Seconds one request may take (never unbounded)."
    )
    temperature: float = Field(default=0.0, ge=0)
    seed: int = Field(default=42, description="Base seed; attempt n uses seed + n - 1.")
    num_predict: int = Field(
        default=settings.default("OLLAMA_NUM_PREDICT"),
        description="Most tokens one answer may have.")
    num_ctx: int = Field(
        default=settings.default("OLLAMA_NUM_CTX"),
        description="Context window in tokens.")
    keep_alive: str = Field(
        default=settings.default("OLLAMA_KEEP_ALIVE"),
        description="How long the model stays loaded.")
    num_thread: int = Field(
        default=settings.default("OLLAMA_NUM_THREAD"), ge=0,
        description="CPU threads (0: Ollama's choice; 1 suits a busy 2-core host)."
    )
    timeout_retries: int = Field(default=2, ge=0, description="Retries of a timed-out request.")
    sheet_budget_s: float = Field(
        default=DEFAULT_SHEET_BUDGET_S, gt=0,
        description="Wall-clock seconds the model may spend on one fact sheet; then the "
        "template writes it, flagged as a fallback (env AUDIENCE_DRAFT_SHEET_BUDGET).")
    run_budget_s: float = Field(
        default=DEFAULT_RUN_BUDGET_S, gt=0,
        description="Wall-clock seconds for a whole drafting run; the fact sheets left "
        "then go to the template, or the run fails when fallback is off "
        "(env AUDIENCE_DRAFT_RUN_BUDGET).")

    def client(self) -> ollama.Client:
        return ollama.Client(host=self.host, timeout=self.request_timeout())

    def options(self) -> dict[str, Any]:
        options: dict[str, Any] = {
            "temperature": self.temperature,
            "seed": self.seed,
            "num_predict": self.num_predict,
            "num_ctx": self.num_ctx,
        }
        if self.num_thread:
            options["num_thread"] = self.num_thread
        return options

    def llm_settings(self, model: str | None = None) -> dict[str, Any]:
        """The writers' LLMSettings fields (`LLMSettings(**llm.llm_settings())`): plain
        values, so that resources import no stage."""
        return {
            "model": model or self.model,
            "host": self.host,
            "options": self.options(),
            "keep_alive": self.keep_alive,
            # Retries of a timed-out request only while they fit in a fact sheet's budget.
            "timeout_retries": max(0, min(self.timeout_retries,
                                          int(self.sheet_budget_s // self.request_timeout()) - 1)),
        }

    def request_timeout(self) -> float:
        """Seconds one request may take: never more than a fact sheet's whole budget."""
        return min(self.timeout, self.sheet_budget_s)


def ollama_resource_from_env() -> OllamaResource:
    """The resource as the definitions configure it: every field from its
    environment variable when set (shown as such in the UI), else its default."""
    return OllamaResource(
        host=env_or("OLLAMA_HOST"),
        model=env_or("OLLAMA_MODEL"),
        timeout=env_or("OLLAMA_TIMEOUT"),
        num_predict=env_or("OLLAMA_NUM_PREDICT"),
        num_ctx=env_or("OLLAMA_NUM_CTX"),
        keep_alive=env_or("OLLAMA_KEEP_ALIVE"),
        num_thread=env_or("OLLAMA_NUM_THREAD"),
        sheet_budget_s=env_or("AUDIENCE_DRAFT_SHEET_BUDGET"),
        run_budget_s=env_or("AUDIENCE_DRAFT_RUN_BUDGET"),
    )
