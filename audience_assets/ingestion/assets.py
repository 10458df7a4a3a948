"""Ingestion: delivered Kantar files -> immutable archive -> normalised records in SQL."""

import time
import warnings
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster_pandas import PandasColumn, create_dagster_pandas_dataframe_type

from audience_assets.ingestion import integrity
from audience_assets.ingestion.deliveries import read_delivery
from audience_assets.ingestion.hotfolder import archive_delivery, candidate_files
from audience_assets.ingestion.kantar import KantarParseError, parse_file
from audience_assets.ingestion.minutes import KIND as MINUTES_KIND
from audience_assets.ingestion.store import (
    DeliveryEntry,
    current_deliveries,
    register_delivery,
    replace_dates,
)
from audience_assets.partitions import broadcast_days
from audience_assets.records import RECORD_FIELDS, AudienceRecord
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.storage import StorageResource

# dagster-pandas marks its column types beta; they are what the issue asks for.
warnings.filterwarnings("ignore", category=dg.BetaWarning, module="dagster_pandas")
warnings.filterwarnings("ignore", category=dg.BetaWarning, module=__name__)

AudienceRecordsFrame = create_dagster_pandas_dataframe_type(
    name="AudienceRecordsFrame",
    description="Normalised Kantar records: one row per broadcast, target and region.",
    columns=[
        PandasColumn.string_column("broadcast_date", non_nullable=True),
        PandasColumn.string_column("channel", non_nullable=True),
        PandasColumn.string_column("title", non_nullable=True),
        PandasColumn.string_column("description"),
        PandasColumn.string_column("start", non_nullable=True),
        PandasColumn.string_column("end", non_nullable=True),
        PandasColumn.string_column("genre"),
        PandasColumn.float_column("share", min_value=0.0, max_value=100.0, non_nullable=True),
        PandasColumn.integer_column("avg_audience", min_value=0, non_nullable=True),
        PandasColumn.integer_column("unique_viewers", min_value=0, non_nullable=True),
        PandasColumn.string_column("target", non_nullable=True),
        PandasColumn.string_column("region", non_nullable=True),
        PandasColumn.string_column("source_file", non_nullable=True),
        PandasColumn.string_column("source_sha256", non_nullable=True),
    ],
)

CHECKS = {
    "required_fields_present": (integrity.missing_required, dg.AssetCheckSeverity.ERROR),
    "share_within_0_100": (integrity.share_out_of_range, dg.AssetCheckSeverity.ERROR),
    "avg_audience_within_reach": (integrity.audience_above_reach, dg.AssetCheckSeverity.ERROR),
    "fdm_consistent": (integrity.fdm_inconsistent, dg.AssetCheckSeverity.WARN),
    "unique_broadcast_key": (integrity.duplicate_keys, dg.AssetCheckSeverity.ERROR),
}


def accept_hot_folder_files(
    date: str, storage: StorageResource, database: DatabaseResource, log: dg.DagsterLogManager
) -> list[str]:
    """Archive and register the complete hot-folder files that cover `date`, then remove
    them from the hot folder. Files that do not parse stay for the sensor to quarantine."""
    accepted = []
    now = time.time()
    for path in candidate_files(storage.path("hot_folder")):
        if now - path.stat().st_mtime < storage.settle_seconds:
            log.info(f"{path.name}: still being copied, left for a later run")
            continue
        try:
            delivery = read_delivery(path)
        except KantarParseError as exc:
            log.warning(f"skipped unreadable delivery: {exc}")
            continue
        if date not in delivery.dates:
            continue
        for entry in archive_delivery(path, delivery, storage.path("archive_dir"), now):
            register_delivery(database.engine(), entry)
        path.unlink()
        accepted.append(path.name)
    return accepted


@dg.asset(
    partitions_def=broadcast_days,
    group_name="ingestion",
    kinds={"file"},
    code_version="1",
)
def kantar_raw_file(
    context: dg.AssetExecutionContext, storage: StorageResource, database: DatabaseResource
) -> dg.Output[list[DeliveryEntry]]:
    """The broadcast date's Kantar deliveries (programmes and minute-by-minute), archived
    immutably; a re-delivery of the same kind, target and region supersedes the earlier."""
    date = context.partition_key
    accepted = accept_hot_folder_files(date, storage, database, context.log)
    deliveries = current_deliveries(database.engine(), date)
    if not deliveries:
        raise dg.Failure(
            f"No Kantar delivery for {date}: drop its files into {storage.hot_folder} "
            "(or check the quarantine folder for a rejected one).",
            allow_retries=False,
        )
    table = pd.DataFrame(
        [
            {
                "file": d.file_name,
                "kind": d.kind,
                "target": d.target,
                "region": d.region,
                "rows": d.rows,
                "bytes": d.size,
                "sha256": d.sha256[:12],
            }
            for d in deliveries
        ]
    )
    return dg.Output(
        deliveries,
        metadata={
            "files": len(deliveries),
            "newly_accepted": ", ".join(accepted) or "none",
            "rows": sum(d.rows for d in deliveries),
            "bytes": sum(d.size for d in deliveries),
            "kinds": ", ".join(sorted({d.kind for d in deliveries})),
            "deliveries": dg.MetadataValue.md(table.to_markdown(index=False)),
            "archive": dg.MetadataValue.path(str(Path(deliveries[0].archived_path).parent)),
        },
    )


def records_frame(records: list[AudienceRecord]) -> pd.DataFrame:
    frame = pd.DataFrame([r.to_dict() for r in records], columns=list(RECORD_FIELDS))
    return frame.astype({"share": "float64", "avg_audience": "int64", "unique_viewers": "int64"})


@dg.asset(
    partitions_def=broadcast_days,
    group_name="ingestion",
    kinds={"pandas", "sql"},
    dagster_type=AudienceRecordsFrame,
    check_specs=[
        dg.AssetCheckSpec(
            name, asset="audience_records", blocking=severity == dg.AssetCheckSeverity.ERROR
        )
        for name, (_, severity) in CHECKS.items()
    ],
    code_version="1",
)
def audience_records(
    context: dg.AssetExecutionContext,
    kantar_raw_file: list[DeliveryEntry],
    database: DatabaseResource,
):
    """The date's normalised records, replacing that date's rows in table audience_records."""
    date = context.partition_key
    programmes = [d for d in kantar_raw_file if d.kind != MINUTES_KIND]
    if not programmes:
        # Only minute files so far: keep the stored records rather than wiping the day.
        raise dg.Failure(
            f"No programmes delivery for {date} yet (only minute-by-minute files); "
            "the date runs again when it arrives.",
            allow_retries=False,
        )
    records = [
        r
        for d in programmes
        for r in parse_file(d.archived_path, delivered_as=d.file_name).records
        if r.broadcast_date == date
    ]
    stored = replace_dates(database.engine(), [date], records)
    frame = records_frame(records)
    yield dg.Output(
        frame,
        metadata={
            "dagster/row_count": stored,
            "channels": ", ".join(sorted(frame["channel"].unique())),
            "targets": ", ".join(sorted(frame["target"].unique())),
            "regions": ", ".join(sorted(frame["region"].unique())),
            "preview": dg.MetadataValue.md(
                frame.sort_values("unique_viewers", ascending=False)
                .head(10)[
                    [
                        "channel",
                        "title",
                        "start",
                        "target",
                        "region",
                        "share",
                        "avg_audience",
                        "unique_viewers",
                    ]
                ]
                .to_markdown(index=False)
            ),
        },
    )
    yield from check_results(records)


def check_results(records: list[AudienceRecord]):
    for name, (rule, severity) in CHECKS.items():
        problems = rule(records)
        yield dg.AssetCheckResult(
            check_name=name,
            asset_key="audience_records",
            passed=not problems,
            severity=severity,
            metadata={
                "failures": len(problems),
                "examples": dg.MetadataValue.md(
                    "\n".join(f"- {p}" for p in problems[:20]) or "none"
                ),
            },
        )
