import dagster as dg

from audience_assets.indexing.assets import solr_audience_index

defs = dg.Definitions(assets=[solr_audience_index])
