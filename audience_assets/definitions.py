"""The one Definitions object: every stage's assets, checks and sensors, and the resources."""

import dagster as dg

# Stage modules, not their Definitions: Dagster accepts one Definitions at module scope.
from audience_assets.analysis import definitions as analysis
from audience_assets.drafting import definitions as drafting
from audience_assets.indexing import definitions as indexing
from audience_assets.ingestion import definitions as ingestion
from audience_assets.jobs import daily_pipeline
from audience_assets.resources import env_or
from audience_assets.resources.analysis import AnalysisResource
from audience_assets.resources.database import DEFAULT_DB_URL, DatabaseResource
from audience_assets.resources.llm import ollama_resource_from_env
from audience_assets.resources.solr import DEFAULT_SOLR_URL, SolrResource
from audience_assets.resources.storage import StorageResource

resources = {
    "database": DatabaseResource(url=env_or("AUDIENCE_DB_URL", DEFAULT_DB_URL)),
    "storage": StorageResource(
        hot_folder=env_or("AUDIENCE_HOT_FOLDER", "var/hot"),
        archive_dir=env_or("AUDIENCE_ARCHIVE_DIR", "var/archive"),
        quarantine_dir=env_or("AUDIENCE_QUARANTINE_DIR", "var/quarantine"),
        output_dir=env_or("AUDIENCE_OUTPUT_DIR", "var/outputs"),
        settle_seconds=env_or("AUDIENCE_SETTLE_SECONDS", 10),
    ),
    "solr": SolrResource(
        url=env_or("SOLR_URL", DEFAULT_SOLR_URL),
        zk_hosts=env_or("SOLR_ZK_HOSTS", ""),
        collection=env_or("SOLR_COLLECTION", "audience"),
        connect_timeout=env_or("SOLR_CONNECT_TIMEOUT", 5.0),
        read_timeout=env_or("SOLR_READ_TIMEOUT", 120.0),
        batch_size=env_or("SOLR_BATCH_SIZE", 2000),
        commit_within_ms=env_or("SOLR_COMMIT_WITHIN_MS", 10_000),
    ),
    "llm": ollama_resource_from_env(),
    "analysis": AnalysisResource(
        config_file=env_or("AUDIENCE_ANALYSIS_CONFIG", AnalysisResource().config_file),
        history=env_or("AUDIENCE_HISTORY", "auto"),
    ),
}

defs = dg.Definitions.merge(
    ingestion.defs,
    indexing.defs,
    analysis.defs,
    drafting.defs,
    dg.Definitions(jobs=[daily_pipeline], resources=resources),
)
