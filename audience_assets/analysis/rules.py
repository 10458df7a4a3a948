"""The client's relevance rules: which of the day's broadcasts deserve a post, and why.

Each rule is a pure function of the day's records of one target and region,
the history (any `AudienceHistory`: Solr or SQL) and the configuration. It
returns `Candidate`s carrying the numbers it compared (the evidence).
`analysis.selection` runs them and merges each broadcast's candidates into one
`FactSheet`; `analysis.audits` checks the sheets against the records.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from audience_assets.analysis.config import AnalysisConfig, normalise_title, tv_minutes
from audience_assets.analysis.config_sections import (
    AboveAverageRule,
    ChannelTopRule,
    NewscastRule,
    PrimeTimeRule,
    RecordRule,
    SportsRule,
    TargetLeaderRule,
)
from audience_assets.indexing.history import METRICS, AudienceHistory, BestBroadcast, Metric
from audience_assets.records import AudienceRecord


@dataclass(frozen=True, slots=True)
class Candidate:
    """One rule fired for one broadcast, with the numbers that made it fire."""

    rule: str
    record: AudienceRecord
    evidence: dict[str, Any] = field(default_factory=dict)
    time: str = ""  # clock time for events that carry one (golden minute)


RuleFunction = Callable[[Sequence[AudienceRecord], AudienceHistory, AnalysisConfig],
                        list[Candidate]]


# ---- small helpers -------------------------------------------------------------------


def figure(record: AudienceRecord, metric: Metric) -> float:
    return float(getattr(record, metric))


def duration_minutes(record: AudienceRecord) -> float:
    start, end = dt.datetime.fromisoformat(record.start), dt.datetime.fromisoformat(record.end)
    return (end - start).total_seconds() / 60


def start_tv_minutes(record: AudienceRecord) -> int:
    """Start as minutes after 00:00 of the TV day's date (01:10 after midnight -> 1510)."""
    start = dt.datetime.fromisoformat(record.start)
    days = (start.date() - dt.date.fromisoformat(record.broadcast_date)).days
    return days * 1440 + start.hour * 60 + start.minute


def _rank_key(record: AudienceRecord, metric: Metric) -> tuple[float, float]:
    """Ranking value and its tie-break (average audience, or unique viewers when ranking
    by average audience)."""
    second: Metric = "unique_viewers" if metric == "avg_audience" else "avg_audience"
    return figure(record, metric), figure(record, second)


def _describe(record: AudienceRecord, metric: Metric) -> dict[str, Any]:
    return {"title": record.title, "channel": record.channel, "start": record.start,
            "value": _number(figure(record, metric))}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _top(records: Sequence[AudienceRecord], metric: Metric, rule: str,
         extra: dict[str, Any] | None = None) -> list[Candidate]:
    """The leaders of `records` by `metric`; exact ties on value and tie-break all lead."""
    if not records:
        return []
    ordered = sorted(records, key=lambda r: _rank_key(r, metric), reverse=True)
    best = _rank_key(ordered[0], metric)
    leaders = [r for r in ordered if _rank_key(r, metric) == best]
    runner_up = next((r for r in ordered if _rank_key(r, metric) != best), None)
    candidates = []
    for leader in leaders:
        evidence: dict[str, Any] = {
            "metric": metric,
            "value": _number(figure(leader, metric)),
            "broadcasts_compared": len(records),
            "runner_up": _describe(runner_up, metric) if runner_up is not None else None,
        }
        if len(leaders) > 1:
            evidence["tied_with"] = [_describe(r, metric) for r in leaders if r is not leader]
        evidence.update(extra or {})
        candidates.append(Candidate(rule, leader, evidence))
    return candidates


def _in_prime_time(record: AudienceRecord, config: AnalysisConfig) -> bool:
    start = start_tv_minutes(record)
    return tv_minutes(config.prime_time.start) <= start < tv_minutes(config.prime_time.end)


def season_start(date: str, month_day: str) -> str:
    day = dt.date.fromisoformat(date)
    month, mday = (int(part) for part in month_day.split("-"))
    start = dt.date(day.year, month, mday)
    if start > day:
        start = dt.date(day.year - 1, month, mday)
    return start.isoformat()


# ---- rules ----------------------------------------------------------------------------


def programme_bests(records: Sequence[AudienceRecord], history: AudienceHistory,
                    config: AnalysisConfig) -> list[Candidate]:
    """Historical records, season bests and year bests of each programme.

    A broadcast holds one when its figure is strictly better than every earlier
    broadcast of the same title on the same channel, target and region in the
    window (since measurement began / the season start / 1 January), earlier
    broadcasts of the same day included. A first broadcast holds none.
    """
    windows = (("historical_record", None), ("season_best", "season"), ("year_best", "year"))
    if not records:
        return []
    target, region = records[0].target, records[0].region
    active = [(f"{prefix}_{m}", kind, m) for prefix, kind in windows for m in METRICS
              if config.applies(f"{prefix}_{m}", target, region)]
    if not active:
        return []
    by_programme: dict[tuple[str, str], list[AudienceRecord]] = defaultdict(list)
    for record in records:
        by_programme[(record.title, record.channel)].append(record)
    candidates: list[Candidate] = []
    for record in records:
        if config.ignored(record.title):
            continue
        same_day_before = [r for r in by_programme[(record.title, record.channel)]
                           if r.start < record.start]
        all_time: dict[Metric, BestBroadcast | None] = {}
        for rule_id, kind, metric in active:
            rule = config.rules[rule_id]
            assert isinstance(rule, RecordRule)
            if duration_minutes(record) < rule.min_duration_minutes:
                continue
            since = None
            if kind == "season":
                since = season_start(record.broadcast_date, config.season_start)
            elif kind == "year":
                since = record.broadcast_date[:4] + "-01-01"
            if metric not in all_time:
                all_time[metric] = _best_before(history, record, metric, None, same_day_before)
            overall = all_time[metric]
            if overall is None:
                continue  # never broadcast before: no window has an earlier broadcast
            if rule.min_history_days and _days_on_air(history, record) < rule.min_history_days:
                continue
            value = figure(record, metric)
            if since is not None and value <= overall.value and overall.broadcast_date >= since:
                continue  # the all-time best lies inside the window and is not beaten
            previous = overall if since is None else _best_before(
                history, record, metric, since, same_day_before)
            if previous is None or not value > previous.value:
                continue
            evidence: dict[str, Any] = {
                "metric": metric,
                "value": _number(value),
                "previous_best": _number(previous.value),
                "previous_best_date": previous.broadcast_date,
                "previous_best_start": previous.start,
                "since": since,
            }
            if since is None:
                evidence["first_broadcast_date"] = history.first_broadcast_date(
                    record.title, record.channel, record.target, record.region
                ) or record.broadcast_date
            candidates.append(Candidate(rule_id, record, evidence))
    return candidates


def _days_on_air(history: AudienceHistory, record: AudienceRecord) -> int:
    first = history.first_broadcast_date(record.title, record.channel, record.target,
                                         record.region) or record.broadcast_date
    return (dt.date.fromisoformat(record.broadcast_date) - dt.date.fromisoformat(first)).days


def _best_before(history: AudienceHistory, record: AudienceRecord, metric: Metric,
                 since: str | None, same_day_before: Sequence[AudienceRecord]
                 ) -> BestBroadcast | None:
    best = history.best_before(record.title, record.channel, record.target, record.region,
                               metric, before=record.broadcast_date, since=since)
    for earlier in same_day_before:
        value = figure(earlier, metric)
        if best is None or value > best.value:
            best = BestBroadcast(metric, value, earlier.broadcast_date, earlier.channel,
                                 earlier.start)
    return best


def day_top(records: Sequence[AudienceRecord], history: AudienceHistory,
            config: AnalysisConfig) -> list[Candidate]:
    """The most watched broadcast of the day in this target and region."""
    if config.rule("day_top") is None:
        return []
    return _top(records, config.rank_metric, "day_top")


def channel_top(records: Sequence[AudienceRecord], history: AudienceHistory,
                config: AnalysisConfig) -> list[Candidate]:
    """The most watched broadcast of each configured channel."""
    rule = config.rule("channel_top")
    if not isinstance(rule, ChannelTopRule):
        return []
    wanted = {normalise_title(c) for c in rule.channels}
    by_channel: dict[str, list[AudienceRecord]] = defaultdict(list)
    for record in records:
        if not wanted or normalise_title(record.channel) in wanted:
            by_channel[record.channel].append(record)
    return [c for group in by_channel.values() for c in _top(group, config.rank_metric,
                                                             "channel_top")]


def prime_time_leader(records: Sequence[AudienceRecord], history: AudienceHistory,
                      config: AnalysisConfig) -> list[Candidate]:
    """The leader (by the rule's metric) of broadcasts starting in prime time."""
    rule = config.rule("prime_time_leader")
    if not isinstance(rule, PrimeTimeRule):
        return []
    eligible = [r for r in records if _in_prime_time(r, config)
                and duration_minutes(r) >= rule.min_duration_minutes]
    window = {"prime_time": f"{config.prime_time.start}-{config.prime_time.end}"}
    return _top(eligible, rule.metric, "prime_time_leader", window)


def top_newscast(records: Sequence[AudienceRecord], history: AudienceHistory,
                 config: AnalysisConfig) -> list[Candidate]:
    """The most watched newscast: a news genre and a newscast title."""
    rule = config.rule("top_newscast")
    if not isinstance(rule, NewscastRule):
        return []
    genres = {normalise_title(g) for g in rule.genres}
    pattern = re.compile(rule.title_pattern)
    news = [r for r in records if normalise_title(r.genre) in genres and pattern.search(r.title)]
    return _top(news, config.rank_metric, "top_newscast")


def target_leader(records: Sequence[AudienceRecord], history: AudienceHistory,
                  config: AnalysisConfig) -> list[Candidate]:
    """Broadcasts with a strictly higher share in the target than every other channel's
    broadcast sharing at least half of the shorter one's time."""
    rule = config.rule("target_leader")
    if not isinstance(rule, TargetLeaderRule) or not records:
        return []
    spans = {id(r): (dt.datetime.fromisoformat(r.start), dt.datetime.fromisoformat(r.end))
             for r in records}
    candidates = []
    for record in records:
        if duration_minutes(record) < rule.min_duration_minutes:
            continue
        if rule.prime_time_only and not _in_prime_time(record, config):
            continue
        start, end = spans[id(record)]
        rivals = []
        for other in records:
            if other.channel == record.channel:
                continue
            o_start, o_end = spans[id(other)]
            overlap = (min(end, o_end) - max(start, o_start)).total_seconds()
            shorter = min((end - start).total_seconds(), (o_end - o_start).total_seconds())
            if shorter > 0 and overlap >= shorter / 2:
                rivals.append(other)
        if not rivals:
            continue
        best_rival = max(rivals, key=lambda r: r.share)
        if record.share > best_rival.share:
            candidates.append(Candidate("target_leader", record, {
                "metric": "share", "value": record.share, "rivals_compared": len(rivals),
                "runner_up": _describe(best_rival, "share"),
            }))
    return candidates


def big_sports(records: Sequence[AudienceRecord], history: AudienceHistory,
               config: AnalysisConfig) -> list[Candidate]:
    """Sports broadcasts with at least the configured average audience."""
    rule = config.rule("big_sports")
    if not isinstance(rule, SportsRule):
        return []
    genres = {normalise_title(g) for g in rule.genres}
    return [Candidate("big_sports", r, {"genre": r.genre, "avg_audience": r.avg_audience,
                                        "min_avg_audience": rule.min_avg_audience})
            for r in records
            if normalise_title(r.genre) in genres and r.avg_audience >= rule.min_avg_audience]


def above_channel_day_average(records: Sequence[AudienceRecord], history: AudienceHistory,
                              config: AnalysisConfig) -> list[Candidate]:
    """Broadcasts whose share is at least `min_ratio` times their channel's mean share
    of the day (mean over the channel's broadcasts, as the history computes it)."""
    rule = config.rule("above_channel_day_average")
    if not isinstance(rule, AboveAverageRule):
        return []
    shares: dict[str, list[float]] = defaultdict(list)
    for record in records:
        shares[record.channel].append(record.share)
    averages = {ch: sum(values) / len(values) for ch, values in shares.items()}
    return _above(records, rule, "above_channel_day_average", averages.get,
                  {ch: len(v) for ch, v in shares.items()})


def above_channel_month_average(records: Sequence[AudienceRecord], history: AudienceHistory,
                                config: AnalysisConfig) -> list[Candidate]:
    """Broadcasts whose share is at least `min_ratio` times their channel's mean share
    over the `days` days before."""
    rule = config.rule("above_channel_month_average")
    if not isinstance(rule, AboveAverageRule) or not records:
        return []
    day = dt.date.fromisoformat(records[0].broadcast_date)
    start = (day - dt.timedelta(days=rule.days)).isoformat()
    end = (day - dt.timedelta(days=1)).isoformat()
    target, region = records[0].target, records[0].region
    cache: dict[str, float | None] = {}

    def average(channel: str) -> float | None:
        if channel not in cache:
            cache[channel] = history.channel_average_share(channel, start, end, target, region)
        return cache[channel]

    return _above(records, rule, "above_channel_month_average", average,
                  {"period": f"{start}..{end}"})


def _above(records: Sequence[AudienceRecord], rule: AboveAverageRule, rule_id: str,
           average: Callable[[str], float | None], context: dict[str, Any]) -> list[Candidate]:
    candidates = []
    for record in records:
        if duration_minutes(record) < rule.min_duration_minutes:
            continue
        mean = average(record.channel)
        if not mean or record.share < rule.min_ratio * mean:
            continue
        evidence: dict[str, Any] = {
            "metric": "share", "value": record.share,
            "channel_average_share": round(mean, 4),
            "ratio": round(record.share / mean, 4), "min_ratio": rule.min_ratio,
        }
        if "period" in context:
            evidence["period"] = context["period"]
        else:
            evidence["broadcasts_averaged"] = context.get(record.channel, 0)
        candidates.append(Candidate(rule_id, record, evidence))
    return candidates


def watchlist(records: Sequence[AudienceRecord], history: AudienceHistory,
              config: AnalysisConfig) -> list[Candidate]:
    """The client's programmes, whatever their rank."""
    if config.rule("watchlist") is None:
        return []
    return [Candidate("watchlist", r, {"watchlist_title": r.title}) for r in records
            if config.on_watchlist(r.title)]


# Rule families in evaluation order; the benchmark times each one.
RULES: dict[str, RuleFunction] = {
    "programme_bests": programme_bests,
    "day_top": day_top,
    "channel_top": channel_top,
    "prime_time_leader": prime_time_leader,
    "top_newscast": top_newscast,
    "target_leader": target_leader,
    "big_sports": big_sports,
    "above_channel_day_average": above_channel_day_average,
    "above_channel_month_average": above_channel_month_average,
    "watchlist": watchlist,
}
