"""Folders the pipeline reads and writes: hot folder, archive, quarantine, outputs."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from audience_assets.resources import setting_field


class StorageResource(dg.ConfigurableResource):
    """File locations; relative paths resolve against the working directory (the repo root)."""

    hot_folder: str = setting_field("AUDIENCE_HOT_FOLDER", "Where the client drops deliveries")
    archive_dir: str = setting_field(
        "AUDIENCE_ARCHIVE_DIR", "Immutable archive of every accepted delivery, "
        "<archive>/YYYY/MM/DD/<sha256>-<name>")
    quarantine_dir: str = setting_field(
        "AUDIENCE_QUARANTINE_DIR", "Unreadable deliveries, each with a .reason.txt")
    output_dir: str = setting_field("AUDIENCE_OUTPUT_DIR", "Exports, reports and charts")
    settle_seconds: int = setting_field(
        "AUDIENCE_SETTLE_SECONDS", "A file counts as completely copied once its size and "
        "mtime stay unchanged this long")

    def path(self, name: str) -> Path:
        folder = Path(getattr(self, name))
        folder.mkdir(parents=True, exist_ok=True)
        return folder
