"""Analysis: the day's notable broadcasts (fact sheets) and what happened minute by minute."""

# No `from __future__ import annotations`: Dagster reads the context annotation at runtime.
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import dagster as dg
import pandas as pd
import pysolr

from audience_assets.analysis.anomalies import (
    BroadcastMinute,
    DayAnomalies,
    analyse_day,
    golden_minute_candidates,
)
from audience_assets.analysis.charts import curve_png, markdown_image
from audience_assets.analysis.config import AnalysisConfig, load_analysis_config
from audience_assets.analysis.plan import DayPlan, plan_day
from audience_assets.analysis.rules import (
    Candidate,
    duplicate_problems,
    evidence_problems,
    figure_problems,
    select_fact_sheets,
)
from audience_assets.analysis.store import (
    GROUP_SEPARATOR,
    anomaly_group,
    load_anomalies,
    load_fact_sheets,
    load_minute_points,
    replace_anomalies,
    replace_fact_sheets,
    replace_minute_points,
    replace_plan,
)
from audience_assets.indexing.history import AudienceHistory, SolrHistory, SqlHistory
from audience_assets.indexing.index import counts_through
from audience_assets.ingestion.minutes import KIND, MinutePoint, parse_minutes_file, tv_clock
from audience_assets.ingestion.store import current_deliveries, load_records
from audience_assets.partitions import broadcast_days
from audience_assets.records import AudienceRecord, FactSheet
from audience_assets.resources.analysis import AnalysisResource
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.solr import SolrResource, SolrUnavailable
from audience_assets.resources.storage import StorageResource

CHECK_FIGURES = "figures_equal_records"
CHECK_DUPLICATES = "no_duplicate_broadcast"
CHECK_EVIDENCE = "events_backed_by_evidence"
CHECK_KNOWN_NAMES = "targets_and_regions_known"
BLOCKING = (CHECK_FIGURES, CHECK_DUPLICATES, CHECK_EVIDENCE)
MAX_CHARTS = 6  # charts embedded in the UI per day; all are written to disk


@dg.asset(
    partitions_def=broadcast_days,
    group_name="analysis",
    deps=[dg.AssetKey("kantar_raw_file")],
    kinds={"file"},
    code_version="2",
)
def minute_audience(
    context: dg.AssetExecutionContext, database: DatabaseResource
) -> dg.MaterializeResult:
    """The date's minute-by-minute audience per channel (minute deliveries; none is fine),
    to table minute_audience."""
    date, engine = context.partition_key, database.engine()
    files = [d for d in current_deliveries(engine, date) if d.kind == KIND]
    points = [
        p
        for d in files
        for p in parse_minutes_file(d.archived_path).points
        if p.broadcast_date == date
    ]
    replace_minute_points(engine, date, points)
    channels = sorted({p.channel for p in points})
    return dg.MaterializeResult(metadata={
        "dagster/row_count": len(points),
        "files": ", ".join(d.file_name for d in files) or "none delivered",
        "channels": ", ".join(channels) or "none",
    })


def _group_key(point_or_record: MinutePoint | AudienceRecord) -> tuple[str, str]:
    return point_or_record.target, point_or_record.region


@dg.asset(
    partitions_def=broadcast_days,
    group_name="analysis",
    deps=[dg.AssetKey("audience_records"), minute_audience],
    kinds={"python", "sql"},
    code_version="2",
)
def audience_anomalies(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    storage: StorageResource,
    analysis: AnalysisResource,
) -> dg.MaterializeResult:
    """Golden minutes, peaks and drops, each attached to its broadcast, per target|region,
    to table audience_anomalies."""
    date, engine = context.partition_key, database.engine()
    config = load_analysis_config(analysis.config_file)
    records = load_records(engine, date)
    by_group: dict[tuple[str, str], list[MinutePoint]] = defaultdict(list)
    for point in load_minute_points(engine, date):
        by_group[_group_key(point)].append(point)
    result: dict[str, DayAnomalies] = {}
    metadata: dict[str, Any] = {}
    charts_dir = storage.path("output_dir") / "charts" / date
    embedded = 0
    for group, points in sorted(by_group.items()):
        day_records = [r for r in records if _group_key(r) == group]
        day = analyse_day(points, day_records, config.anomalies)
        result[anomaly_group(*group)] = day
        notable = _notable_broadcasts(day)
        for (channel, start, title), marks in notable:
            series = [p for p in points if p.channel == channel and start <= p.minute]
            record = next(r for r in day_records if (r.channel, r.start, r.title) == (
                channel, start, title))
            series = [p for p in series if p.minute < record.end]
            png = curve_png(series, marks, f"{title} ({channel}) · {group[0]} · {group[1]}")
            charts_dir.mkdir(parents=True, exist_ok=True)
            path = charts_dir / f"{_slug(group, channel, start)}.png"
            path.write_bytes(png)
            if embedded < MAX_CHARTS:
                metadata[f"chart {embedded + 1}: {title} {tv_clock(start, date)}"] = (
                    dg.MetadataValue.md(markdown_image(png, title)))
                embedded += 1
    golden = [d.golden_minute for d in result.values() if d.golden_minute]
    events = [e for d in result.values() for e in d.events]
    table = pd.DataFrame([{
        "kind": e.kind, "channel": e.channel, "title": e.title,
        "minute": tv_clock(e.minute, e.broadcast_date), "AM": e.avg_audience,
        "relative": e.relative, "z": e.z} for e in [*golden, *events]])
    metadata.update({
        "golden_minute": ", ".join(f"{g.title} ({g.channel}) {tv_clock(g.minute, date)} "
                                   f"{g.avg_audience}" for g in golden) or "no minute data",
        "peaks": sum(1 for e in events if e.kind == "peak"),
        "drops": sum(1 for e in events if e.kind == "drop"),
        "events": dg.MetadataValue.md(table.to_markdown(index=False) if len(table) else "none"),
        "charts_folder": dg.MetadataValue.path(str(charts_dir)),
        "dagster/row_count": replace_anomalies(engine, date, result),
    })
    return dg.MaterializeResult(metadata=metadata)


def _notable_broadcasts(day: DayAnomalies
                        ) -> list[tuple[tuple[str, str, str], list[BroadcastMinute]]]:
    """Broadcasts worth a chart: the day's golden minute first, then those with events."""
    marks: dict[tuple[str, str, str], list[BroadcastMinute]] = defaultdict(list)
    if day.golden_minute is not None:
        g = day.golden_minute
        marks[(g.channel, g.broadcast_start, g.title)].append(g)
    for event in day.events:
        marks[(event.channel, event.broadcast_start, event.title)].append(event)
    return list(marks.items())


def _slug(group: tuple[str, str], channel: str, start: str) -> str:
    raw = f"{group[0]}_{group[1]}_{channel}_{start[11:16]}"
    return "".join(c if c.isalnum() else "-" for c in raw)


def choose_history(
    analysis: AnalysisResource, solr: SolrResource, database: DatabaseResource,
    log: dg.DagsterLogManager, date: str,
) -> tuple[AudienceHistory, str]:
    """Solr when configured, answering and holding the store's records up to `date` (else
    the SQL store; with AUDIENCE_HISTORY=solr, a failure): a stale or half-indexed Solr
    never feeds the rules."""
    if analysis.history != "sql":
        try:
            solr.ping()
            client = solr.client()
            try:
                sql_count, solr_count = counts_through(client, database.engine(), date)
            except (pysolr.SolrError, OSError) as exc:
                raise SolrUnavailable(f"{solr.where()} failed counting documents: {exc}") from exc
            if sql_count != solr_count:
                solr.close(client)
                raise SolrUnavailable(
                    f"{solr.where()} holds {solr_count} documents up to {date} but the SQL "
                    f"store {sql_count} records: re-materialise solr_audience_index for the "
                    "dates its check names")
            return SolrHistory(client), solr.where()
        except SolrUnavailable as exc:
            if analysis.history == "solr":
                raise dg.Failure(str(exc), allow_retries=False) from exc
            log.warning(f"history from the SQL store: {exc}")
            return SqlHistory(database.engine()), f"SQL store ({exc})"
    return SqlHistory(database.engine()), "SQL store"


def golden_candidates(anomalies: dict[str, DayAnomalies], records: list[AudienceRecord],
                      config: AnalysisConfig) -> list[Candidate]:
    candidates = []
    for key, day in anomalies.items():
        target, region = key.split(GROUP_SEPARATOR, 1)
        group = [r for r in records if (r.target, r.region) == (target, region)]
        candidates += golden_minute_candidates(day, group, config)
    return candidates


@dg.asset(
    partitions_def=broadcast_days,
    group_name="analysis",
    deps=[
        dg.AssetKey("audience_records"),
        dg.AssetKey("solr_audience_index"),
        audience_anomalies,
        # Records, season bests and averages read every earlier day: each day's analysis
        # follows the day before, so a backfill runs the dates in order (and, through the
        # previous day's own inputs, after every earlier day's records and index).
        dg.AssetDep("relevant_broadcasts", partition_mapping=dg.TimeWindowPartitionMapping(
            start_offset=-1, end_offset=-1)),
    ],
    kinds={"python", "sql"},
    check_specs=[
        dg.AssetCheckSpec(CHECK_FIGURES, asset="relevant_broadcasts", blocking=True,
                          description="Every fact sheet's figures equal its record's exactly. "
                          "Audited before publishing."),
        dg.AssetCheckSpec(CHECK_DUPLICATES, asset="relevant_broadcasts", blocking=True,
                          description="At most one fact sheet per broadcast, target, region. "
                          "Audited before publishing."),
        dg.AssetCheckSpec(CHECK_EVIDENCE, asset="relevant_broadcasts", blocking=True,
                          description="Each rule and event is backed by the numbers compared. "
                          "Audited before publishing."),
        dg.AssetCheckSpec(CHECK_KNOWN_NAMES, asset="relevant_broadcasts",
                          description="Warning naming the records' targets and regions the "
                          "analysis configuration does not know (left out, never silently)."),
    ],
    code_version="2",
)
def relevant_broadcasts(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    solr: SolrResource,
    analysis: AnalysisResource,
) -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
    """The day's fact sheets: configured rules over the records and the history, merged
    by priority, plus the golden minute; audited by the checks, then published to table
    fact_sheets (a failing check leaves the published sheets untouched)."""
    date, engine = context.partition_key, database.engine()
    config = load_analysis_config(analysis.config_file)
    records = load_records(engine, date)
    history, source = choose_history(analysis, solr, database, context.log, date)
    started = time.perf_counter()
    sheets = select_fact_sheets(records, history, config, golden_candidates(
        load_anomalies(engine, date), records, config))
    seconds = time.perf_counter() - started
    results = sheet_checks(sheets, records, config)
    yield from results
    failed = [r.check_name for r in results if not r.passed and r.check_name in BLOCKING]
    if failed:
        raise dg.Failure(
            f"Fact sheets of {date} not published: {', '.join(failed)} failed (see the checks' "
            "problems); the previously published sheets are untouched.",
            allow_retries=False,
        )
    replace_fact_sheets(engine, date, sheets)
    yield dg.MaterializeResult(metadata=_sheet_metadata(sheets, source, seconds))


def _sheet_metadata(sheets: list[FactSheet], source: str, seconds: float
                    ) -> dict[str, Any]:
    table = pd.DataFrame([{
        "title": s.title, "channel": s.channel, "espectadores únicos": s.unique_viewers,
        "audiencia media": s.avg_audience, "cuota": s.share, "event": s.event,
        "rules": ", ".join(s.rules), "target": s.target, "region": s.region,
    } for s in sheets])
    return {
        "dagster/row_count": len(sheets),
        "history": source,
        "seconds": round(seconds, 3),
        "with_event": sum(1 for s in sheets if s.event),
        "fact_sheets": dg.MetadataValue.md(
            table.to_markdown(index=False) if len(table) else "none"),
    }


def sheet_checks(sheets: list[FactSheet], records: list[AudienceRecord],
                 config: AnalysisConfig) -> list[dg.AssetCheckResult]:
    evidence = [f"{s.key}: {p}" for s in sheets for p in evidence_problems(s, config)]
    results = []
    for name, problems in ((CHECK_FIGURES, figure_problems(sheets, records)),
                           (CHECK_DUPLICATES, duplicate_problems(sheets)),
                           (CHECK_EVIDENCE, evidence)):
        results.append(dg.AssetCheckResult(
            check_name=name, passed=not problems,
            metadata={"problems": len(problems),
                      "first": json.dumps(problems[:5], ensure_ascii=False)}))
    results.append(known_names_result(records, config))
    return results


def known_names_result(records: list[AudienceRecord], config: AnalysisConfig
                       ) -> dg.AssetCheckResult:
    """WARN naming what the analysis leaves out, with how many records each name has."""
    pairs = Counter((r.target, r.region) for r in records)
    unknown = config.unknown_names(pairs)
    left_out = sum(n for (t, g), n in pairs.items()
                   if config.resolve_target(t) is None or config.resolve_region(g) is None)
    return dg.AssetCheckResult(
        check_name=CHECK_KNOWN_NAMES, passed=not unknown,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "unknown": ", ".join(unknown) or "none",
            "records_left_out": left_out,
            "records": len(records),
            "hint": "add the name to targets/regions or aliases in the analysis config"
            if unknown else "every target and region is analysed",
        })


@dg.asset(
    partitions_def=broadcast_days,
    group_name="analysis",
    deps=[relevant_broadcasts],
    kinds={"python", "sql"},
    code_version="2",
)
def post_plan(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    analysis: AnalysisResource,
) -> dg.MaterializeResult:
    """The day's stories: one per programme (its facts across targets and regions
    merged, regional channels in their own region), ranked by news value; each
    network posts the best up to its daily budget, the watchlist always in. To tables
    plan_stories and post_plan (the desk's order)."""
    date, engine = context.partition_key, database.engine()
    config = load_analysis_config(analysis.config_file)
    plan = plan_day(load_fact_sheets(engine, date), config, date)
    replace_plan(engine, date, plan)
    return dg.MaterializeResult(metadata=_plan_metadata(plan))


def _plan_metadata(plan: DayPlan) -> dict[str, Any]:
    table = pd.DataFrame([{
        "rank": i, "score": s.score, "programa": s.sheet.title, "cadena": s.sheet.channel,
        "event": s.sheet.event, "target": s.sheet.target, "region": s.sheet.region,
        "watchlist": s.watchlist, "merged": len(s.merged_keys),
        "hashtags": " ".join(s.sheet.hashtags),
        **{network: s in plan.selected(network) for network in plan.budgets},
    } for i, s in enumerate(plan.stories, 1)])
    return {
        "dagster/row_count": len(plan.stories),
        "budgets": dg.MetadataValue.json(dict(plan.budgets)),
        **{f"posts_{network}": len(plan.selected(network)) for network in plan.budgets},
        "dropped": len(plan.dropped),
        "dropped_first": dg.MetadataValue.json([str(d) for d in plan.dropped[:10]]),
        "stories": dg.MetadataValue.md(table.to_markdown(index=False) if len(table) else "none"),
    }
