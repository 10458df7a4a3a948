"""What one client's daily report says, computed once for the workbook, the HTML page and
the PDF (no Dagster, plain lists in, a DailyReport out).

    build_report(date, profile, names, records, sheets, points, anomalies) -> DailyReport
    gather_report(engine, date, profile, config) -> DailyReport   (the CLI: from SQL)

The report's parts are in parts.py, its minute curves in curves.py.

`records` may hold earlier dates too: the comparisons (day before, same weekday last
week, mean of the profile's `history_days`) are computed from them. Rankings follow the
client: by unique viewers, filler and continuity slots left out by the profile's rules.
Shares count every broadcast (a channel's day is all of it). Every figure keeps the raw
title and channel code it came from, so tests trace it back to SQL.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa

from audience_assets.analysis.anomalies import DayAnomalies
from audience_assets.analysis.evidence import evidence_lines
from audience_assets.analysis.store import load_fact_sheets
from audience_assets.ingestion.minutes import MinutePoint, tv_clock
from audience_assets.ingestion.store import load_records
from audience_assets.records import DEFAULT_TARGET, NATIONAL_REGION, AudienceRecord, FactSheet

from .curves import channel_minutes
from .names import Names
from .parts import (
    BroadcastRow,
    ChannelShare,
    Comparison,
    DailyReport,
    Excluded,
    Figure,
    GroupShare,
    Headline,
    Notable,
)
from .profiles import Profile
from .sources import load_day_minutes

WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
          "septiembre", "octubre", "noviembre", "diciembre")


def long_date(date: str) -> str:
    """'2026-11-16' -> 'lunes 16 de noviembre de 2026'."""
    d = dt.date.fromisoformat(date)
    return f"{WEEKDAYS[d.weekday()]} {d.day} de {MONTHS[d.month - 1]} de {d.year}"


def short_date(date: str) -> str:
    d = dt.date.fromisoformat(date)
    return f"{WEEKDAYS[d.weekday()]} {d.day} de {MONTHS[d.month - 1]}"


def shift(date: str, days: int) -> str:
    return (dt.date.fromisoformat(date) + dt.timedelta(days=days)).isoformat()


def duration_minutes(r: AudienceRecord) -> int:
    span = dt.datetime.fromisoformat(r.end) - dt.datetime.fromisoformat(r.start)
    return max(1, int(span.total_seconds() // 60))


# ---- figures --------------------------------------------------------------------------

def _rank(records: Sequence[AudienceRecord]) -> list[AudienceRecord]:
    return sorted(records, key=lambda r: (-r.unique_viewers, -r.avg_audience, r.channel,
                                          r.start))


def _national(records: Sequence[AudienceRecord], date: str) -> list[AudienceRecord]:
    return [r for r in records if r.broadcast_date == date
            and (r.target, r.region) == (DEFAULT_TARGET, NATIONAL_REGION)]


def day_figures(records: Sequence[AudienceRecord]) -> dict[str, tuple[float, int, int]]:
    """channel -> (share, average audience, minutes), both weighted by broadcast minutes."""
    by_channel: dict[str, list[AudienceRecord]] = defaultdict(list)
    for r in records:
        by_channel[r.channel].append(r)
    out = {}
    for channel, rows in by_channel.items():
        minutes = sum(duration_minutes(r) for r in rows)
        share = sum(r.share * duration_minutes(r) for r in rows) / minutes
        audience = sum(r.avg_audience * duration_minutes(r) for r in rows) / minutes
        out[channel] = (round(share, 1), round(audience), minutes)
    return out


def _compare(value: float, label: str, reference: str, other: float | None) -> Comparison:
    if other is None:
        return Comparison(label, reference, None, None, None)
    change = (value - other) / other * 100 if other else None
    return Comparison(label, reference, other,
                      round(change, 1) if change is not None else None,
                      round(value - other, 1))


def _figure(value: float, date: str, history: dict[str, float | None], days: int) -> Figure:
    """The value against the day before, the same weekday last week and the mean of the
    `days` before (each said missing when there is nothing to compare with)."""
    before, week = shift(date, -1), shift(date, -7)
    window = [history.get(shift(date, -i)) for i in range(1, days + 1)]
    present = [v for v in window if v is not None]
    mean = statistics.fmean(present) if present else None
    return Figure(value, (
        _compare(value, "Día anterior", short_date(before), history.get(before)),
        _compare(value, "Mismo día semana pasada", short_date(week), history.get(week)),
        _compare(value, f"Media {days} días",
                 f"{len(present)} de {days} días con datos", mean),
    ))


# ---- the report ----------------------------------------------------------------------

def build_report(date: str, profile: Profile, names: Names,
                 records: Sequence[AudienceRecord], sheets: Sequence[FactSheet],
                 points: Sequence[MinutePoint], anomalies: dict[str, DayAnomalies]
                 ) -> DailyReport:
    day = [r for r in records if r.broadcast_date == date]
    national = _national(records, date)
    notices: list[str] = []

    def row(r: AudienceRecord) -> BroadcastRow:
        return BroadcastRow(names.programme(r.title, r.description, r.genre),
                            names.channel(r.channel), r.title,
                            r.channel, tv_clock(r.start, r.broadcast_date), r.genre,
                            r.unique_viewers, r.avg_audience, r.share, r.target, r.region,
                            profile.is_client(r.channel))

    def filler(r: AudienceRecord) -> str:
        return profile.filler.excludes(r.title, r.genre, duration_minutes(r))

    ranked = [r for r in national if not filler(r)]
    left_out: dict[tuple[str, str, str], int] = defaultdict(int)
    for r in _rank(national):
        if filler(r):
            left_out[(names.programme(r.title, r.description, r.genre),
                      names.channel(r.channel), filler(r))] += 1
    excluded = [Excluded(*k, n) for k, n in left_out.items()]

    # channels: the client's first (in the profile's order), then by day share
    figures = day_figures(national)
    order = _channel_order(profile, figures)
    shares = [ChannelShare(names.channel(c), c, figures[c][0], figures[c][2], figures[c][1],
                           profile.group_of(c), profile.is_client(c))
              for c in order]
    for c in profile.channels:
        if c not in figures:
            notices.append(f"{names.channel(c)}: sin datos en las entregas del día.")

    by_channel: dict[str, list[AudienceRecord]] = defaultdict(list)
    for r in ranked:
        by_channel[r.channel].append(r)
    per_channel = [row(_rank(by_channel[c])[0]) for c in order if by_channel.get(c)]

    groups = _groups(profile, names, figures)
    headline = _headline(date, profile, names, records, figures, order, groups)

    per_group: dict[tuple[str, str], list[AudienceRecord]] = defaultdict(list)
    for r in day:
        if r.target in profile.targets and r.region in profile.regions and not filler(r):
            per_group[(r.target, r.region)].append(r)
    per_target_region = []
    for _, rows in sorted(per_group.items(), key=lambda kv: (
            profile.targets.index(kv[0][0]), profile.regions.index(kv[0][1]))):
        ranked_rows = _rank(rows)
        per_target_region.append(row(ranked_rows[0]))
        # a client reads its own best beside the leader it did not beat
        own = next((r for r in ranked_rows if profile.is_client(r.channel)), None)
        if own is not None and own is not ranked_rows[0]:
            per_target_region.append(row(own))
    notices.extend(_missing_deliveries(date, profile, records))
    minutes = channel_minutes(date, profile, names, points, anomalies, order)
    if not any(p.broadcast_date == date for p in points):
        notices.append("Falta la entrega minuto a minuto del día: el informe no trae curvas.")
    for m in minutes:
        for g in m.gaps:
            how = "sin datos" if g.missing else "a cero en el fichero"
            notices.append(f"{m.name}: {g.minutes} minutos {how} de {g.start} a {g.end} "
                           f"(hueco de datos, no una caída).")
    if not national:
        notices.insert(0, f"No hay datos de {DEFAULT_TARGET}, {NATIONAL_REGION} para el "
                          f"{long_date(date)}.")
    return DailyReport(
        date=date, profile=profile, long_date=long_date(date), headline=headline,
        groups=groups,
        top_overall=[row(r) for r in _rank(ranked)[:profile.top]],
        per_channel=per_channel, per_target_region=per_target_region,
        channel_shares=shares,
        notable=_notable(profile, names, sheets, day),
        minutes=minutes, records=len(day), ranked=len(ranked),
        ranked_channels=len({r.channel for r in ranked}), excluded=excluded,
        notices=notices)


def _channel_order(profile: Profile, figures: dict[str, tuple[float, int, int]]) -> list[str]:
    client = [c for c in figures if profile.is_client(c)]
    client.sort(key=lambda c: [x.casefold() for x in profile.channels].index(c.casefold())
                if c.casefold() in [x.casefold() for x in profile.channels] else 99)
    rest = sorted((c for c in figures if not profile.is_client(c)),
                  key=lambda c: (-figures[c][0], c))
    return client + rest


def _groups(profile: Profile, names: Names, figures: dict[str, tuple[float, int, int]]
            ) -> list[GroupShare]:
    if not profile.competitors:
        return []
    groups = [GroupShare(profile.client, round(sum(figures[c][0] for c in figures
                                                   if profile.is_client(c)), 1),
                         tuple(c for c in figures if profile.is_client(c)), True)]
    for group in profile.competitors:
        members = tuple(c for c in figures if profile.group_of(c) == group)
        groups.append(GroupShare(group, round(sum(figures[c][0] for c in members), 1),
                                 members))
    others = tuple(c for c in figures if not profile.is_client(c) and not profile.group_of(c))
    if others:
        groups.append(GroupShare("Otras cadenas", round(sum(figures[c][0] for c in others), 1),
                                 others))
    return groups


def _headline(date: str, profile: Profile, names: Names, records: Sequence[AudienceRecord],
              figures: dict[str, tuple[float, int, int]], order: list[str],
              groups: list[GroupShare]) -> list[Headline]:
    dates = {shift(date, -i) for i in range(1, profile.history_days + 1)}
    history: dict[str, dict[str, tuple[float, int, int]]] = {}
    for d in sorted(dates):
        rows = _national(records, d)
        if rows:
            history[d] = day_figures(rows)

    def member(g: GroupShare, c: str) -> bool:
        if g.client:
            return profile.is_client(c)
        if g.name in profile.competitors:
            return profile.group_of(c) == g.name
        return not profile.is_client(c) and not profile.group_of(c)

    def group_series(g: GroupShare, i: int) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for d, f in history.items():
            members = [c for c in f if member(g, c)]
            out[d] = round(float(sum(f[c][i] for c in members)), 1) if members else None
        return out

    def channel_series(c: str, i: int) -> dict[str, float | None]:
        return {d: float(f[c][i]) if c in f else None for d, f in history.items()}

    days = profile.history_days
    out = [Headline(g.name, g.name, "group", _figure(g.share, date, group_series(g, 0), days),
                    _figure(float(sum(figures[c][1] for c in g.channels)), date,
                            group_series(g, 1), days), g.client)
           for g in groups]
    for c in order:
        share, audience, _ = figures[c]
        out.append(Headline(names.channel(c), c, "channel",
                            _figure(share, date, channel_series(c, 0), days),
                            _figure(float(audience), date, channel_series(c, 1), days),
                            profile.is_client(c)))
    return out


def _missing_deliveries(date: str, profile: Profile, records: Sequence[AudienceRecord]
                        ) -> list[str]:
    """(target, region) pairs the profile reads that earlier days delivered and this day
    did not: said in the report instead of silently ranking without them."""
    wanted = {(t, r) for t in profile.targets for r in profile.regions}
    seen_before = {(r.target, r.region) for r in records if r.broadcast_date < date}
    today = {(r.target, r.region) for r in records if r.broadcast_date == date}
    missing = sorted((wanted & seen_before) - today)
    lines = [f"Falta la entrega de {t}, {r}: sus datos no están en este informe."
             for t, r in missing]
    # a target or region no delivery has ever brought: a typo in the profile, or a
    # delivery the client has not started; said rather than left out silently
    delivered = seen_before | today
    for kind, names, index in (("el público", profile.targets, 0),
                               ("la región", profile.regions, 1)):
        for name in names:
            if not any(pair[index] == name for pair in delivered):
                lines.append(f"El perfil pide {kind} «{name}», que ninguna entrega trae.")
    return lines


def _notable(profile: Profile, names: Names, sheets: Sequence[FactSheet],
             day: Sequence[AudienceRecord]) -> list[Notable]:
    """The fact sheets with an event, in the profile's targets and regions, the client's
    first; titles as the client names them (a handle goes back to the delivered title)."""
    titles = {(r.channel, r.start, r.target, r.region): r.title for r in day}
    out = []
    for s in sheets:
        if not s.event or s.target not in profile.targets or s.region not in profile.regions:
            continue
        code = s.channel_code or s.channel
        title = s.source_title or titles.get((code, s.start, s.target, s.region), s.title)
        out.append(Notable(
            names.programme(title, s.description, s.genre), names.channel(code), s.event,
            s.target, s.region,
            s.unique_viewers, s.avg_audience, s.share,
            tuple(evidence_lines(s.evidence, programme=names.programme,
                                 channel=names.channel)),
            s.title, profile.is_client(code)))
    out.sort(key=lambda n: not n.client)
    return out


# ---- from the SQL store ---------------------------------------------------------------

def gather_report(engine: sa.Engine, date: str, profile: Profile, names: Names
                  ) -> DailyReport:
    """The report from exactly what the pipeline stored in SQL: records (the day and its
    history), fact sheets, minute curves and their anomalies."""
    records = load_records(engine, shift(date, -profile.history_days), date)
    points, anomalies = load_day_minutes(engine, date)
    return build_report(date, profile, names, records, load_fact_sheets(engine, date),
                        points, anomalies)
