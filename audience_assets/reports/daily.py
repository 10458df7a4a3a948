"""What the daily report says, computed once for the workbook and the HTML page (no Dagster).

    build_report(date, records, sheets, points, anomalies) -> DailyReport
    gather_report(engine, date) -> DailyReport    (what the pipeline stored in SQL)

Rankings follow the client: by unique viewers. The national universe and the
default target give the overall and per-channel tables; every (target, region)
gets its own leader.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from audience_assets.analysis.anomalies import BroadcastMinute, DayAnomalies, analyse_day
from audience_assets.analysis.config import AnalysisConfig
from audience_assets.analysis.store import load_anomalies, load_fact_sheets, load_minute_points
from audience_assets.ingestion.minutes import MinutePoint, tv_clock
from audience_assets.ingestion.store import load_records
from audience_assets.records import DEFAULT_TARGET, NATIONAL_REGION, AudienceRecord, FactSheet

TOP_OVERALL = 10


@dataclass(frozen=True)
class BroadcastRow:
    title: str
    channel: str
    start: str  # TV-day clock, e.g. 25:10 after midnight
    genre: str
    unique_viewers: int
    avg_audience: int
    share: float
    target: str = DEFAULT_TARGET
    region: str = NATIONAL_REGION

    @classmethod
    def of(cls, r: AudienceRecord) -> BroadcastRow:
        return cls(r.title, r.channel, tv_clock(r.start, r.broadcast_date), r.genre,
                   r.unique_viewers, r.avg_audience, r.share, r.target, r.region)


@dataclass(frozen=True)
class ChannelShare:
    channel: str
    share: float  # the channel's broadcasts' shares weighted by their minutes
    minutes: int


@dataclass(frozen=True)
class MinuteMark:
    kind: str  # golden_minute | peak | drop
    clock: str
    title: str
    avg_audience: int
    share: float
    relative: float

    @classmethod
    def of(cls, m: BroadcastMinute) -> MinuteMark:
        return cls(m.kind, tv_clock(m.minute, m.broadcast_date), m.title, m.avg_audience,
                   m.share, m.relative)


@dataclass
class ChannelMinutes:
    channel: str
    curve: list[tuple[str, int, float]]  # (TV clock, average audience, share)
    golden: MinuteMark | None
    marks: list[MinuteMark] = field(default_factory=list)


@dataclass
class DailyReport:
    date: str
    top_overall: list[BroadcastRow]
    per_channel: list[BroadcastRow]
    per_target_region: list[BroadcastRow]
    channel_shares: list[ChannelShare]
    notable: list[FactSheet]
    minutes: list[ChannelMinutes]
    records: int

    def summary_rows(self) -> list[dict[str, Any]]:
        """The top table as plain dicts (asset metadata preview)."""
        return [{"programa": r.title, "cadena": r.channel, "inicio": r.start,
                 "espectadores únicos": r.unique_viewers, "audiencia media": r.avg_audience,
                 "cuota": r.share} for r in self.top_overall]


def _rank(records: Sequence[AudienceRecord]) -> list[AudienceRecord]:
    return sorted(records, key=lambda r: (-r.unique_viewers, -r.avg_audience, r.channel,
                                          r.start))


def _minutes(r: AudienceRecord) -> int:
    span = dt.datetime.fromisoformat(r.end) - dt.datetime.fromisoformat(r.start)
    return max(1, int(span.total_seconds() // 60))


def build_report(date: str, records: Sequence[AudienceRecord], sheets: Sequence[FactSheet],
                 points: Sequence[MinutePoint], anomalies: dict[str, DayAnomalies]
                 ) -> DailyReport:
    day = [r for r in records if r.broadcast_date == date]
    national = [r for r in day if (r.target, r.region) == (DEFAULT_TARGET, NATIONAL_REGION)]
    by_channel: dict[str, list[AudienceRecord]] = defaultdict(list)
    for r in national:
        by_channel[r.channel].append(r)
    groups: dict[tuple[str, str], list[AudienceRecord]] = defaultdict(list)
    for r in day:
        groups[(r.target, r.region)].append(r)
    shares = []
    for channel, rows in sorted(by_channel.items()):
        minutes = sum(_minutes(r) for r in rows)
        weighted = sum(r.share * _minutes(r) for r in rows) / minutes
        shares.append(ChannelShare(channel, round(weighted, 1), minutes))
    shares.sort(key=lambda s: (-s.share, s.channel))
    return DailyReport(
        date=date,
        top_overall=[BroadcastRow.of(r) for r in _rank(national)[:TOP_OVERALL]],
        per_channel=sorted((BroadcastRow.of(_rank(rows)[0]) for rows in by_channel.values()),
                           key=lambda b: -b.unique_viewers),
        per_target_region=[BroadcastRow.of(_rank(rows)[0]) for _, rows in sorted(
            groups.items(), key=lambda kv: (kv[0] != (DEFAULT_TARGET, NATIONAL_REGION),
                                            kv[0]))],
        channel_shares=shares,
        notable=[s for s in sheets if s.event],
        minutes=_channel_minutes(date, points, anomalies),
        records=len(day),
    )


def _channel_minutes(date: str, points: Sequence[MinutePoint],
                     anomalies: dict[str, DayAnomalies]) -> list[ChannelMinutes]:
    """The national, default-target curve of each channel with its marks."""
    national = [p for p in points if p.broadcast_date == date
                and (p.target, p.region) == (DEFAULT_TARGET, NATIONAL_REGION)]
    by_channel: dict[str, list[MinutePoint]] = defaultdict(list)
    for p in national:
        by_channel[p.channel].append(p)
    day = anomalies.get(f"{DEFAULT_TARGET}|{NATIONAL_REGION}")
    out = []
    for channel, series in sorted(by_channel.items()):
        series.sort(key=lambda p: p.minute)
        best = min(series, key=lambda p: (-p.avg_audience, p.minute))
        golden = None
        if day is not None:
            golden = next((MinuteMark.of(g) for g in day.broadcast_golden_minutes
                           if g.channel == channel and g.minute == best.minute), None)
        if golden is None:
            golden = MinuteMark("golden_minute", tv_clock(best.minute, date), "",
                                best.avg_audience, best.share, 0.0)
        marks = [MinuteMark.of(e) for e in (day.events if day else []) if e.channel == channel]
        out.append(ChannelMinutes(
            channel, [(tv_clock(p.minute, date), p.avg_audience, p.share) for p in series],
            golden, sorted(marks, key=lambda m: m.clock)))
    return out


def gather_report(engine: sa.Engine, date: str) -> DailyReport:
    """The report from exactly what the pipeline stored in SQL: records, fact sheets,
    minute curves and their anomalies."""
    return build_report(date, load_records(engine, date), load_fact_sheets(engine, date),
                        load_minute_points(engine, date), load_anomalies(engine, date))


def analyse_minutes(points: Sequence[MinutePoint], records: Sequence[AudienceRecord],
                    config: AnalysisConfig) -> dict[str, DayAnomalies]:
    groups: dict[tuple[str, str], list[MinutePoint]] = defaultdict(list)
    for p in points:
        groups[(p.target, p.region)].append(p)
    return {f"{t}|{r}": analyse_day(pts, [x for x in records if (x.target, x.region) == (t, r)],
                                    config.anomalies)
            for (t, r), pts in sorted(groups.items())}
