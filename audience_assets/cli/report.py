"""`audience report --date D --out DIR`: the daily report, as the `daily_report` asset
makes it, from what the pipeline stored in SQL (records, fact sheets, minute curves,
anomalies): DIR/informe-D.xlsx and DIR/informe-D.html."""

from __future__ import annotations

import argparse
from pathlib import Path

from audience_assets import settings
from audience_assets.cli import UsageError, broadcast_date


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser("report", help="write the daily report (XLSX and HTML)")
    parser.add_argument("--date", required=True, help="broadcast date YYYY-MM-DD")
    parser.add_argument("--out", required=True, help="folder to write the two files into")
    parser.add_argument("--db", default=None,
                        help="SQL store URL (default AUDIENCE_DB_URL or sqlite:///var/audience.db)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from audience_assets.reports.daily import gather_report
    from audience_assets.reports.html import write_html
    from audience_assets.reports.workbook import write_workbook
    from audience_assets.sql.engine import make_engine

    date = broadcast_date(args.date)
    url = args.db or settings.get("AUDIENCE_DB_URL")
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise UsageError(f"no SQL store at {url}: run the pipeline first (audience run)")
    report = gather_report(make_engine(url), date)
    if not report.records:
        raise UsageError(f"no records for {date} in {url}")
    out = Path(args.out)
    xlsx = write_workbook(report, out / f"informe-{date}.xlsx")
    html = write_html(report, out / f"informe-{date}.html")
    print(xlsx)
    print(html)
    return 0
