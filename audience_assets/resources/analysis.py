"""The client's analysis configuration file, and which history the rules ask."""

from __future__ import annotations

from typing import Literal

import dagster as dg

from audience_assets.paths import config_dir
from audience_assets.resources import setting_field


class AnalysisResource(dg.ConfigurableResource):
    """Relevance rules, handles, watchlist and thresholds (data/config/analysis.yaml)."""

    # The stage reads the file (analysis.config.load_analysis_config): resources name
    # where things are and import no stage.
    config_file: str = setting_field("AUDIENCE_ANALYSIS_CONFIG", "The analysis YAML",
                                     default=str(config_dir() / "analysis.yaml"))
    history: Literal["auto", "solr", "sql"] = setting_field(
        "AUDIENCE_HISTORY", "Where the rules read the history: solr, sql, or auto = Solr "
        "when it answers, else the SQL store")
