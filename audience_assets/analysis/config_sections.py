"""Sections of the client's analysis.yaml, each validated on load: the options of every
relevance rule (and which rule ids exist), anomaly detection, how events name an
audience, and the day's post plan. `analysis.config` assembles them into AnalysisConfig
and reads the file."""

from __future__ import annotations

import re
import string
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from audience_assets.indexing.history import METRICS, Metric

# Placeholders an event phrase may use.
EVENT_FIELDS = frozenset({"target", "region", "time", "channel"})


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule(StrictModel):
    """Options every rule has: its event phrase ("" = no event) and on/off."""

    enabled: bool = True
    event: str = ""
    # Where the rule applies; empty: every configured target / region.
    targets: list[str] = []
    regions: list[str] = []

    @field_validator("event")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            raise ValueError(f"bad placeholder in {value!r}: {exc}") from None
        unknown = names - EVENT_FIELDS
        if unknown:
            raise ValueError(
                f"unknown placeholder {{{sorted(unknown)[0]}}} in {value!r} "
                f"(allowed: {', '.join('{' + n + '}' for n in sorted(EVENT_FIELDS))})"
            )
        return value


class RecordRule(Rule):
    min_duration_minutes: Annotated[int, Field(ge=0)] = 10
    # A programme in its first days beats its own short history every day: no claim of a
    # record until it has been on air this many days.
    min_history_days: Annotated[int, Field(ge=0)] = 0


class DayTopRule(Rule):
    pass


class PrimeTimeRule(Rule):
    metric: Metric = "share"
    min_duration_minutes: Annotated[int, Field(ge=0)] = 30


class NewscastRule(Rule):
    genres: list[str] = ["INFORMACIÓN"]
    title_pattern: str = "(?i)telediario|noticias|informativo"

    @field_validator("title_pattern")
    @classmethod
    def _regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"{value!r} is not a regular expression: {exc}") from None
        return value


class TargetLeaderRule(Rule):
    min_duration_minutes: Annotated[int, Field(ge=0)] = 30
    prime_time_only: bool = True


class ChannelTopRule(Rule):
    channels: list[str] = []  # empty: every channel


class SportsRule(Rule):
    genres: list[str] = ["DEPORTES"]
    min_avg_audience: Annotated[int, Field(ge=0)] = 1_500_000


class AboveAverageRule(Rule):
    min_ratio: Annotated[float, Field(gt=1.0)] = 1.5
    min_duration_minutes: Annotated[int, Field(ge=0)] = 30
    days: Annotated[int, Field(ge=1, le=366)] = 30


class GoldenMinuteRule(Rule):
    pass


# Rule id -> the options model of that rule. The ids are what fact sheets list in `rules`.
RULE_MODELS: dict[str, type[Rule]] = {
    **{f"historical_record_{m}": RecordRule for m in METRICS},
    **{f"season_best_{m}": RecordRule for m in METRICS},
    **{f"year_best_{m}": RecordRule for m in METRICS},
    "day_top": DayTopRule,
    "prime_time_leader": PrimeTimeRule,
    "top_newscast": NewscastRule,
    "target_leader": TargetLeaderRule,
    "channel_top": ChannelTopRule,
    "big_sports": SportsRule,
    "above_channel_day_average": AboveAverageRule,
    "above_channel_month_average": AboveAverageRule,
    "watchlist": Rule,
    "golden_minute": GoldenMinuteRule,
}


class AnomalySettings(StrictModel):
    window_minutes: Annotated[int, Field(ge=5, le=121)] = 21
    z_threshold: Annotated[float, Field(gt=0)] = 4.0
    min_relative: Annotated[float, Field(ge=0, lt=1)] = 0.12
    edge_guard_minutes: Annotated[int, Field(ge=0)] = 4
    min_broadcast_minutes: Annotated[int, Field(ge=1)] = 20

    @field_validator("window_minutes")
    @classmethod
    def _odd(cls, value: int) -> int:
        if value % 2 == 0:
            raise ValueError(f"must be odd so the median is centred, got {value}")
        return value


class AudiencePhrases(StrictModel):
    """How a person qualifies an event by audience: "entre los jóvenes de Andalucía",
    not "por jóvenes en Andalucía". Where an event phrase has {target}{region}, the
    composed qualifier takes their place."""

    targets: dict[str, str] = {}  # target -> noun phrase ("los jóvenes")
    regions: dict[str, str] = {}  # region -> name ("Andalucía")
    target: str = " entre {target}"
    region: str = " en {region}"
    both: str = " entre {target} de {region}"

    @field_validator("target", "region", "both")
    @classmethod
    def _pattern(cls, value: str, info: Any) -> str:
        wanted = {"target": {"target"}, "region": {"region"},
                  "both": {"target", "region"}}[info.field_name]
        try:
            names = {n for _, n, _, _ in string.Formatter().parse(value) if n is not None}
        except ValueError as exc:
            raise ValueError(f"bad placeholder in {value!r}: {exc}") from None
        if names != wanted:
            raise ValueError(f"{value!r} must use exactly "
                             f"{', '.join('{' + n + '}' for n in sorted(wanted))}")
        return value


class PlanWeights(StrictModel):
    """News value of a story: event priority, audience size, margin, secondary events."""

    priority: Annotated[float, Field(ge=0)] = 1.0
    audience: Annotated[float, Field(ge=0)] = 0.5
    margin: Annotated[float, Field(ge=0)] = 0.5
    secondary: Annotated[float, Field(ge=0)] = 0.1


class PlanSettings(StrictModel):
    """The day's post plan (audience_assets/analysis/plan.py)."""

    # Posts per day and network; the watchlist's programmes are always in.
    budgets: dict[str, Annotated[int, Field(ge=0)]] = {"x": 8, "bluesky": 8, "threads": 10}
    max_secondary_events: Annotated[int, Field(ge=0, le=4)] = 2
    max_event_chars: Annotated[int, Field(ge=20, le=200)] = 90
    # Longest hashtag derived from a name (longer ones drop words).
    hashtag_max_length: Annotated[int, Field(ge=6, le=60)] = 22
    # Words the casing rule keeps as written in capitals-only titles (acronyms,
    # proper names): "EL DEBATE DE GH" -> "El debate de GH".
    keep_words: list[str] = []
    weights: PlanWeights = PlanWeights()
