"""post_exports: the day's approved posts, as the client downloads them."""

from typing import Any

import dagster as dg
import pandas as pd

from audience_assets.partitions import broadcast_days
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.storage import StorageResource
from audience_assets.review.exports import ExportResult, write_exports
from audience_assets.timing import timed

PREVIEW_CHARS = 120


@dg.asset(
    partitions_def=broadcast_days,
    group_name="review",
    deps=[dg.AssetKey("post_drafts")],
    kinds={"csv", "json", "xlsx"},
    code_version="1",
)
@timed
def post_exports(
    context: dg.AssetExecutionContext, database: DatabaseResource, storage: StorageResource
) -> dg.MaterializeResult:
    """The approved posts of the day (review desk) as CSV, JSON and XLSX plus their chosen
    images, in <output>/exports/YYYY-MM-DD/; the approvals sensor re-makes it."""
    result = write_exports(database.engine(), context.partition_key,
                           storage.path("output_dir"))
    if result.missing_images:
        context.log.warning(f"chosen images not on disk: {result.missing_images}")
    return dg.MaterializeResult(metadata=export_metadata(result))


def export_metadata(result: ExportResult) -> dict[str, Any]:
    preview = pd.DataFrame([{
        "red": r["red"], "orden": r["orden"], "programa": r["programa"],
        "revisor": r["revisor"], "imagen": r["imagen"] or "-",
        "texto": str(r["texto"]).replace("\n", " ")[:PREVIEW_CHARS]} for r in result.rows])
    networks: dict[str, int] = {}
    for r in result.rows:
        networks[r["red"]] = networks.get(r["red"], 0) + 1
    return {
        "dagster/row_count": len(result.rows),
        "folder": dg.MetadataValue.path(str(result.folder.resolve())),
        "files": ", ".join(str(p.relative_to(result.folder)) for p in result.files),
        "per_network": dg.MetadataValue.json(networks),
        "overrides": sum(1 for r in result.rows if r["motivo_excepcion"]),
        "missing_images": len(result.missing_images),
        "preview": dg.MetadataValue.md(preview.to_markdown(index=False) if len(preview)
                                       else "no approved post yet"),
    }
