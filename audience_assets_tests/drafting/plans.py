"""A day plan made straight from fact sheets, in the given order, stored in SQL like the
post_plan asset stores it, for tests that drive post_drafts without the analysis stage."""

from __future__ import annotations

from collections.abc import Sequence

from audience_assets.analysis.plan import DayPlan, Story
from audience_assets.analysis.store import replace_plan
from audience_assets.drafting.validation.config import NETWORKS
from audience_assets.records import FactSheet
from audience_assets.resources.database import DatabaseResource


def plan_of(sheets: Sequence[FactSheet], budgets: dict[str, int] | None = None,
            date: str = "") -> DayPlan:
    """One story per sheet in the given order; every network posts them all unless
    `budgets` says otherwise."""
    stories = tuple(Story(s, float(-i), False, s.event) for i, s in enumerate(sheets))
    return DayPlan(date, stories, budgets or {n: len(stories) for n in NETWORKS})


def store_plan(database: DatabaseResource, date: str, sheets: Sequence[FactSheet],
               budgets: dict[str, int] | None = None) -> DayPlan:
    """The plan of `sheets` stored as `date`'s (what post_drafts reads)."""
    plan = plan_of(sheets, budgets, date)
    replace_plan(database.engine(), date, plan)
    return plan
