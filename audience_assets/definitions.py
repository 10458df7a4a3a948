"""The daily code location's Definitions: every stage's assets, checks and sensors, and the
resources. The model evaluation is its own code location (audience_assets/evaluation/
definitions.py, workspace.yaml), run on demand, never by a daily selection."""

import dagster as dg

from audience_assets.analysis.assets import (
    audience_anomalies,
    minute_audience,
    post_plan,
    relevant_broadcasts,
)
from audience_assets.drafting.assets import post_drafts
from audience_assets.images.assets import image_candidates
from audience_assets.indexing.assets import solr_audience_index
from audience_assets.ingestion.assets import audience_records, kantar_raw_file
from audience_assets.ingestion.sensors import hot_folder_sensor, stage_timings_sensor
from audience_assets.jobs import analysis_chain, daily_drafts, daily_pipeline, ingestion_chain
from audience_assets.reports.assets import daily_report
from audience_assets.resources import from_settings
from audience_assets.resources.analysis import AnalysisResource
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.handoff import SqlHandoffIOManager
from audience_assets.resources.images import ImagesResource
from audience_assets.resources.llm import OllamaResource
from audience_assets.resources.solr import SolrResource
from audience_assets.resources.storage import StorageResource
from audience_assets.review.assets import post_exports
from audience_assets.review.sensors import approvals_sensor, exports_job

resources = {
    # Nothing is pickled between stages: SQL is the one handoff (see resources/handoff.py).
    "io_manager": SqlHandoffIOManager(),
    # Each field from its environment variable when set (audience_assets/settings.py).
    "database": from_settings(DatabaseResource),
    "storage": from_settings(StorageResource),
    "solr": from_settings(SolrResource),
    "llm": from_settings(OllamaResource),
    "analysis": from_settings(AnalysisResource),
    "images": from_settings(ImagesResource),
}

defs = dg.Definitions(
    assets=[
        kantar_raw_file,
        audience_records,
        solr_audience_index,
        minute_audience,
        audience_anomalies,
        relevant_broadcasts,
        post_plan,
        post_drafts,
        image_candidates,
        post_exports,
        daily_report,
    ],
    sensors=[hot_folder_sensor, approvals_sensor, stage_timings_sensor],
    jobs=[ingestion_chain, analysis_chain, daily_pipeline, daily_drafts, exports_job],
    resources=resources,
    # Steps run in the run's own process: a subprocess per step re-imports the project
    # (seconds each, tens of seconds on a loaded 2-core host), which dominated a backfill
    # of the ingestion chain; the stages are sequential anyway.
    executor=dg.in_process_executor,
)
