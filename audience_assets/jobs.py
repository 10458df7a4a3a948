"""Jobs operators run: the whole daily chain for one broadcast date."""

import dagster as dg

daily_pipeline = dg.define_asset_job(
    "daily_pipeline",
    selection=dg.AssetSelection.assets("kantar_raw_file").downstream(),
    description="Every stage for one broadcast date, from the delivered files to the drafts.",
)
