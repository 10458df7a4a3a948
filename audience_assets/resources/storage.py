"""Folders the pipeline reads and writes: hot folder, archive, quarantine, outputs."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from pydantic import Field

from audience_assets import settings


class StorageResource(dg.ConfigurableResource):
    """File locations; relative paths resolve against the working directory (the repo root)."""

    hot_folder: str = Field(
        default=settings.default("AUDIENCE_HOT_FOLDER"),
        description="Where the client drops deliveries (env AUDIENCE_HOT_FOLDER).",
    )
    archive_dir: str = Field(
        default=settings.default("AUDIENCE_ARCHIVE_DIR"),
        description="Immutable archive of every "
        "accepted delivery, <archive>/YYYY/MM/DD/<sha256>-<name> "
        "(env AUDIENCE_ARCHIVE_DIR).",
    )
    quarantine_dir: str = Field(
        default=settings.default("AUDIENCE_QUARANTINE_DIR"),
        description="Unreadable deliveries, each with a .reason.txt (env AUDIENCE_QUARANTINE_DIR).",
    )
    output_dir: str = Field(
        default=settings.default("AUDIENCE_OUTPUT_DIR"),
        description="Exports, reports and charts (env AUDIENCE_OUTPUT_DIR)."
    )
    settle_seconds: int = Field(
        default=settings.default("AUDIENCE_SETTLE_SECONDS"),
        description="A file counts as completely copied "
        "once its size and mtime stay unchanged this long "
        "(env AUDIENCE_SETTLE_SECONDS).",
    )

    def path(self, name: str) -> Path:
        folder = Path(getattr(self, name))
        folder.mkdir(parents=True, exist_ok=True)
        return folder
