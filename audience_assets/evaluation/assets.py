"""Model evaluation as an asset: each materialization is one evaluation run, and its
metadata (the objective table, the run's fingerprints) stays in the catalog, so the
figures of every model and GPU the firm tried can be compared over time."""

from pathlib import Path

import dagster as dg
from pydantic import Field

from audience_assets.analysis.charts import markdown_image
from audience_assets.drafting.writing.llm import LLMError, ModelMissing
from audience_assets.evaluation.objective import (
    RunSpec,
    header_text,
    run_evaluation,
    summaries,
    table_text,
    write_outputs,
)
from audience_assets.evaluation.runs import EvaluationInputError, read_sheets, study_sheets
from audience_assets.resources.llm import DEFAULT_MODEL, OllamaResource
from audience_assets.resources.storage import StorageResource


class ModelEvaluationConfig(dg.Config):
    """Which models, on which fact sheets, with which writer (launchpad)."""

    # No default: an evaluation starts only when someone names the models (launchpad), never
    # as a side effect of a selection that happens to include this asset.
    models: list[str] = Field(
        description="Ollama tags on the `llm` resource's host (pull them there first), e.g. "
        f'["{DEFAULT_MODEL}"].')
    sheets_file: str = Field(
        default="", description="Fact sheets as JSON lines; empty: the study's five "
        "(data/evaluation/study_fact_sheets.jsonl).")
    mode: str = Field(default="natural", description="Writer: natural (production's, "
                      "default), guided or free; template is refused (no model writes).")
    network: str = Field(default="x", description="x | bluesky | threads")
    max_attempts: int = Field(default=10, ge=1, description="Attempts per fact sheet (study: 10).")


@dg.asset(
    group_name="evaluation",
    pool="llm",
    kinds={"ollama"},
    code_version="1",
    description="The study's objective table for the configured models: attempts until a "
    "valid post, seconds per valid post, load time, tokens/s, memory, failing rules.",
)
def model_evaluation(
    context: dg.AssetExecutionContext,
    config: ModelEvaluationConfig,
    llm: OllamaResource,
    storage: StorageResource,
) -> dg.MaterializeResult:
    """Runs every configured model on the same fact sheets; writes the run folder under
    the outputs and shows the table here."""
    if config.mode == "template":
        raise dg.Failure("mode template: no model writes in template mode, so there is "
                         "nothing to evaluate; use natural (production's writer), guided or "
                         "free", allow_retries=False)
    try:
        sheets = read_sheets(config.sheets_file) if config.sheets_file else study_sheets()
    except EvaluationInputError as exc:
        raise dg.Failure(str(exc), allow_retries=False) from None
    spec = RunSpec(models=tuple(config.models), sheets=tuple(sheets), mode=config.mode,
                   network=config.network, max_attempts=config.max_attempts,
                   options=llm.options(), host=llm.host,
                   timeout_retries=llm.timeout_retries)
    try:
        run = run_evaluation(llm.client(), spec, progress=context.log.info)
    except LLMError as exc:
        raise dg.Failure(str(exc), allow_retries=not isinstance(exc, ModelMissing)) from exc
    folder = Path(storage.path("output_dir")) / "evaluation" / run.run_id
    paths = write_outputs(run, folder)
    rows = summaries(run)
    return dg.MaterializeResult(metadata={
        "table": dg.MetadataValue.md(f"{header_text(run)}\n\n{table_text(rows)}\n\n"
                                     f"{markdown_image(paths['chart'].read_bytes(), 'objective')}"),
        "per_model": dg.MetadataValue.json([r.record() for r in rows]),
        "run_id": run.run_id,
        "models": ", ".join(f"{m.model} ({m.digest[:12]})" for m in run.models),
        "inputs_sha256": run.inputs_sha256,
        "drafts_sha256": run.drafts_sha256,
        "prompts": dg.MetadataValue.json(run.prompts),
        "validator": dg.MetadataValue.json(run.validator),
        "ollama_host": llm.host,
        "run_folder": dg.MetadataValue.path(str(folder)),
    })
