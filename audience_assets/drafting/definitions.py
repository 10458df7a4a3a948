import dagster as dg

from audience_assets.drafting.assets import post_drafts

defs = dg.Definitions(assets=[post_drafts])
