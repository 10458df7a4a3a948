"""The analysis stage's SQL tables, written per date (idempotent re-runs) and read by the
later stages, the desk, the CLI and the reports through the typed loaders below:

- `minute_audience`: the day's minute-by-minute curves;
- `audience_anomalies`: golden minutes, peaks and drops, per target and region;
- `fact_sheets`: the day's fact sheets;
- `day_plans`, `plan_stories`, `post_plan`: that the day's plan was made (budgets), its
  stories and, per network, which are posted, in what rank and why.

Each `replace_*` swaps one date's rows in one transaction, so a reader never sees half a
day; each `load_*` returns exactly what was written (the round trip is tested).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from audience_assets.analysis.anomalies import BroadcastMinute, DayAnomalies
from audience_assets.analysis.plan import DayPlan, DroppedSheet, PlanEntry, Story
from audience_assets.ingestion.minutes import MinutePoint
from audience_assets.records import FactSheet
from audience_assets.sql.schema import (
    audience_anomalies,
    day_plans,
    fact_sheets,
    minute_audience,
    plan_stories,
    post_plan,
)

ALL_NETWORKS = ""  # post_plan.network of a sheet left out before making stories


def _replace(engine: sa.Engine, table: sa.Table, date: str,
             rows: Sequence[dict[str, Any]]) -> int:
    with engine.begin() as conn:
        conn.execute(table.delete().where(table.c.broadcast_date == date))
        if rows:
            conn.execute(table.insert(), list(rows))
    return len(rows)


# ---- fact sheets -----------------------------------------------------------------------


def replace_fact_sheets(engine: sa.Engine, date: str, sheets: Sequence[FactSheet]) -> int:
    return _replace(engine, fact_sheets, date, [{
        "broadcast_date": date, "sheet_key": s.key, "priority": s.priority,
        "event": s.event, "data": json.dumps(s.to_dict(), ensure_ascii=False),
    } for s in sheets])


def load_fact_sheets(engine: sa.Engine, date: str) -> list[FactSheet]:
    """The date's fact sheets in the order the rules ranked them."""
    query = (sa.select(fact_sheets.c.data).where(fact_sheets.c.broadcast_date == date)
             .order_by(fact_sheets.c.id))
    with engine.connect() as conn:
        return [FactSheet.from_dict(json.loads(row[0])) for row in conn.execute(query)]


# ---- minute curves ---------------------------------------------------------------------


def replace_minute_points(engine: sa.Engine, date: str, points: Iterable[MinutePoint]) -> int:
    return _replace(engine, minute_audience, date, [{
        "broadcast_date": date, "channel": p.channel, "minute": p.minute,
        "target": p.target, "region": p.region, "avg_audience": p.avg_audience,
        "share": p.share} for p in points if p.broadcast_date == date])


def load_minute_points(engine: sa.Engine, date: str) -> list[MinutePoint]:
    """The date's minute points, per target, region and channel in time order."""
    c = minute_audience.c
    query = (sa.select(minute_audience).where(c.broadcast_date == date)
             .order_by(c.target, c.region, c.channel, c.minute))
    with engine.connect() as conn:
        return [MinutePoint(broadcast_date=r.broadcast_date, channel=r.channel,
                            minute=r.minute, avg_audience=int(r.avg_audience),
                            share=float(r.share), target=r.target, region=r.region)
                for r in conn.execute(query)]


# ---- anomalies -------------------------------------------------------------------------

GROUP_SEPARATOR = "|"  # the anomalies' group key: "target|region"
_DAY_GOLDEN, _BROADCAST_GOLDEN, _EVENT = "day_golden_minute", "broadcast_golden_minute", "event"


def anomaly_group(target: str, region: str) -> str:
    return f"{target}{GROUP_SEPARATOR}{region}"


def replace_anomalies(engine: sa.Engine, date: str, days: dict[str, DayAnomalies]) -> int:
    rows = []
    for group, day in days.items():
        target, region = group.split(GROUP_SEPARATOR, 1)
        marks = [(_DAY_GOLDEN, day.golden_minute)] if day.golden_minute else []
        marks += [(_BROADCAST_GOLDEN, m) for m in day.broadcast_golden_minutes]
        marks += [(_EVENT, e) for e in day.events]
        rows += [{"broadcast_date": date, "target": target, "region": region, "role": role,
                  **mark.to_dict()} for role, mark in marks]
    return _replace(engine, audience_anomalies, date, rows)


def load_anomalies(engine: sa.Engine, date: str) -> dict[str, DayAnomalies]:
    """The date's anomalies keyed by "target|region", as `analyse_day` found them."""
    c = audience_anomalies.c
    fields = [f for f in BroadcastMinute.__dataclass_fields__ if f != "broadcast_date"]
    parts: dict[str, dict[str, list[BroadcastMinute]]] = defaultdict(lambda: defaultdict(list))
    with engine.connect() as conn:
        for row in conn.execute(sa.select(audience_anomalies).where(c.broadcast_date == date)
                                .order_by(c.id)):
            m = row._mapping
            mark = BroadcastMinute(broadcast_date=date, **{f: m[f] for f in fields})
            parts[anomaly_group(m["target"], m["region"])][m["role"]].append(mark)
    return {group: DayAnomalies(
        golden_minute=next(iter(roles[_DAY_GOLDEN]), None),
        broadcast_golden_minutes=roles[_BROADCAST_GOLDEN],
        events=roles[_EVENT]) for group, roles in parts.items()}


# ---- the day's plan ------------------------------------------------------------------


def replace_plan(engine: sa.Engine, date: str, plan: DayPlan) -> int:
    """Store the day's stories and each budgeted network's picks, replacing the date's
    earlier plan. Returns the stories stored."""
    stories = [{
        "broadcast_date": date, "story_key": s.key, "rank": i, "sheet_key": s.sheet.key,
        "news_value": s.score, "watchlist": s.watchlist, "lead_event": s.lead_event,
        "secondary_events": json.dumps(list(s.secondary_events), ensure_ascii=False),
        "merged_keys": json.dumps(list(s.merged_keys), ensure_ascii=False),
        "sheet": json.dumps(s.sheet.to_dict(), ensure_ascii=False),
    } for i, s in enumerate(plan.stories, 1)]
    entries = [{"broadcast_date": date, "network": e.network, "rank": e.rank,
                "story_key": e.story_key, "sheet_key": e.sheet_key, "news_value": e.news_value,
                "chosen": e.chosen, "reason": e.reason}
               for network in plan.budgets
               for e in plan.entries(network)]
    entries += [{"broadcast_date": date, "network": ALL_NETWORKS, "rank": None,
                 "story_key": d.story_key, "sheet_key": d.sheet_key, "news_value": 0.0,
                 "chosen": False, "reason": d.reason} for d in plan.dropped]
    with engine.begin() as conn:
        for table in (day_plans, plan_stories, post_plan):
            conn.execute(table.delete().where(table.c.broadcast_date == date))
        conn.execute(day_plans.insert().values(
            broadcast_date=date, budgets=json.dumps(dict(plan.budgets)),
            stories=len(stories), created_at=time.time()))
        if stories:
            conn.execute(plan_stories.insert(), stories)
        if entries:
            conn.execute(post_plan.insert(), entries)
    return len(stories)


def load_plan(engine: sa.Engine, date: str) -> DayPlan | None:
    """The date's plan as stored, or None when the plan stage has not run for it."""
    s, p = plan_stories.c, post_plan.c
    with engine.connect() as conn:
        header = conn.execute(sa.select(day_plans.c.budgets).where(
            day_plans.c.broadcast_date == date)).first()
        if header is None:
            return None
        story_rows = conn.execute(sa.select(plan_stories).where(s.broadcast_date == date)
                                  .order_by(s.rank)).all()
        entry_rows = conn.execute(sa.select(post_plan).where(p.broadcast_date == date)
                                  .order_by(p.network, p.rank, p.id)).all()
    stories = tuple(Story(
        sheet=FactSheet.from_dict(json.loads(r.sheet)), score=float(r.news_value),
        watchlist=bool(r.watchlist), lead_event=r.lead_event,
        secondary_events=tuple(json.loads(r.secondary_events)),
        merged_keys=tuple(json.loads(r.merged_keys))) for r in story_rows)
    chosen: dict[str, list[str]] = defaultdict(list)
    dropped = []
    for r in entry_rows:
        if r.network == ALL_NETWORKS:
            dropped.append(DroppedSheet(r.sheet_key, r.story_key, r.reason))
        elif r.chosen:
            chosen[r.network].append(r.sheet_key)
        else:
            chosen.setdefault(r.network, [])
    return DayPlan(date, stories, json.loads(header.budgets), tuple(dropped),
                   {n: tuple(keys) for n, keys in chosen.items()})


def plan_entries(engine: sa.Engine, date: str, network: str) -> list[PlanEntry]:
    """`network`'s plan for the date: the posted stories in rank order (1..n), then the
    others and the sheets left out, each with why; empty when no plan is stored."""
    p = post_plan.c
    query = (sa.select(post_plan).where(p.broadcast_date == date,
                                        p.network.in_([network, ALL_NETWORKS]))
             .order_by(p.chosen.desc(), p.rank, p.id))
    with engine.connect() as conn:
        return [PlanEntry(r.network, r.story_key, r.sheet_key, float(r.news_value),
                          bool(r.chosen), r.rank, r.reason) for r in conn.execute(query)]
