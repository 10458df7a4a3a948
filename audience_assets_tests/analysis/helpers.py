"""Builders for hand-computed analysis cases: records, stores, configurations."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from audience_assets.analysis.config import AnalysisConfig
from audience_assets.indexing.history import SqlHistory
from audience_assets.ingestion.store import replace_dates
from audience_assets.records import DEFAULT_TARGET, NATIONAL_REGION, AudienceRecord
from audience_assets.sql.engine import make_engine

YOUTH = "Jóvenes 13-24"
ANDALUCIA = "Andalucía"


def rec(date: str, channel: str, title: str, start: str = "22:00", minutes: int = 60, *,
        share: float = 10.0, am: int = 1_000_000, uv: int = 2_000_000,
        target: str = DEFAULT_TARGET, region: str = NATIONAL_REGION,
        genre: str = "ENTRETENIMIENTO") -> AudienceRecord:
    """A record of TV day `date` starting at TV-day clock `start` (may pass 24:00)."""
    h, m = (int(x) for x in start.split(":"))
    begin = dt.datetime.fromisoformat(date) + dt.timedelta(hours=h, minutes=m)
    end = begin + dt.timedelta(minutes=minutes)
    return AudienceRecord(date, channel, title, "", begin.isoformat(), end.isoformat(), genre,
                          share, am, uv, target, region)


def history_of(records: Iterable[AudienceRecord]) -> tuple[SqlHistory, sa.Engine]:
    """A SQL history holding `records`, stored one date at a time as the daily asset does."""
    engine = make_engine("sqlite://")
    by_date: dict[str, list[AudienceRecord]] = {}
    for record in records:
        by_date.setdefault(record.broadcast_date, []).append(record)
    for date, day in sorted(by_date.items()):
        replace_dates(engine, [date], day)
    return SqlHistory(engine), engine


BASE: dict[str, Any] = {
    "version": 1,
    "rank_metric": "unique_viewers",
    "prime_time": {"start": "20:30", "end": "24:00"},
    "season_start": "09-01",
    "channels": {"A3": {"handle": "@antena3com"}, "T5": {"handle": "@telecincoes"},
                 "La1": {"handle": "@La1_tve"}, "La2": {"handle": "@La2_tve"}},
    "programmes": {"LA RULETA DE LA SUERTE": {"handle": "@laruletasuerte",
                                              "hashtag": "#LaRuletaDeLaSuerte"}},
    "watchlist": ["BASURA O TESORO"],
    "targets": {DEFAULT_TARGET: "", YOUTH: " por jóvenes"},
    "regions": {NATIONAL_REGION: "", ANDALUCIA: " en Andalucía"},
    "rules": {
        "historical_record_unique_viewers": {
            "event": "Máximo histórico de espectadores únicos del programa{target}{region}",
            "min_duration_minutes": 10},
        "season_best_unique_viewers": {
            "event": "Máximo de la temporada de espectadores únicos del programa{target}"
                     "{region}"},
        "day_top": {"event": "Lo más visto del día{target}{region}"},
        "above_channel_day_average": {"event": "Muy por encima de la media diaria",
                                      "min_ratio": 1.5, "min_duration_minutes": 30},
        "big_sports": {"event": "", "min_avg_audience": 1_500_000},
        "watchlist": {"event": ""},
    },
    "priority": ["historical_record_unique_viewers", "day_top", "season_best_unique_viewers",
                 "above_channel_day_average", "big_sports", "watchlist"],
}


def config(**changes: Any) -> AnalysisConfig:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return AnalysisConfig.model_validate(data)
