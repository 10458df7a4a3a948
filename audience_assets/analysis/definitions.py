import dagster as dg

from audience_assets.analysis.assets import audience_anomalies, minute_audience, relevant_broadcasts

defs = dg.Definitions(assets=[minute_audience, audience_anomalies, relevant_broadcasts])
