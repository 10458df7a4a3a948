"""A code location for the date-order test: the real hot-folder sensor, assets, resources
and instance settings, over jobs of the real names and tags holding the stages that need
no server (records; analysis and plan). Solr and Ollama stay out of the test, the
ordering mechanism (run queue, tags, sensor) is the production one."""

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
from audience_assets.jobs import daily_pipeline as real_daily
from audience_assets.jobs import ingestion_chain as real_ingestion

ingestion_chain = dg.define_asset_job(
    "ingestion_chain", selection=dg.AssetSelection.assets("kantar_raw_file", "audience_records"),
    tags=real_ingestion.tags)
daily_pipeline = dg.define_asset_job(
    "daily_pipeline", selection=dg.AssetSelection.assets(
        "minute_audience", "audience_anomalies", "relevant_broadcasts", "post_plan"),
    tags=real_daily.tags)

defs = dg.Definitions(
    assets=[kantar_raw_file, audience_records, minute_audience, audience_anomalies,
            relevant_broadcasts, post_plan],
    sensors=[hot_folder_sensor_for(ingestion_chain, daily_pipeline)],
    jobs=[ingestion_chain, daily_pipeline],
    resources={k: v for k, v in resources.items() if k in ("database", "storage", "analysis",
                                                              "solr")},
    executor=dg.in_process_executor,
)
