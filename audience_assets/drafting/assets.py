"""Drafting: the day's post plan -> one post draft per story of the network's budget
(LLM, judged by the strict validator, template fallback) -> SQL table `post_drafts`,
awaiting review."""

from collections import Counter
from collections.abc import Iterator
from typing import Any

import dagster as dg
import pandas as pd
from pydantic import Field

from audience_assets.analysis.plan import DayPlan
from audience_assets.drafting.checks import (
    drafts_validity_check_result,
    drafts_validity_check_spec,
)
from audience_assets.drafting.store import replace_drafts, reviewed_keys
from audience_assets.drafting.validation import validate
from audience_assets.drafting.writing import Draft, TemplateWriter, make_writer, variety
from audience_assets.drafting.writing.llm import LLMError, ModelMissing
from audience_assets.drafting.writing.loop import DEFAULT_CANDIDATES, draft_day
from audience_assets.drafting.writing.writers import WRITER_NAMES
from audience_assets.partitions import broadcast_days
from audience_assets.records import FactSheet
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.llm import OllamaResource

PREVIEW_CHARS = 140


class DraftingConfig(dg.Config):
    """Per-run choices (launchpad); the model and server are the `llm` resource's."""

    mode: str = Field(default="natural", description="natural | free | guided | template")
    network: str = Field(default="x", description="x | bluesky | threads")
    max_attempts: int = Field(default=10, ge=1, description="Model attempts per fact sheet.")
    fallback: bool = Field(
        default=True, description="Use the template writer when the attempts run out."
    )
    candidates: int = Field(
        default=DEFAULT_CANDIDATES, ge=1,
        description="Model drafts per story; the valid one least like the day's other "
                    "posts is kept.")


def write_drafts(
    sheets: list[FactSheet], config: DraftingConfig, llm: OllamaResource,
    log: Any = None,
) -> list[Draft]:
    if config.mode not in WRITER_NAMES:
        raise dg.Failure(f"unknown mode {config.mode!r}; expected one of {', '.join(WRITER_NAMES)}",
                         allow_retries=False)
    settings = llm.settings()
    writer = make_writer(config.mode, llm.client(), settings)
    fallback = TemplateWriter() if config.fallback else None

    def progress(sheet: FactSheet, draft: Draft) -> None:
        if log is not None:
            log.info(f"{sheet.title}: {draft.writer} after {draft.attempt_count} attempt(s), "
                     f"{draft.valid_candidates} valid, {draft.llm_seconds:.1f} s")

    try:
        return draft_day(sheets, writer, validate, network=config.network,
                         max_attempts=config.max_attempts, fallback=fallback,
                         candidates=config.candidates if config.mode != "template" else 1,
                         on_draft=progress)
    except LLMError as exc:
        # Missing model: retrying cannot help; server down or timeouts: it may.
        raise dg.Failure(str(exc), allow_retries=not isinstance(exc, ModelMissing)) from exc


def drafts_metadata(drafts: list[Draft], llm: OllamaResource) -> dict[str, Any]:
    preview = pd.DataFrame([{
        "programa": d.fact_sheet["title"],
        "writer": d.writer + (" (fallback)" if d.fell_back else ""),
        "attempts": d.attempt_count,
        "valid": d.valid,
        "s": round(d.llm_seconds, 1),
        "post": d.text.replace("\n", " ")[:PREVIEW_CHARS],
    } for d in drafts])
    eval_count = sum(d.eval_count for d in drafts)
    eval_s = sum(d.eval_duration_ns for d in drafts) / 1e9
    attempts = [d.attempt_count for d in drafts]
    prompts = sorted({f"{d.prompt_name} {d.prompt_sha256[:12]}" for d in drafts if d.prompt_name})
    return {
        "dagster/row_count": len(drafts),
        "preview": dg.MetadataValue.md(
            preview.to_markdown(index=False) if len(drafts) else "no fact sheets for this day"),
        "writer_mix": dg.MetadataValue.json(dict(Counter(
            d.writer + ("_fallback" if d.fell_back else "") for d in drafts))),
        "attempts_per_draft": dg.MetadataValue.json(attempts),
        "mean_attempts": float(sum(attempts) / len(attempts)) if attempts else 0.0,
        "fallbacks": sum(1 for d in drafts if d.fell_back),
        "llm_seconds": round(sum(d.llm_seconds for d in drafts), 2),
        "tokens_per_s": round(eval_count / eval_s, 2) if eval_s else 0.0,
        "model": llm.model,
        "ollama_host": llm.host,
        "prompts": ", ".join(prompts) or "none (template)",
        **variety_metadata(drafts),
    }


def variety_metadata(drafts: list[Draft]) -> dict[str, Any]:
    """How alike the day's posts read: distinct wordings and mean pairwise similarity."""
    skeletons = [d.skeleton for d in drafts if d.valid]
    return {
        "distinct_skeletons": variety.distinct_skeletons(skeletons),
        "distinct_skeletons_per_post": round(
            variety.distinct_skeletons(skeletons) / len(skeletons), 2) if skeletons else 0.0,
        "mean_pairwise_similarity": variety.mean_pairwise_similarity(skeletons),
    }


@dg.asset(
    partitions_def=broadcast_days,
    group_name="drafting",
    pool="llm",
    kinds={"ollama", "sql"},
    check_specs=[drafts_validity_check_spec("post_drafts")],
    retry_policy=dg.RetryPolicy(max_retries=2, delay=20, backoff=dg.Backoff.EXPONENTIAL),
    code_version="1",
)
def post_drafts(
    context: dg.AssetExecutionContext,
    config: DraftingConfig,
    post_plan: DayPlan,
    llm: OllamaResource,
    database: DatabaseResource,
) -> Iterator[dg.Output[list[dict[str, Any]]] | dg.AssetCheckResult]:
    """One draft per story of the day's plan within the network's budget, written by
    the configured writer and stored in table `post_drafts` for review; the strict
    validator gates them."""
    reviewed = reviewed_keys(database.engine(), context.partition_key)
    sheets = [s for s in post_plan.for_network(config.network)
              if (s.key, config.network) not in reviewed]
    drafts = write_drafts(sheets, config, llm, context.log)
    replace_drafts(database.engine(), context.partition_key, drafts)
    metadata = drafts_metadata(drafts, llm)
    metadata["kept_reviewed"] = len(reviewed)
    yield dg.Output([d.to_dict() for d in drafts], metadata=metadata)
    yield drafts_validity_check_result(drafts, asset_key=context.asset_key)
