"""Running the relevance rules over a day and merging their candidates: every rule of
`analysis.rules` over each configured target and region, then every candidate of one
broadcast folded into one `FactSheet` whose event phrase is that of its highest-priority
rule, so one broadcast never yields two posts for the same target and region.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from audience_assets.analysis.config import AnalysisConfig
from audience_assets.analysis.rules import RULES, Candidate
from audience_assets.indexing.history import AudienceHistory
from audience_assets.records import AudienceRecord, FactSheet


def analysed_groups(records: Iterable[AudienceRecord], config: AnalysisConfig
                    ) -> dict[tuple[str, str], list[AudienceRecord]]:
    """The day's records per (target, region), keeping only configured ones, in a stable
    order."""
    groups: dict[tuple[str, str], list[AudienceRecord]] = defaultdict(list)
    for record in records:
        if config.resolve_target(record.target) and config.resolve_region(record.region):
            groups[(record.target, record.region)].append(record)
    return {key: sorted(group, key=lambda r: (r.channel, r.start, r.title))
            for key, group in sorted(groups.items())}


def find_candidates(records: Sequence[AudienceRecord], history: AudienceHistory,
                    config: AnalysisConfig,
                    timings: dict[str, float] | None = None) -> list[Candidate]:
    """Every rule over every analysed target and region of the day's records.

    `timings`, when given, accumulates seconds spent per rule family.
    """
    candidates: list[Candidate] = []
    for (target, region), group in analysed_groups(records, config).items():
        for name, function in RULES.items():
            began = time.perf_counter()
            candidates.extend(c for c in function(group, history, config)
                              if config.applies(c.rule, target, region)
                              and not config.ignored(c.record.title))
            if timings is not None:
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - began
    return candidates


def merge_candidates(candidates: Iterable[Candidate], config: AnalysisConfig) -> list[FactSheet]:
    """One fact sheet per broadcast, target and region, its event chosen by priority."""
    by_key: dict[tuple[str, ...], list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_key[candidate.record.key].append(candidate)
    sheets = []
    for group in by_key.values():
        group.sort(key=lambda c: -config.rank(c.rule))
        record = group[0].record
        rules: list[str] = []
        evidence: dict[str, Any] = {}
        for candidate in group:
            if candidate.rule not in evidence:
                rules.append(candidate.rule)
                evidence[candidate.rule] = candidate.evidence
        event = ""
        for candidate in group:
            event = config.event_phrase(candidate.rule, record.target, record.region,
                                        candidate.time, record.channel)
            if event:
                break
        programme = config.programme(record.title)
        sheets.append(FactSheet(
            title=programme.handle if programme is not None and programme.handle
            else record.title,
            channel=config.channel_handle(record.channel),
            unique_viewers=record.unique_viewers,
            avg_audience=record.avg_audience,
            share=record.share,
            event=event,
            description=record.description,
            channel_code=record.channel,
            rules=tuple(rules),
            target=record.target,
            region=record.region,
            evidence=evidence,
            genre=record.genre,
            hashtag_hint=programme.hashtag if programme is not None else "",
            broadcast_date=record.broadcast_date,
            start=record.start,
            priority=config.rank(group[0].rule),
        ))
    sheets.sort(key=lambda s: (-s.priority, s.target, s.region, -s.unique_viewers, s.key))
    return sheets


def select_fact_sheets(records: Sequence[AudienceRecord], history: AudienceHistory,
                       config: AnalysisConfig, extra: Iterable[Candidate] = ()
                       ) -> list[FactSheet]:
    """The day's fact sheets: every rule, plus `extra` candidates (e.g. the golden
    minute), merged."""
    return merge_candidates([*find_candidates(records, history, config), *extra], config)
