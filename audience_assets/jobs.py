"""Jobs operators run: the whole daily chain for one broadcast date."""

import dagster as dg

# Every asset but the model evaluation (run on demand, not per day) is partitioned
# by broadcast date, so "all" but that group is the day's whole chain.
# Stages keep their own backfill policy (the Solr index backfills a range in one run
# when selected alone); a backfill of this job runs one date per run, which is what
# the LLM stage wants.
daily_pipeline = dg.define_asset_job(
    "daily_pipeline",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("evaluation"),
    description="Every stage for one broadcast date, from the delivered files to the drafts.",
)
