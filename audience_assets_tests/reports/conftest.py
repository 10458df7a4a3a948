from __future__ import annotations

import pytest

from audience_assets.analysis.config import load_analysis_config
from audience_assets.analysis.store import replace_anomalies, replace_minute_points
from audience_assets.ingestion.store import load_records
from audience_assets.reports.daily import analyse_minutes, build_report
from audience_assets.sql.engine import make_engine
from audience_assets_tests.review.helpers import DAY, minutes_of, seed_day


@pytest.fixture(scope="package")
def day_data(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('report')}/audience.db"
    engine = make_engine(url)
    sheets = seed_day(engine)
    records = load_records(engine, DAY)
    points = minutes_of(DAY)
    anomalies = analyse_minutes(points, records, load_analysis_config())
    replace_minute_points(engine, DAY, points)
    replace_anomalies(engine, DAY, anomalies)
    report = build_report(DAY, records, sheets, points, anomalies)
    return {"url": url, "engine": engine, "sheets": sheets, "records": records, "points": points,
            "anomalies": anomalies, "report": report}
