"""A real day for the desk: the sample week's deliveries up to a date, the same rule
code as `relevant_broadcasts`, a stored plan, and template drafts (no LLM) stored like
`post_drafts`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import sqlalchemy as sa

from audience_assets.analysis.config import load_analysis_config
from audience_assets.analysis.rules import select_fact_sheets
from audience_assets.analysis.store import replace_fact_sheets, replace_plan
from audience_assets.cli.select import golden_minutes, read_deliveries
from audience_assets.drafting.store import replace_drafts
from audience_assets.drafting.validation import validate
from audience_assets.drafting.writing import Draft, TemplateWriter, draft_post
from audience_assets.indexing.history import SqlHistory
from audience_assets.ingestion.minutes import MinutePoint
from audience_assets.ingestion.store import replace_dates
from audience_assets.records import AudienceRecord, FactSheet
from audience_assets_tests.drafting.plans import plan_of

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
DAY = "2026-11-18"


@cache
def _deliveries(date: str) -> tuple[list[AudienceRecord], list[MinutePoint]]:
    paths = sorted(str(p) for p in SAMPLES.iterdir() if p.name.split("_")[1][:10] <= date)
    return read_deliveries(paths)


def seed_day(engine: sa.Engine, date: str = DAY, networks: tuple[str, ...] = ("x",),
             limit: int | None = None) -> list[FactSheet]:
    """Store the date's records, fact sheets and template drafts; returns the sheets."""
    records, minutes = _deliveries(date)
    replace_dates(engine, sorted({r.broadcast_date for r in records}), records)
    day = [r for r in records if r.broadcast_date == date]
    config = load_analysis_config()
    sheets = select_fact_sheets(day, SqlHistory(engine), config,
                                golden_minutes(day, minutes, config))[:limit]
    replace_fact_sheets(engine, date, sheets)
    # the desk's order is the stored plan's: here one story per sheet, in their order
    replace_plan(engine, date, plan_of(sheets, date=date))
    # one call for every network: a re-run of one network must not touch the others
    replace_drafts(engine, date, [d for n in networks for d in template_drafts(sheets, n)])
    return sheets


def template_drafts(sheets: list[FactSheet], network: str) -> list[Draft]:
    writer = TemplateWriter()
    return [draft_post(s, writer, validate, network=network, max_attempts=1, fallback=None)
            for s in sheets]


def minutes_of(date: str = DAY) -> list[MinutePoint]:
    return [p for p in _deliveries(date)[1] if p.broadcast_date == date]
