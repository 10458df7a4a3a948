import dagster as dg

from audience_assets.ingestion.assets import audience_records, kantar_raw_file
from audience_assets.ingestion.sensors import hot_folder_sensor

defs = dg.Definitions(assets=[kantar_raw_file, audience_records], sensors=[hot_folder_sensor])
