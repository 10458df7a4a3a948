"""The hot folder: which files are complete, archiving them immutably, quarantining bad ones.

Pure file logic (no Dagster): the sensor decides *when*, this module decides *what*.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from audience_assets.ingestion.deliveries import DeliverySummary
from audience_assets.ingestion.store import DeliveryEntry
from audience_assets.paths import stored_path

# Names that copy tools and office programs use while a file is still being written.
TEMPORARY_PATTERNS = ("*.part", "*.partial", "*.crdownload", "*.tmp", "*.download", "~$*", ".*")


def is_temporary(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in TEMPORARY_PATTERNS)


@dataclass(frozen=True, slots=True)
class Observation:
    """A file's size and mtime, and since when they have been seen unchanged."""

    size: int
    mtime_ns: int
    since: float

    def to_list(self) -> list[float | int]:
        return [self.size, self.mtime_ns, self.since]

    @classmethod
    def from_list(cls, values: list[float | int]) -> Observation:
        return cls(int(values[0]), int(values[1]), float(values[2]))


def observe(path: Path, previous: Observation | None, now: float) -> Observation:
    """The file's observation now: `since` carries over only while nothing changed."""
    stat = path.stat()
    if previous and previous.size == stat.st_size and previous.mtime_ns == stat.st_mtime_ns:
        return previous
    return Observation(stat.st_size, stat.st_mtime_ns, now)


def is_settled(obs: Observation, now: float, settle_seconds: float) -> bool:
    """Complete once unchanged for `settle_seconds`, counted from the later of first sight
    and last modification (a file copied in with an old mtime still waits one period)."""
    last_change = max(obs.since, obs.mtime_ns / 1e9)
    return obs.size > 0 and now - last_change >= settle_seconds


def candidate_files(folder: Path) -> list[Path]:
    """Regular, non-temporary files directly in the hot folder, oldest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if is_temporary(path.name):
            continue
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue  # taken by a concurrent run between listing and stat
        if S_ISREG(stat.st_mode):
            found.append((stat.st_mtime_ns, path.name, path))
    return [path for _, _, path in sorted(found)]


def archive_path(archive_dir: Path, date: str, sha256: str, name: str) -> Path:
    year, month, day = date.split("-")
    return archive_dir / year / month / day / f"{sha256}-{name}"


def publish_once(source: Path, target: Path) -> bool:
    """Copy `source` to `target` unless it is already there; False when it was.

    Safe when two runs archive the same file at once: each copies to its own temporary
    name, then links it into place, which fails instead of overwriting (rename-if-absent),
    so readers never see half a file and the archived copy is written exactly once.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        shutil.copyfile(source, tmp)
        tmp.chmod(0o444)
        try:
            os.link(tmp, target)
        except FileExistsError:
            return False
        return True
    finally:
        tmp.unlink(missing_ok=True)


def archive_delivery(
    source: Path, delivery: DeliverySummary, archive_dir: Path, received_at: float | None = None
) -> list[DeliveryEntry]:
    """Copy `source` under every date it covers; existing archive files are never rewritten."""
    received_at = time.time() if received_at is None else received_at
    size = source.stat().st_size
    entries = []
    for date in delivery.dates:
        target = archive_path(archive_dir, date, delivery.sha256, source.name)
        if not target.exists():
            publish_once(source, target)
        rows = delivery.rows_by_date[date]
        entries.append(
            DeliveryEntry(
                sha256=delivery.sha256,
                broadcast_date=date,
                file_name=source.name,
                archived_path=stored_path(target, archive_dir),
                kind=delivery.kind,
                target=delivery.target,
                region=delivery.region,
                size=size,
                rows=rows,
                received_at=received_at,
            )
        )
    return entries


def quarantine(source: Path, quarantine_dir: Path, reason: str) -> Path:
    """Move an unreadable delivery aside with its reason beside it; nothing is deleted."""
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    target = quarantine_dir / f"{stamp}-{source.name}"
    shutil.move(str(source), target)
    target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
    return target
