"""The client's analysis configuration file, and which history the rules ask."""

from __future__ import annotations

from typing import Literal

import dagster as dg
from pydantic import Field

from audience_assets import settings
from audience_assets.paths import config_dir


class AnalysisResource(dg.ConfigurableResource):
    """Relevance rules, handles, watchlist and thresholds (data/config/analysis.yaml)."""

    # The stage reads the file (analysis.config.load_analysis_config): resources name
    # where things are and import no stage.
    config_file: str = Field(default=str(config_dir() / "analysis.yaml"),
                             description="The analysis YAML (env AUDIENCE_ANALYSIS_CONFIG).")
    history: Literal["auto", "solr", "sql"] = Field(
        default=settings.default("AUDIENCE_HISTORY"),
        description="Where the rules read the history: solr, sql, or auto = Solr when it "
        "answers, else the SQL store (env AUDIENCE_HISTORY).")
