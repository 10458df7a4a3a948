"""daily_report: the day's summary and minute curves as an Excel workbook and an HTML page."""

from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd

from audience_assets.partitions import broadcast_days
from audience_assets.reports.daily import DailyReport, gather_report
from audience_assets.reports.html import write_html
from audience_assets.reports.workbook import write_workbook
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.storage import StorageResource


def report_paths(output_dir: Path, date: str) -> tuple[Path, Path]:
    folder = output_dir / "reports" / date
    return folder / f"informe-{date}.xlsx", folder / f"informe-{date}.html"


@dg.asset(
    partitions_def=broadcast_days,
    group_name="reports",
    deps=[dg.AssetKey(name) for name in (
        "audience_records", "minute_audience", "audience_anomalies", "relevant_broadcasts")],
    kinds={"xlsx", "html"},
    code_version="1",
)
def daily_report(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    storage: StorageResource,
) -> dg.MaterializeResult:
    """Top broadcasts overall, per channel, per target and region, the notable items
    with their evidence, shares per channel, and each channel's minute curve."""
    date = context.partition_key
    report = gather_report(database.engine(), date)
    xlsx, html = report_paths(storage.path("output_dir"), date)
    write_workbook(report, xlsx)
    write_html(report, html)
    return dg.MaterializeResult(metadata=report_metadata(report, xlsx, html))


def report_metadata(report: DailyReport, xlsx: Path, html: Path) -> dict[str, Any]:
    summary = pd.DataFrame(report.summary_rows())
    return {
        "workbook": dg.MetadataValue.path(str(xlsx.resolve())),
        "html": dg.MetadataValue.url(html.resolve().as_uri()),
        "summary": dg.MetadataValue.md(summary.to_markdown(index=False) if len(summary)
                                       else "no records for this day"),
        "records": report.records,
        "notable_items": len(report.notable),
        "minute_sheets": len(report.minutes),
        "channel_shares": dg.MetadataValue.json(
            {s.channel: s.share for s in report.channel_shares}),
    }
