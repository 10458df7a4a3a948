"""Jobs operators run: the whole daily chain for one broadcast date, and the ingestion
chain alone (a day or a range in one run)."""

import dagster as dg

from audience_assets.resources.llm import drafting_max_runtime_s

# Every asset but the model evaluation (run on demand, not per day) is partitioned by
# broadcast date, so "all" but that group is the day's whole chain. Stages keep their own
# backfill policy: the ingestion chain backfills a range in one run, the analysis and the
# LLM stage one date per run, in date order.
daily_pipeline = dg.define_asset_job(
    "daily_pipeline",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("evaluation"),
    description="Every stage for one broadcast date, from the delivered files to the drafts.",
    # The drafting step's run budget plus a margin: the run monitor (run_monitoring in
    # dagster.yaml) cancels a run stuck past it, so it cannot hold the `llm` pool forever.
    tags={"dagster/max_runtime": str(drafting_max_runtime_s())},
)

# Redrafting a day (or a range, one date per run) without re-running the stages before it.
daily_drafts = dg.define_asset_job(
    "daily_drafts",
    selection=dg.AssetSelection.assets("post_drafts"),
    description="The day's post drafts from its stored fact sheets, within the drafting budget.",
    tags={"dagster/max_runtime": str(drafting_max_runtime_s())},
)

# The three single-run assets: a backfill of this job over a year is one run.
INGESTION_ASSETS = ("kantar_raw_file", "audience_records", "solr_audience_index")
ingestion_chain = dg.define_asset_job(
    "ingestion_chain",
    selection=dg.AssetSelection.assets(*INGESTION_ASSETS),
    description="Deliveries -> records -> Solr for a date or a range, in one run.",
)
