"""A day plan made straight from fact sheets, in the given order, for tests that drive
post_drafts without the analysis stage."""

from __future__ import annotations

from collections.abc import Sequence

from audience_assets.analysis.plan import DayPlan, Story
from audience_assets.records import FactSheet


def plan_of(sheets: Sequence[FactSheet], budgets: dict[str, int] | None = None) -> DayPlan:
    return DayPlan("", tuple(Story(s, float(-i), False, s.event) for i, s in enumerate(sheets)),
                   budgets or {})
