"""The fact sheets audited against the records and the rules (the asset checks): the
figures are exactly a record's, no broadcast has two sheets, and every rule and event
is backed by the evidence it carries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from audience_assets.analysis.config import AnalysisConfig
from audience_assets.records import AudienceRecord, FactSheet


def _record_key(sheet_or_record: FactSheet | AudienceRecord) -> tuple[str, ...]:
    if isinstance(sheet_or_record, FactSheet):
        s = sheet_or_record
        return (s.broadcast_date, s.channel_code, s.start, s.target, s.region)
    r = sheet_or_record
    return (r.broadcast_date, r.channel, r.start, r.target, r.region)


def figure_problems(sheets: Iterable[FactSheet], records: Iterable[AudienceRecord]
                    ) -> list[str]:
    """Sheets whose figures are not exactly those of their record."""
    index: dict[tuple[str, ...], list[AudienceRecord]] = defaultdict(list)
    for record in records:
        index[_record_key(record)].append(record)
    problems = []
    for sheet in sheets:
        matches = index.get(_record_key(sheet), [])
        if not any((r.unique_viewers, r.avg_audience, r.share)
                   == (sheet.unique_viewers, sheet.avg_audience, sheet.share) for r in matches):
            problems.append(f"{sheet.key}: figures {sheet.unique_viewers}/{sheet.avg_audience}/"
                            f"{sheet.share} match no record")
    return problems


def duplicate_problems(sheets: Iterable[FactSheet]) -> list[str]:
    seen: set[tuple[str, ...]] = set()
    problems = []
    for sheet in sheets:
        key = _record_key(sheet)
        if key in seen:
            problems.append(f"{sheet.key}: more than one fact sheet")
        seen.add(key)
    return problems


def evidence_problems(sheet: FactSheet, config: AnalysisConfig) -> list[str]:
    """Why the sheet's event and rules are not backed by its evidence ([] when they are)."""
    problems = []
    figures = {"unique_viewers": sheet.unique_viewers, "avg_audience": sheet.avg_audience,
               "share": sheet.share}
    for rule_id in sheet.rules:
        ev = sheet.evidence.get(rule_id)
        if not isinstance(ev, dict):
            problems.append(f"{rule_id}: no evidence")
            continue
        metric = ev.get("metric")
        if metric in figures and ev.get("value") != figures[metric]:
            problems.append(f"{rule_id}: evidence value {ev.get('value')} is not the sheet's "
                            f"{metric} {figures[metric]}")
        if rule_id.startswith(("historical_record_", "season_best_", "year_best_")):
            if not (isinstance(ev.get("previous_best"), int | float)
                    and ev["value"] > ev["previous_best"]):
                problems.append(f"{rule_id}: {ev.get('value')} does not beat previous best "
                                f"{ev.get('previous_best')}")
        elif rule_id in ("day_top", "channel_top", "prime_time_leader", "top_newscast",
                         "target_leader"):
            runner = ev.get("runner_up")
            if runner is not None and not ev["value"] >= runner["value"]:
                problems.append(f"{rule_id}: {ev['value']} is below the runner-up "
                                f"{runner['value']}")
            if rule_id == "target_leader" and runner is not None and \
                    not ev["value"] > runner["value"]:
                problems.append(f"{rule_id}: {ev['value']} does not lead {runner['value']}")
        elif rule_id.startswith("above_channel_"):
            mean = ev.get("channel_average_share")
            if not mean or sheet.share / mean < ev.get("min_ratio", float("inf")) - 1e-9:
                problems.append(f"{rule_id}: share {sheet.share} is not {ev.get('min_ratio')}"
                                f" times the average {mean}")
        elif rule_id == "big_sports":
            if sheet.avg_audience < ev.get("min_avg_audience", float("inf")):
                problems.append(f"{rule_id}: {sheet.avg_audience} below the sports minimum")
        elif rule_id == "watchlist":
            if not config.on_watchlist(str(ev.get("watchlist_title", ""))):
                problems.append(f"{rule_id}: {ev.get('watchlist_title')!r} not on the watchlist")
        elif rule_id == "golden_minute" and not {"minute", "avg_audience"} <= set(ev):
            problems.append(f"{rule_id}: evidence lacks the minute and its audience")
    phrases = {config.event_phrase(r, sheet.target, sheet.region,
                                   str(sheet.evidence.get(r, {}).get("time", "")),
                                   sheet.channel_code)
               for r in sheet.rules if r in config.rules}
    if sheet.event and sheet.event not in phrases:
        problems.append(f"event {sheet.event!r} is the phrase of none of its rules")
    return problems
