"""Any delivery the client drops, whatever its kind: what the hot folder needs to know."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from audience_assets.core.kantar import KantarParseError, parse_file, sniff_kind
from audience_assets.core.minutes import KIND as MINUTES_KIND
from audience_assets.core.minutes import parse_minutes_file


@dataclass(frozen=True, slots=True)
class DeliverySummary:
    kind: str
    sha256: str
    target: str
    region: str
    dates: tuple[str, ...]
    rows: int


def read_delivery(path: Path) -> DeliverySummary:
    """Parse a programmes or minute-by-minute file fully; raises KantarParseError."""
    try:
        with open(path, "rb") as handle:
            kind = sniff_kind(handle.read(4096))
    except OSError as exc:
        raise KantarParseError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    if kind == MINUTES_KIND:
        minutes = parse_minutes_file(path)
        return DeliverySummary(
            kind,
            minutes.sha256,
            minutes.target,
            minutes.region,
            tuple(minutes.dates),
            len(minutes.points),
        )
    programmes = parse_file(path)
    return DeliverySummary(
        programmes.kind,
        programmes.sha256,
        programmes.target,
        programmes.region,
        tuple(programmes.dates),
        len(programmes.records),
    )
