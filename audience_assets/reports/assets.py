"""daily_report: each client profile's daily report (XLSX, HTML, PDF) for a broadcast date.

One asset per profile under the `daily_report` key prefix (daily_report/mercado,
daily_report/atresmedia...), made by one subsettable multi_asset partitioned by date like
the rest of the chain: the day's job and its backfills include every profile, the day's
SQL is read once for all of them, and one profile can be rebuilt alone (see README).
"""

from collections.abc import Iterator
from typing import Any

import dagster as dg
import pandas as pd

from audience_assets.analysis.config import load_analysis_config
from audience_assets.partitions import broadcast_days
from audience_assets.reports.daily import gather_report
from audience_assets.reports.deliver import Delivered, add_pdfs, report_folder, write_documents
from audience_assets.reports.names import display_names
from audience_assets.reports.parts import DailyReport
from audience_assets.reports.profiles import load_profiles, profile_names
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.storage import StorageResource
from audience_assets.timing import timed

REPORT_PREFIX = "daily_report"
UPSTREAM = ("audience_records", "minute_audience", "audience_anomalies",
            "relevant_broadcasts")


def report_key(profile: str) -> dg.AssetKey:
    return dg.AssetKey([REPORT_PREFIX, profile])


@dg.multi_asset(
    name="daily_report",
    specs=[dg.AssetSpec(report_key(name), group_name="reports",
                        deps=[dg.AssetKey(u) for u in UPSTREAM],
                        kinds={"xlsx", "html", "pdf"}, code_version="2",
                        description=f"The daily report of profile {name} "
                                    f"(data/config/reports/{name}.yaml), in "
                                    f"AUDIENCE_OUTPUT_DIR/reports/{name}/<date>/.")
           for name in profile_names()],
    partitions_def=broadcast_days,
    can_subset=True,
)
@timed
def daily_report(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    storage: StorageResource,
) -> Iterator[dg.MaterializeResult]:
    """Each selected profile's report from the day's records, fact sheets, minute curves and
    anomalies in SQL: headline figures against the day before, last week and the period's
    mean, rankings without filler, shares, notable facts, minute curves with gaps."""
    date = context.partition_key
    config = load_analysis_config()
    profiles = load_profiles()
    chosen = [profiles[key.path[-1]] for key in sorted(context.selected_asset_keys)
              if key.path[-1] in profiles]
    engine = database.engine()
    reports: dict[str, DailyReport] = {}
    delivered: list[Delivered] = []
    for profile in chosen:
        report = gather_report(engine, date, profile, display_names(profile, config))
        reports[profile.name] = report
        delivered.append(write_documents(
            report, report_folder(storage.path("output_dir"), profile.name, date)))
    add_pdfs(delivered, {p.name: "pdf" in p.deliverables for p in chosen})
    failures = []
    for done in delivered:
        for line in done.failures.values():
            context.log.error(f"{done.profile}: {line}")
            failures.append(f"{done.profile}: {line}")
        yield dg.MaterializeResult(asset_key=report_key(done.profile),
                                   metadata=report_metadata(reports[done.profile], done))
    if failures:
        # XLSX and HTML are written and recorded above; the missing PDF fails the step
        # so the run shows it in red with its one-line cause.
        raise dg.Failure(description=failures[0], allow_retries=False)


def report_metadata(report: DailyReport, done: Delivered) -> dict[str, Any]:
    summary = pd.DataFrame(report.summary_rows())
    meta: dict[str, Any] = {
        kind: dg.MetadataValue.path(str(path.resolve())) for kind, path in done.files.items()}
    if "html" in done.files:
        meta["open"] = dg.MetadataValue.url(done.files["html"].resolve().as_uri())
    meta.update({
        "date": report.long_date,
        "summary": dg.MetadataValue.md(summary.to_markdown(index=False) if len(summary)
                                       else "no records for this day"),
        "headline": dg.MetadataValue.md(_headline_md(report)),
        "records": report.records,
        "broadcasts_ranked": report.ranked,
        "broadcasts_excluded": report.excluded_broadcasts,
        "notable_items": len(report.notable),
        "minute_sheets": len(report.minutes),
        "data_gaps": sum(len(m.gaps) for m in report.minutes),
        "notices": dg.MetadataValue.md("\n".join(f"- {n}" for n in report.notices)
                                       or "none"),
        "channel_shares": dg.MetadataValue.json(
            {s.channel: s.share for s in report.channel_shares}),
    })
    for kind, line in done.failures.items():
        meta[f"{kind}_failed"] = line
    return meta


def _headline_md(report: DailyReport) -> str:
    rows = []
    for h in report.headline:
        cells = [h.subject, f"{h.share.value:.1f} %"]
        for c in h.share.comparisons:
            cells.append("sin datos" if c.change is None else
                         f"{c.arrow} {c.points:+.1f} p.p. ({c.change:+.1f} %)")
        rows.append("| " + " | ".join(cells) + " |")
    if not rows:
        return "no figures"
    labels = [c.label for c in report.headline[0].share.comparisons]
    head = "| | cuota | " + " | ".join(labels) + " |\n|" + "---|" * (2 + len(labels))
    return head + "\n" + "\n".join(rows)

