"""Analysis: the day's notable broadcasts (fact sheets) and what happened minute by minute."""

# No `from __future__ import annotations`: Dagster reads the context annotation at runtime.
import time
import warnings
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import dagster as dg
import pandas as pd
import pysolr
import sqlalchemy as sa

from audience_assets.analysis.anomalies import (
    BroadcastMinute,
    DayAnomalies,
    analyse_day,
    golden_minute_candidates,
)
from audience_assets.analysis.charts import curve_png, markdown_image
from audience_assets.analysis.checks import (
    BLOCKING,
    fact_sheet_check_specs,
    merged_checks,
    sheet_checks,
)
from audience_assets.analysis.config import AnalysisConfig, load_analysis_config
from audience_assets.analysis.plan import DayPlan, plan_day
from audience_assets.analysis.rules import Candidate
from audience_assets.analysis.selection import select_fact_sheets
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
from audience_assets.paths import locate_stored
from audience_assets.records import AudienceRecord, FactSheet
from audience_assets.resources.analysis import AnalysisResource
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.solr import SolrResource, SolrUnavailable
from audience_assets.resources.storage import StorageResource
from audience_assets.sql.schema import audience_records as records_table
from audience_assets.timing import timed

# backfill_policy is beta in Dagster 1.13; the choice is made here, not an operator's issue.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=dg.BetaWarning)

MAX_CHARTS = 6  # charts embedded in the UI per day; all are written to disk


# Each analysis asset walks the dates of its run in order (one date, or a range in ONE
# run: a year of history in minutes, not a run per date), as the ingestion chain does.
SINGLE_RUN = dg.BackfillPolicy.single_run()


def range_metadata(per_date: dict[str, dict[str, Any]], rows: str = "rows"
                   ) -> dict[str, Any]:
    """A range run's metadata: the dates walked, rows in all, a line per date."""
    table = pd.DataFrame([{"date": d, **{k: v for k, v in m.items()
                                          if isinstance(v, int | float | str)}}
                          for d, m in per_date.items()])
    return {
        "dagster/row_count": sum(int(m.get("dagster/row_count", 0)) for m in per_date.values()),
        "dates": len(per_date),
        "first_date": min(per_date), "last_date": max(per_date),
        f"{rows}_per_date": dg.MetadataValue.md(table.to_markdown(index=False)),
    }


def walked(context: dg.AssetExecutionContext, day: Any) -> dg.MaterializeResult:
    """`day(date) -> metadata` for each date of the run, oldest first; one date's own
    metadata as is, a range's summarised."""
    dates = list(context.partition_keys)
    per_date = {date: day(date) for date in dates}
    if len(dates) == 1:
        return dg.MaterializeResult(metadata=per_date[dates[0]])
    return dg.MaterializeResult(metadata=range_metadata(per_date))


@dg.asset(
    partitions_def=broadcast_days,
    group_name="analysis",
    deps=[dg.AssetKey("kantar_raw_file")],
    kinds={"file"},
    backfill_policy=SINGLE_RUN,
    code_version="2",
)
@timed
def minute_audience(
    context: dg.AssetExecutionContext, database: DatabaseResource, storage: StorageResource
) -> dg.MaterializeResult:
    """The date's minute-by-minute audience per channel (minute deliveries; none is fine),
    to table minute_audience."""
    engine = database.engine()

    def day(date: str) -> dict[str, Any]:
        files = [d for d in current_deliveries(engine, date) if d.kind == KIND]
        points = [p for d in files
                  for p in parse_minutes_file(locate_stored(d.archived_path,
                                                            storage.archive_dir)).points
                  if p.broadcast_date == date]
        replace_minute_points(engine, date, points)
        return {
            "dagster/row_count": len(points),
            "files": ", ".join(d.file_name for d in files) or "none delivered",
            "channels": ", ".join(sorted({p.channel for p in points})) or "none",
        }
    return walked(context, day)


def _group_key(point_or_record: MinutePoint | AudienceRecord) -> tuple[str, str]:
    return point_or_record.target, point_or_record.region


@dg.asset(
    partitions_def=broadcast_days,
    group_name="analysis",
    deps=[dg.AssetKey("audience_records"), minute_audience],
    kinds={"python", "sql"},
    backfill_policy=SINGLE_RUN,
    code_version="2",
)
@timed
def audience_anomalies(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    storage: StorageResource,
    analysis: AnalysisResource,
) -> dg.MaterializeResult:
    """Golden minutes, peaks and drops, each attached to its broadcast, per target|region,
    to table audience_anomalies."""
    engine = database.engine()
    config = load_analysis_config(analysis.config_file)
    charts_left = [MAX_CHARTS]  # embedded in the UI over the whole run
    return walked(context, lambda date: anomalies_of_day(
        engine, date, config, storage, charts_left))


def anomalies_of_day(engine: Any, date: str, config: AnalysisConfig, storage: StorageResource,
                     charts_left: list[int]) -> dict[str, Any]:
    records = load_records(engine, date)
    by_group: dict[tuple[str, str], list[MinutePoint]] = defaultdict(list)
    for point in load_minute_points(engine, date):
        by_group[_group_key(point)].append(point)
    result: dict[str, DayAnomalies] = {}
    metadata: dict[str, Any] = {}
    charts_dir = storage.path("output_dir") / "charts" / date
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
            if charts_left[0] > 0:
                metadata[f"chart {MAX_CHARTS - charts_left[0] + 1}: {title} "
                         f"{tv_clock(start, date)}"] = (
                    dg.MetadataValue.md(markdown_image(png, title)))
                charts_left[0] -= 1
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
    return metadata


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
                first = first_stored_date(database.engine()) or date
                raise SolrUnavailable(
                    f"{solr.where()} holds {solr_count} documents up to {date} but the SQL "
                    f"store {sql_count} records. To read history from Solr again, re-index "
                    f"{first}...{date} in one run: backfill solr_audience_index over that "
                    "range (UI), or `dagster asset materialize -m audience_assets.definitions "
                    f"--select solr_audience_index --partition-range {first}...{date}`")
            return SolrHistory(client), solr.where()
        except SolrUnavailable as exc:
            if analysis.history == "solr":
                raise dg.Failure(str(exc), allow_retries=False) from exc
            log.warning(f"history from the SQL store: {exc}")
            return SqlHistory(database.engine()), f"SQL store ({exc})"
    return SqlHistory(database.engine()), "SQL store"


def first_stored_date(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.min(records_table.c.broadcast_date))).scalar()


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
    backfill_policy=SINGLE_RUN,
    check_specs=fact_sheet_check_specs(),
    code_version="2",
)
@timed
def relevant_broadcasts(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    solr: SolrResource,
    analysis: AnalysisResource,
) -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
    """The day's fact sheets: configured rules over the records and the history, merged
    by priority, plus the golden minute; audited by the checks, then published to table
    fact_sheets (a failing check leaves that date's published sheets untouched). A range
    run walks its dates oldest first, one check result per check for the range."""
    engine = database.engine()
    dates = list(context.partition_keys)
    config = load_analysis_config(analysis.config_file)
    # Solr holding every record up to the range's last date holds them up to each date.
    history, source = choose_history(analysis, solr, database, context.log, dates[-1])
    per_date: dict[str, dict[str, Any]] = {}
    results_by_date: dict[str, list[dg.AssetCheckResult]] = {}
    refused: dict[str, list[str]] = {}
    for date in dates:
        records = load_records(engine, date)
        started = time.perf_counter()
        sheets = select_fact_sheets(records, history, config, golden_candidates(
            load_anomalies(engine, date), records, config))
        seconds = time.perf_counter() - started
        results_by_date[date] = sheet_checks(sheets, records, config)
        failed = [r.check_name for r in results_by_date[date]
                  if not r.passed and r.check_name in BLOCKING]
        if failed:
            refused[date] = failed
            continue
        replace_fact_sheets(engine, date, sheets)
        per_date[date] = _sheet_metadata(sheets, source, seconds)
    yield from (results_by_date[dates[0]] if len(dates) == 1
                else merged_checks(results_by_date))
    if refused:
        raise dg.Failure(
            "Fact sheets not published for " + "; ".join(
                f"{d} ({', '.join(names)} failed)" for d, names in refused.items())
            + ": see the checks' problems; those dates' published sheets are untouched"
            + (f", the other {len(per_date)} dates were published." if per_date else "."),
            allow_retries=False,
        )
    if len(dates) == 1:
        yield dg.MaterializeResult(metadata=per_date[dates[0]])
    else:
        yield dg.MaterializeResult(metadata={**range_metadata(per_date, "sheets"),
                                             "history": source})


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


@dg.asset(
    partitions_def=broadcast_days,
    group_name="analysis",
    deps=[relevant_broadcasts],
    kinds={"python", "sql"},
    backfill_policy=SINGLE_RUN,
    code_version="2",
)
@timed
def post_plan(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    analysis: AnalysisResource,
) -> dg.MaterializeResult:
    """The day's stories: one per programme (its facts across targets and regions
    merged, regional channels in their own region), ranked by news value; each
    network posts the best up to its daily budget, the watchlist always in. To tables
    plan_stories and post_plan (the desk's order)."""
    engine = database.engine()
    config = load_analysis_config(analysis.config_file)

    def day(date: str) -> dict[str, Any]:
        plan = plan_day(load_fact_sheets(engine, date), config, date)
        replace_plan(engine, date, plan)
        return _plan_metadata(plan)
    return walked(context, day)


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
