"""Jobs operators run: the whole daily chain for one broadcast date."""

import dagster as dg

from audience_assets.partitions import broadcast_days

daily_pipeline = dg.define_asset_job(
    "daily_pipeline",
    selection=dg.AssetSelection.keys("kantar_raw_file").downstream(),
    partitions_def=broadcast_days,
    description="Every stage for one broadcast date, from the delivered files to the drafts.",
)
