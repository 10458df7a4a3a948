"""`audience select FILE... --date YYYY-MM-DD [--config FILE]`: the day's fact sheets.

Reads Kantar deliveries (programmes files of any targets and regions, over as
many days as given: the history; minute-by-minute files for the golden minute)
into an in-memory SQLite store, without any server, and runs the same rule code
as the `relevant_broadcasts` asset. Prints one fact sheet per line as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from audience_assets.analysis.anomalies import analyse_day, golden_minute_candidates
from audience_assets.analysis.config import (
    AnalysisConfig,
    AnalysisConfigError,
    load_analysis_config,
)
from audience_assets.analysis.rules import Candidate
from audience_assets.analysis.selection import select_fact_sheets
from audience_assets.cli import UsageError, broadcast_date
from audience_assets.ingestion.kantar import KantarParseError, parse_file
from audience_assets.ingestion.minutes import MinutePoint, is_minutes_file, parse_minutes_file
from audience_assets.ingestion.store import replace_dates
from audience_assets.records import DEFAULT_TARGET, NATIONAL_REGION, AudienceRecord
from audience_assets.sql.engine import make_engine

# The JSON fields of each line, in order (the CLI contract).
OUTPUT_FIELDS = ("title", "description", "channel", "channel_code", "unique_viewers",
                 "avg_audience", "share", "event", "rules", "target", "region", "evidence")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser(
        "select", help="print the notable broadcasts of a date as fact sheets (JSON lines)")
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="Kantar deliveries: programmes files (history included) and "
                             "minute-by-minute files")
    parser.add_argument("--date", required=True, help="broadcast date YYYY-MM-DD")
    parser.add_argument("--config", default=None,
                        help="analysis configuration (default data/config/analysis.yaml)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    date = broadcast_date(args.date)
    try:
        config = load_analysis_config(args.config)
    except AnalysisConfigError as exc:
        raise UsageError(str(exc)) from None
    records, minutes = read_deliveries(args.files)
    day = [r for r in records if r.broadcast_date == date]
    if not day:
        raise UsageError(f"no broadcast dated {date} in the given files")
    from audience_assets.indexing.history import SqlHistory

    engine = make_engine("sqlite://")
    replace_dates(engine, {r.broadcast_date for r in records}, records)
    history = SqlHistory(engine)
    sheets = select_fact_sheets(day, history, config, golden_minutes(day, minutes, config))
    for sheet in sheets:
        data = sheet.to_dict()
        sys.stdout.write(json.dumps({k: data[k] for k in OUTPUT_FIELDS}, ensure_ascii=False)
                         + "\n")
    return 0


def read_deliveries(paths: Sequence[str]) -> tuple[list[AudienceRecord], list[MinutePoint]]:
    """Every record and minute of the files; later files replace the same broadcast."""
    records: dict[tuple[str, ...], AudienceRecord] = {}
    minutes: list[MinutePoint] = []
    for path in paths:
        try:
            if is_minutes_file(path):
                minutes.extend(parse_minutes_file(path).points)
            else:
                for record in parse_file(path).records:
                    records[record.key] = record
        except KantarParseError as exc:
            raise UsageError(str(exc)) from None
    return list(records.values()), minutes


def golden_minutes(day: Sequence[AudienceRecord], minutes: Sequence[MinutePoint],
                   config: AnalysisConfig) -> list[Candidate]:
    """The "Minuto de oro" candidates of each (target, region) with minute data."""
    if not minutes:
        return []
    date = day[0].broadcast_date
    candidates = []
    groups = {(p.target, p.region) for p in minutes if p.broadcast_date == date}
    for target, region in sorted(groups, key=lambda g: (g != (DEFAULT_TARGET, NATIONAL_REGION),
                                                        g)):
        points = [p for p in minutes if p.broadcast_date == date
                  and (p.target, p.region) == (target, region)]
        records = [r for r in day if (r.target, r.region) == (target, region)]
        analysis = analyse_day(points, records, config.anomalies)
        candidates += golden_minute_candidates(analysis, records, config)
    return candidates
