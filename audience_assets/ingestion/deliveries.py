"""Any delivery the client drops, whatever its kind: what the hot folder needs to know."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from audience_assets.ingestion.kantar import KantarParseError, parse_file
from audience_assets.ingestion.layout import sniff_kind
from audience_assets.ingestion.minutes import KIND as MINUTES_KIND
from audience_assets.ingestion.minutes import parse_minutes_file


@dataclass(frozen=True, slots=True)
class DeliverySummary:
    kind: str
    sha256: str
    target: str
    region: str
    rows_by_date: dict[str, int]

    @property
    def dates(self) -> list[str]:
        return sorted(self.rows_by_date)


def read_delivery(path: Path) -> DeliverySummary:
    """Parse a programmes or minute-by-minute file fully; raises KantarParseError."""
    try:
        with open(path, "rb") as handle:
            kind = sniff_kind(handle.read(4096))
    except OSError as exc:
        raise KantarParseError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    if kind == MINUTES_KIND:
        minutes = parse_minutes_file(path)
        rows = Counter(p.broadcast_date for p in minutes.points)
        return DeliverySummary(kind, minutes.sha256, minutes.target, minutes.region, dict(rows))
    programmes = parse_file(path)
    rows = Counter(r.broadcast_date for r in programmes.records)
    return DeliverySummary(
        programmes.kind, programmes.sha256, programmes.target, programmes.region, dict(rows)
    )
