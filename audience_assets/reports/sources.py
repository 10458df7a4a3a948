"""Where a report's minute data comes from (no Dagster): the day's minute points and
their anomalies as `minute_audience` and `audience_anomalies` stored them in SQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa

from audience_assets.analysis.anomalies import DayAnomalies, analyse_day
from audience_assets.analysis.config import AnalysisConfig
from audience_assets.analysis.store import load_anomalies, load_minute_points
from audience_assets.ingestion.minutes import MinutePoint
from audience_assets.records import AudienceRecord


def load_day_minutes(engine: sa.Engine, date: str
                     ) -> tuple[list[MinutePoint], dict[str, DayAnomalies]]:
    return load_minute_points(engine, date), load_anomalies(engine, date)


def analyse_minutes(points: Sequence[MinutePoint], records: Sequence[AudienceRecord],
                    config: AnalysisConfig) -> dict[str, DayAnomalies]:
    """The anomalies per "target|region" as the `audience_anomalies` asset finds them (for
    tests and benchmarks that build a store without running the asset)."""
    groups: dict[tuple[str, str], list[MinutePoint]] = defaultdict(list)
    for p in points:
        groups[(p.target, p.region)].append(p)
    return {f"{t}|{r}": analyse_day(pts, [x for x in records if (x.target, x.region) == (t, r)],
                                    config.anomalies)
            for (t, r), pts in sorted(groups.items())}
