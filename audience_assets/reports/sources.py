"""Where a report's minute data comes from (no Dagster): the day's minute points and
their anomalies. Until the store keeps them in SQL, the archived minute deliveries are
read and analysed as the `audience_anomalies` asset does."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa

from audience_assets.analysis.anomalies import DayAnomalies, analyse_day
from audience_assets.analysis.config import AnalysisConfig, load_analysis_config
from audience_assets.ingestion.minutes import KIND, MinutePoint, parse_minutes_file
from audience_assets.ingestion.store import current_deliveries
from audience_assets.records import AudienceRecord


def load_day_minutes(engine: sa.Engine, date: str, records: Sequence[AudienceRecord],
                     config: AnalysisConfig | None = None
                     ) -> tuple[list[MinutePoint], dict[str, DayAnomalies]]:
    points = [p for d in current_deliveries(engine, date) if d.kind == KIND
              for p in parse_minutes_file(d.archived_path).points if p.broadcast_date == date]
    day = [r for r in records if r.broadcast_date == date]
    return points, analyse_minutes(points, day, config or load_analysis_config())


def analyse_minutes(points: Sequence[MinutePoint], records: Sequence[AudienceRecord],
                    config: AnalysisConfig) -> dict[str, DayAnomalies]:
    groups: dict[tuple[str, str], list[MinutePoint]] = defaultdict(list)
    for p in points:
        groups[(p.target, p.region)].append(p)
    return {f"{t}|{r}": analyse_day(pts, [x for x in records if (x.target, x.region) == (t, r)],
                                    config.anomalies)
            for (t, r), pts in sorted(groups.items())}
