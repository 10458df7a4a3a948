"""The analysis stage's tables give back exactly what was written, per date, so the
later stages read what the pipeline decided and nothing else."""

from __future__ import annotations

import pytest

from audience_assets.analysis.config import load_analysis_config
from audience_assets.analysis.store import (
    load_anomalies,
    load_minute_points,
    replace_anomalies,
    replace_minute_points,
)
from audience_assets.ingestion.store import load_records
from audience_assets.reports.sources import analyse_minutes
from audience_assets.sql.engine import make_engine
from audience_assets_tests.review.helpers import DAY, minutes_of, seed_day

pytestmark = pytest.mark.timeout(120)


def test_minute_curves_and_anomalies_round_trip_and_are_replaced_per_date() -> None:
    engine = make_engine("sqlite://")
    seed_day(engine, limit=1)
    points = minutes_of(DAY)
    anomalies = analyse_minutes(points, load_records(engine, DAY), load_analysis_config())
    assert points and any(d.events for d in anomalies.values())

    assert replace_minute_points(engine, DAY, points) == len(points)
    assert sorted(load_minute_points(engine, DAY), key=str) == sorted(points, key=str)
    replace_anomalies(engine, DAY, anomalies)
    assert load_anomalies(engine, DAY) == {k: v for k, v in anomalies.items()
                                           if v.golden_minute or v.events
                                           or v.broadcast_golden_minutes}
    # another date is its own; a re-run replaces the date's rows instead of adding
    replace_minute_points(engine, DAY, points[:10])
    assert len(load_minute_points(engine, DAY)) == 10
    replace_anomalies(engine, DAY, {})
    assert load_anomalies(engine, DAY) == {}
    assert load_minute_points(engine, "2026-11-19") == []
