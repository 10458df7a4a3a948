"""Jobs operators run: the whole daily chain for one broadcast date."""

import dagster as dg

from audience_assets.resources.llm import drafting_max_runtime_s

# Every asset is partitioned by broadcast date, so "all" is the day's whole chain.
# Stages keep their own backfill policy (the Solr index backfills a range in one run
# when selected alone); a backfill of this job runs one date per run, which is what
# the LLM stage wants.
daily_pipeline = dg.define_asset_job(
    "daily_pipeline",
    selection=dg.AssetSelection.all(),
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
