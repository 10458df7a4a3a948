"""Drafting: the day's post plan -> one post draft per story of the network's budget
(LLM, judged by the strict validator, template fallback) -> SQL table `post_drafts`,
awaiting review."""

import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import dagster as dg
import pandas as pd
from pydantic import Field

from audience_assets.analysis.store import load_plan
from audience_assets.drafting.checks import (
    CHECK_NAME,
    drafts_validity_check_result,
    drafts_validity_check_spec,
)
from audience_assets.drafting.store import (
    desk_approvals,
    load_staged,
    publish_staged,
    recent_post_texts,
    reviewed_keys,
    stage_drafts,
)
from audience_assets.drafting.validation import validate
from audience_assets.drafting.writing import Draft, TemplateWriter, make_writer, variety
from audience_assets.drafting.writing.llm import LLMError, LLMSettings, ModelMissing
from audience_assets.drafting.writing.loop import BUDGET_SPENT, DEFAULT_CANDIDATES, draft_post
from audience_assets.drafting.writing.natural import NaturalWriter, load_examples
from audience_assets.drafting.writing.pool import (
    LearnedExamples,
    PoolConfigError,
    load_pool_config,
    refresh_pool,
)
from audience_assets.drafting.writing.writers import WRITER_NAMES
from audience_assets.partitions import broadcast_days
from audience_assets.records import FactSheet
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.llm import OllamaResource
from audience_assets.timing import timed

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
    log: Any = None, clock: Callable[[], float] = time.monotonic, spent_s: float = 0.0,
    recent_posts: Sequence[str] = (),
    learned: LearnedExamples | None = None,
) -> list[Draft]:
    """One draft per fact sheet, each within the sheet's budget and all within the run's
    (the `llm` resource's sheet_budget_s / run_budget_s), of which `spent_s` seconds are
    already gone (earlier tries of the step: the budget is the run's, not each try's)."""
    if config.mode not in WRITER_NAMES:
        raise dg.Failure(f"unknown mode {config.mode!r}; expected one of {', '.join(WRITER_NAMES)}",
                         allow_retries=False)
    settings = LLMSettings(**llm.llm_settings())
    writer = make_writer(config.mode, llm.client(), settings)
    if isinstance(writer, NaturalWriter):
        writer.recent_posts = tuple(recent_posts)  # no copying of last week's posts
        if learned is not None:  # the examples learned from the desk, then examples.yaml
            writer.pool = learned
    fallback = TemplateWriter() if config.fallback else None
    run_deadline = clock() + max(0.0, llm.run_budget_s - spent_s)
    candidates = config.candidates if config.mode != "template" else 1
    drafts: list[Draft] = []
    for done, sheet in enumerate(sheets):
        if fallback is None and clock() >= run_deadline:
            raise dg.Failure(
                f"drafting run budget of {llm.run_budget_s:.0f} s spent after {done} of "
                f"{len(sheets)} fact sheets, and fallback is off: nothing was published. Raise "
                "AUDIENCE_DRAFT_RUN_BUDGET, use a faster model or host, or turn fallback on.",
                allow_retries=False)
        deadline = min(clock() + llm.sheet_budget_s, run_deadline)
        try:
            draft = draft_post(sheet, writer, validate, network=config.network,
                               max_attempts=config.max_attempts, fallback=fallback,
                               candidates=candidates,
                               chosen_today=[d.skeleton for d in drafts],
                               deadline=deadline, clock=clock)
        except LLMError as exc:
            # Missing model: retrying cannot help; server down or timeouts: it may.
            raise dg.Failure(str(exc), allow_retries=not isinstance(exc, ModelMissing)) from exc
        if fallback is None and any(v.get("rule") == "time_budget" for v in draft.violations):
            raise dg.Failure(
                f"{sheet.title}: the fact sheet's budget of {llm.sheet_budget_s:.0f} s was spent "
                f"after {draft.attempt_count} attempt(s) with no valid draft, and fallback is "
                "off: nothing was published. Raise AUDIENCE_DRAFT_SHEET_BUDGET or turn "
                "fallback on.", allow_retries=False)
        if log is not None:
            budget = " (time budget spent)" if over_budget(draft) else ""
            log.info(f"{sheet.title}: {draft.writer} after {draft.attempt_count} attempt(s), "
                     f"{draft.valid_candidates} valid, {draft.llm_seconds:.1f} s{budget}")
        drafts.append(draft)
    return drafts


def learned_examples(engine: Any, date: str, network: str, log: Any = None
                     ) -> tuple[LearnedExamples | None, dict[str, Any]]:
    """The writer's examples for (date, network): the pool built from the desk's
    approvals (or the frozen file), retrieved per story; None when pool.yaml turns it
    off."""
    try:
        config = load_pool_config()
        if not config.enabled:
            return None, {"pool": "disabled (data/config/drafting/pool.yaml)"}
        static = load_examples()
        pool, from_desk = refresh_pool(desk_approvals(engine), config, static.emojis,
                                       time.time())
    except PoolConfigError as exc:
        raise dg.Failure(str(exc), allow_retries=False) from exc
    examples = LearnedExamples.for_day(static, pool, config, date, network)
    source = "the desk" if from_desk else f"{config.file.name} (frozen)"
    if log is not None:
        log.info(f"example pool from {source}: {len(examples.examples)} of "
                 f"{len(pool.examples)} examples usable for {date}")
    return examples, {"pool": source, "pool_examples": len(pool.examples),
                      "pool_examples_for_day": len(examples.examples)}


def run_seconds_so_far(context: dg.AssetExecutionContext) -> float:
    """Seconds since the run started: a retried step (RetryPolicy, up to 3 tries) continues
    the run's drafting budget instead of restarting it, so the tries together stay within
    run_budget_s (and inside the run's dagster/max_runtime)."""
    record = context.instance.get_run_record_by_id(context.op_execution_context.run_id)
    if record is None or record.start_time is None:
        return 0.0
    return max(0.0, time.time() - record.start_time)


def over_budget(draft: Draft) -> bool:
    return any(a.error.startswith(BUDGET_SPENT) for a in draft.attempts)


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
        "over_budget": sum(1 for d in drafts if over_budget(d)),
        "llm_seconds": round(sum(d.llm_seconds for d in drafts), 2),
        "tokens_per_s": round(eval_count / eval_s, 2) if eval_s else 0.0,
        # Ollama's own clock: what the model spent reading prompts and writing, apart from
        # the wait on a busy host in llm_seconds. Its prompt token count includes the tokens
        # its cache held (a candidate repeating its draw's prompt: ~0.1 s of prompt eval).
        "model_calls": sum(attempts),
        "ollama_eval_s": round(eval_s, 2),
        "ollama_prompt_eval_s": round(sum(d.prompt_eval_duration_ns for d in drafts) / 1e9, 2),
        "ollama_prompt_tokens": sum(d.prompt_eval_count for d in drafts),
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
    deps=[dg.AssetKey("post_plan")],
    kinds={"ollama", "sql"},
    check_specs=[drafts_validity_check_spec("post_drafts")],
    retry_policy=dg.RetryPolicy(max_retries=2, delay=20, backoff=dg.Backoff.EXPONENTIAL),
    code_version="4",
)
@timed
def post_drafts(
    context: dg.AssetExecutionContext,
    config: DraftingConfig,
    llm: OllamaResource,
    database: DatabaseResource,
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """One draft per story of the day's plan within the network's budget, written by the
    configured writer, staged, audited by the strict validator (blocking check) and only
    then published to table `post_drafts` for review. Reviewed drafts and other networks
    are never touched."""
    date, network, engine = context.partition_key, config.network, database.engine()
    run_id = context.op_execution_context.run_id
    plan = load_plan(engine, date)
    if plan is None:
        raise dg.Failure(f"No plan stored for {date}: materialise post_plan for {date} first "
                         "(the drafts follow the day's plan).", allow_retries=False)
    reviewed = reviewed_keys(engine, date, network)
    sheets = [s for s in plan.for_network(network) if (s.key, network) not in reviewed]
    learned, pool_metadata = learned_examples(engine, date, network, context.log)
    drafts = write_drafts(sheets, config, llm, context.log, spent_s=run_seconds_so_far(context),
                          recent_posts=recent_post_texts(engine, date), learned=learned)
    stage_drafts(engine, run_id, date, network, drafts)
    check = drafts_validity_check_result(load_staged(engine, run_id),
                                         asset_key=context.asset_key)
    metadata = drafts_metadata(drafts, llm)
    metadata["kept_reviewed"] = len(reviewed)
    metadata.update(pool_metadata)
    metadata["pool_examples_used"] = len(learned.used) if learned is not None else 0
    metadata["network"] = network
    if not check.passed:
        # Audit failed: the published drafts stay as they were; the staged rows stay in
        # post_drafts_staging for inspection until the next run of this date and network.
        yield check
        raise dg.Failure(
            description=f"{check.description}: nothing published for {date} ({network}); the "
            "drafts reviewers see are unchanged. The violations are in the check "
            f"'{CHECK_NAME}'; the rejected drafts in table post_drafts_staging "
            f"(run_id {run_id}).",
            metadata=metadata, allow_retries=False)
    metadata["published"] = publish_staged(engine, run_id, date, network)
    yield dg.MaterializeResult(metadata=metadata)
    yield check
