"""Jobs operators run, each naming its assets (a new asset joins a job only when it is
added here) and each with ONE backfill policy:

- `ingestion_chain`: deliveries -> records -> Solr for a date or a range, in one run
  (every asset single-run: a year is one run).
- `analysis_chain`: minutes, anomalies, fact sheets, plan for a date or a range, in one
  run walking the dates oldest first (single-run assets).
- `daily_pipeline`: what follows the plan for ONE broadcast date: drafts, images,
  report, exports (per-date assets: a backfill is one run per date).
- `daily_drafts`: redraft a day from its stored plan.

The hot-folder sensor requests, per delivered date, an `ingestion_chain`, an
`analysis_chain` and a `daily_pipeline` run. The instance settings (dagster.yaml,
infra/dagster/postgres.yaml) hold every run of one date back while another runs
(`dagster/partition`, one per date) and the analysis and daily runs to one at a time
(`audience/history`), oldest date first (`dagster/priority`, see `date_order_tags`): day
N's history rules read day N-1's records.
"""

import datetime as dt

import dagster as dg

from audience_assets.resources.llm import drafting_max_runtime_s

INGESTION_ASSETS = ("kantar_raw_file", "audience_records", "solr_audience_index")
ANALYSIS_ASSETS = ("minute_audience", "audience_anomalies", "relevant_broadcasts", "post_plan")
DAILY_ASSETS = (
    "post_drafts",
    "image_candidates",
    "post_exports",
)
# One report asset per client profile (daily_report/<profile>), named by their prefix.
REPORT_PREFIX = "daily_report"

# Run tag the instance settings limit to one run at a time (concurrency.runs in
# dagster.yaml): the history-dependent stages of one date never overlap another's.
HISTORY_TAG = "audience/history"
HISTORY_TAG_VALUE = "in-date-order"

daily_pipeline = dg.define_asset_job(
    "daily_pipeline",
    selection=dg.AssetSelection.assets(*DAILY_ASSETS)
    | dg.AssetSelection.key_prefixes(REPORT_PREFIX),
    description="One broadcast date after its plan is in: drafts, images, report and "
    "exports. One run at a time, oldest date first.",
    tags={
        # The drafting step's run budget plus a margin: the run monitor (run_monitoring in
        # dagster.yaml) cancels a run stuck past it, so it cannot hold the `llm` pool forever.
        "dagster/max_runtime": str(drafting_max_runtime_s()),
        HISTORY_TAG: HISTORY_TAG_VALUE,
    },
)

# Redrafting a day (or a range, one date per run) without re-running the stages before it.
daily_drafts = dg.define_asset_job(
    "daily_drafts",
    selection=dg.AssetSelection.assets("post_drafts"),
    description="The day's post drafts from its stored fact sheets, within the drafting budget.",
    tags={"dagster/max_runtime": str(drafting_max_runtime_s())},
)

# The analysis for a date or a range, in one run walking the dates in order.
analysis_chain = dg.define_asset_job(
    "analysis_chain",
    selection=dg.AssetSelection.assets(*ANALYSIS_ASSETS),
    description="Records -> minutes, anomalies, fact sheets, plan for a date or a range, in "
    "one run, oldest date first.",
    tags={HISTORY_TAG: HISTORY_TAG_VALUE},
)

# The three single-run assets: a backfill of this job over a year is one run.
ingestion_chain = dg.define_asset_job(
    "ingestion_chain",
    selection=dg.AssetSelection.assets(*INGESTION_ASSETS),
    description="Deliveries -> records -> Solr for a date or a range, in one run.",
)

_EPOCH = dt.date(2000, 1, 1)


def date_order_tags(date: str) -> dict[str, str]:
    """Run tags that queue a date's runs ahead of any later date's: the run queue takes the
    highest `dagster/priority` first (then the oldest run), so an older date delivered late
    still goes before a newer date's queued analysis."""
    return {"dagster/priority": str(-(dt.date.fromisoformat(date) - _EPOCH).days)}
