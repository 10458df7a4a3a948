"""A code location for the date-order test: the real hot-folder sensor, assets, jobs'
names and tags, resources and instance settings; the records job without the Solr index
and the daily job without the LLM stage (a report stands in for it). Solr and Ollama
stay out of the test, the ordering mechanism (run queue, tags, sensor) is production's."""

import dagster as dg

from audience_assets.analysis.assets import (
    audience_anomalies,
    minute_audience,
    post_plan,
    relevant_broadcasts,
)
from audience_assets.definitions import resources
from audience_assets.ingestion.assets import audience_records, kantar_raw_file
from audience_assets.ingestion.sensors import hot_folder_sensor_for
from audience_assets.jobs import ANALYSIS_ASSETS, HISTORY_TAG, HISTORY_TAG_VALUE
from audience_assets.jobs import analysis_chain as real_analysis
from audience_assets.jobs import ingestion_chain as real_ingestion
from audience_assets.partitions import broadcast_days


@dg.asset(partitions_def=broadcast_days, deps=[post_plan], group_name="test")
def day_done() -> None:
    """Stands in for drafts onwards: runs after the date's plan, in the daily run."""


ingestion_chain = dg.define_asset_job(
    "ingestion_chain", selection=dg.AssetSelection.assets("kantar_raw_file", "audience_records"),
    tags=real_ingestion.tags)
analysis_chain = dg.define_asset_job(
    "analysis_chain", selection=dg.AssetSelection.assets(*ANALYSIS_ASSETS),
    tags=real_analysis.tags)
daily_pipeline = dg.define_asset_job(
    "daily_pipeline", selection=dg.AssetSelection.assets("day_done"),
    tags={HISTORY_TAG: HISTORY_TAG_VALUE})

defs = dg.Definitions(
    assets=[kantar_raw_file, audience_records, minute_audience, audience_anomalies,
            relevant_broadcasts, post_plan, day_done],
    sensors=[hot_folder_sensor_for(ingestion_chain, analysis_chain, daily_pipeline)],
    jobs=[ingestion_chain, analysis_chain, daily_pipeline],
    resources=resources,
    executor=dg.in_process_executor,
)
