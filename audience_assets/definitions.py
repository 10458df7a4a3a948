"""The one Definitions object: every stage's assets, checks and sensors, and the resources."""

import dagster as dg

from audience_assets.ingestion.definitions import defs as ingestion_defs
from audience_assets.jobs import daily_pipeline
from audience_assets.resources import env_or
from audience_assets.resources.database import DEFAULT_DB_URL, DatabaseResource
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
}

defs = dg.Definitions.merge(
    ingestion_defs,
    dg.Definitions(jobs=[daily_pipeline], resources=resources),
)
