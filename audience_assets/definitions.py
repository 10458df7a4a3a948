"""The one Definitions object: every stage's assets, checks and sensors, and the resources."""

import dagster as dg

from audience_assets.analysis.assets import (
    audience_anomalies,
    minute_audience,
    post_plan,
    relevant_broadcasts,
)
from audience_assets.drafting.assets import post_drafts
from audience_assets.evaluation.assets import model_evaluation
from audience_assets.images.assets import image_candidates
from audience_assets.indexing.assets import solr_audience_index
from audience_assets.ingestion.assets import audience_records, kantar_raw_file
from audience_assets.ingestion.sensors import hot_folder_sensor
from audience_assets.jobs import daily_drafts, daily_pipeline, ingestion_chain
from audience_assets.reports.assets import daily_report
from audience_assets.resources import env_or
from audience_assets.resources.analysis import AnalysisResource
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.handoff import SqlHandoffIOManager
from audience_assets.resources.images import ImagesResource
from audience_assets.resources.llm import ollama_resource_from_env
from audience_assets.resources.solr import SolrResource
from audience_assets.resources.storage import StorageResource
from audience_assets.review.assets import post_exports
from audience_assets.review.sensors import approvals_sensor, exports_job

resources = {
    # Nothing is pickled between stages: SQL is the one handoff (see resources/handoff.py).
    "io_manager": SqlHandoffIOManager(),
    "database": DatabaseResource(
        url=env_or("AUDIENCE_DB_URL"),
        busy_timeout_s=env_or("AUDIENCE_DB_BUSY_TIMEOUT"),
    ),
    "storage": StorageResource(
        hot_folder=env_or("AUDIENCE_HOT_FOLDER"),
        archive_dir=env_or("AUDIENCE_ARCHIVE_DIR"),
        quarantine_dir=env_or("AUDIENCE_QUARANTINE_DIR"),
        output_dir=env_or("AUDIENCE_OUTPUT_DIR"),
        settle_seconds=env_or("AUDIENCE_SETTLE_SECONDS"),
    ),
    "solr": SolrResource(
        url=env_or("SOLR_URL"),
        zk_hosts=env_or("SOLR_ZK_HOSTS"),
        collection=env_or("SOLR_COLLECTION"),
        connect_timeout=env_or("SOLR_CONNECT_TIMEOUT"),
        read_timeout=env_or("SOLR_READ_TIMEOUT"),
        batch_size=env_or("SOLR_BATCH_SIZE"),
        commit_within_ms=env_or("SOLR_COMMIT_WITHIN_MS"),
    ),
    "llm": ollama_resource_from_env(),
    "analysis": AnalysisResource(
        config_file=env_or("AUDIENCE_ANALYSIS_CONFIG", AnalysisResource().config_file),
        history=env_or("AUDIENCE_HISTORY"),
    ),
    "images": ImagesResource(
        sources_file=env_or("AUDIENCE_IMAGES_CONFIG", ImagesResource().sources_file),
        delay_s=env_or("AUDIENCE_IMAGES_DELAY_S"),
        timeout_s=env_or("AUDIENCE_IMAGES_TIMEOUT_S"),
        max_bytes=env_or("AUDIENCE_IMAGES_MAX_BYTES"),
        user_agent=env_or("AUDIENCE_IMAGES_USER_AGENT"),
        vision_model=env_or("OLLAMA_VISION_MODEL"),
        ollama_host=env_or("OLLAMA_HOST"),
    ),
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
        model_evaluation,
        image_candidates,
        post_exports,
        daily_report,
    ],
    sensors=[hot_folder_sensor, approvals_sensor],
    jobs=[daily_pipeline, daily_drafts, ingestion_chain, exports_job],
    resources=resources,
    # Steps run in the run's own process: a subprocess per step re-imports the project
    # (seconds each, tens of seconds on a loaded 2-core host), which dominated a backfill
    # of the ingestion chain; the stages are sequential anyway.
    executor=dg.in_process_executor,
)
