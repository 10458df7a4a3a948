from __future__ import annotations

import pytest

from audience_assets.analysis.config import load_analysis_config
from audience_assets.analysis.store import replace_anomalies, replace_minute_points
from audience_assets.ingestion.store import load_records
from audience_assets.reports.daily import build_report, shift
from audience_assets.reports.names import display_names
from audience_assets.reports.profiles import load_profiles
from audience_assets.reports.sources import analyse_minutes
from audience_assets.sql.engine import make_engine
from audience_assets_tests.review.helpers import DAY, minutes_of, seed_day


@pytest.fixture(scope="package")
def day_data(tmp_path_factory):
    """The sample week up to DAY in a SQL store, and both profiles' reports for DAY."""
    url = f"sqlite:///{tmp_path_factory.mktemp('report')}/audience.db"
    engine = make_engine(url)
    sheets = seed_day(engine)
    config = load_analysis_config()
    profiles = load_profiles()
    records = load_records(engine, shift(DAY, -28), DAY)
    points = minutes_of(DAY)
    anomalies = analyse_minutes(points, [r for r in records if r.broadcast_date == DAY],
                                config)
    replace_minute_points(engine, DAY, points)
    replace_anomalies(engine, DAY, anomalies)
    reports = {name: build_report(DAY, p, display_names(p, config), records, sheets, points,
                                  anomalies)
               for name, p in profiles.items()}
    return {"url": url, "engine": engine, "sheets": sheets, "records": records,
            "points": points, "anomalies": anomalies, "config": config,
            "profiles": profiles, "reports": reports, "report": reports["mercado"]}
