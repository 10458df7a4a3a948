"""The report's minute-by-minute curves: the national, default-target curve of each client
channel with its golden minute, peaks and drops, its data gaps (runs of zero or missing
minutes, never shown as drops) and the competitors' curves (no Dagster, no SQL).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from audience_assets.analysis.anomalies import BroadcastMinute, DayAnomalies
from audience_assets.ingestion.minutes import (
    TV_DAY_FIRST_MINUTE,
    TV_DAY_MINUTES,
    MinutePoint,
    tv_clock,
)
from audience_assets.records import DEFAULT_TARGET, NATIONAL_REGION

from .names import Names
from .parts import ChannelMinutes, Gap, MinuteMark
from .profiles import Profile


def tv_day_minutes(date: str) -> list[str]:
    """The TV day's minutes as the files write them (ISO, 02:30 to 26:29)."""
    first = dt.datetime.fromisoformat(date) + dt.timedelta(minutes=TV_DAY_FIRST_MINUTE)
    return [(first + dt.timedelta(minutes=i)).isoformat() for i in range(TV_DAY_MINUTES)]


def find_gaps(date: str, series: dict[str, MinutePoint], min_minutes: int) -> list[Gap]:
    """Runs of at least `min_minutes` minutes that are missing or delivered as 0."""
    gaps: list[Gap] = []
    run: list[tuple[str, bool]] = []
    for minute in [*tv_day_minutes(date), ""]:
        p = series.get(minute) if minute else None
        hole = bool(minute) and (p is None or p.avg_audience == 0)
        if hole:
            run.append((minute, p is None))
            continue
        if len(run) >= min_minutes:
            gaps.append(Gap(tv_clock(run[0][0], date), tv_clock(run[-1][0], date), len(run),
                            all(missing for _, missing in run)))
        run = []
    return gaps


def _mark(m: BroadcastMinute, names: Names) -> MinuteMark:
    return MinuteMark(m.kind, tv_clock(m.minute, m.broadcast_date), names.programme(m.title),
                      m.avg_audience, m.share, m.relative)


def _in_gap(clock: str, gaps: Sequence[Gap], margin: int = 2) -> bool:
    def minutes(c: str) -> int:
        h, m = c.split(":")
        return int(h) * 60 + int(m)

    t = minutes(clock)
    return any(minutes(g.start) - margin <= t <= minutes(g.end) + margin for g in gaps)


def channel_minutes(date: str, profile: Profile, names: Names,
                     points: Sequence[MinutePoint], anomalies: dict[str, DayAnomalies],
                     order: list[str]) -> list[ChannelMinutes]:
    """The national, default-target curve of each client channel (every channel for a
    market profile) with its marks, its gaps and the competitors' curves."""
    by_channel: dict[str, dict[str, MinutePoint]] = defaultdict(dict)
    for p in points:
        if p.broadcast_date == date and (p.target, p.region) == (DEFAULT_TARGET,
                                                                 NATIONAL_REGION):
            by_channel[p.channel][p.minute] = p
    day = anomalies.get(f"{DEFAULT_TARGET}|{NATIONAL_REGION}")
    clock = tv_day_minutes(date)
    channels = sorted(by_channel, key=lambda c: (order.index(c) if c in order else 99, c))
    shown = [c for c in channels if profile.is_client(c)] if profile.channels else channels
    gaps_of = {c: find_gaps(date, by_channel[c], profile.gaps.min_minutes) for c in channels}

    def values(c: str) -> list[int | None]:
        series, gaps = by_channel[c], gaps_of[c]
        return [None if (p := series.get(m)) is None or _in_gap(tv_clock(m, date), gaps, 0)
                else p.avg_audience for m in clock]

    out = []
    for c in shown:
        series, gaps = by_channel[c], gaps_of[c]
        curve_values = values(c)
        curve = [(tv_clock(m, date), v, series[m].share if v is not None else None)
                 for m, v in zip(clock, curve_values, strict=True)]
        measured = [series[m] for m, v in zip(clock, curve_values, strict=True)
                    if v is not None]
        golden = None
        if measured:
            best = min(measured, key=lambda p: (-p.avg_audience, p.minute))
            found = next((g for g in (day.broadcast_golden_minutes if day else [])
                          if g.channel == c and g.minute == best.minute), None)
            golden = _mark(found, names) if found else MinuteMark(
                "golden_minute", tv_clock(best.minute, date), "", best.avg_audience,
                best.share, 0.0)
        events = [e for e in (day.events if day else []) if e.channel == c]
        kept = [e for e in events
                if not _in_gap(tv_clock(e.minute, e.broadcast_date), gaps)]
        rivals = [] if not profile.channels else [
            (names.channel(r), values(r)) for r in channels if not profile.is_client(r)]
        out.append(ChannelMinutes(
            names.channel(c), c, curve, golden,
            sorted((_mark(e, names) for e in kept), key=lambda m: m.clock), gaps,
            len(events) - len(kept), rivals, profile.is_client(c)))
    return out
