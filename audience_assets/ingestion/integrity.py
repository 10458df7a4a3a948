"""Integrity rules for normalised records: each returns the offending records' keys.

The asset checks on `audience_records` report these; pure so they are tested alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from audience_assets.records import AudienceRecord

REQUIRED_TEXT = ("broadcast_date", "channel", "title", "start", "end", "target", "region")
# FdM is printed with one decimal from AM and MAA rounded to thousands: allow that rounding.
FDM_TOLERANCE_POINTS = 1.0


def _label(r: AudienceRecord) -> str:
    return f"{r.broadcast_date} {r.channel} {r.start[11:16]} {r.title} [{r.target} / {r.region}]"


def missing_required(records: Sequence[AudienceRecord]) -> list[str]:
    return [
        f"{_label(r)}: {name}" for r in records for name in REQUIRED_TEXT if not getattr(r, name)
    ]


def share_out_of_range(records: Sequence[AudienceRecord]) -> list[str]:
    return [f"{_label(r)}: share {r.share}" for r in records if not 0 <= r.share <= 100]


def audience_above_reach(records: Sequence[AudienceRecord]) -> list[str]:
    return [
        f"{_label(r)}: AM {r.avg_audience} > MAA {r.unique_viewers}"
        for r in records
        if r.avg_audience > r.unique_viewers
    ]


def fdm_value(r: AudienceRecord) -> float | None:
    raw = r.extra.get("FdM", "").replace(",", ".").strip()
    if not raw:
        return None
    try:
        return float(Decimal(raw))
    except InvalidOperation:
        return None


def fdm_inconsistent(
    records: Sequence[AudienceRecord], tolerance: float = FDM_TOLERANCE_POINTS
) -> list[str]:
    """Records whose FdM (loyalty %) is far from 100*AM/MAA: a sign of shifted columns."""
    bad = []
    for r in records:
        fdm = fdm_value(r)
        if fdm is None or r.unique_viewers <= 0:
            continue
        expected = 100 * r.avg_audience / r.unique_viewers
        # Rounding AM and MAA to thousands moves the ratio too; small audiences move it most.
        slack = tolerance + 100 * 500 / r.unique_viewers * (1 + r.avg_audience / r.unique_viewers)
        if abs(fdm - expected) > slack:
            bad.append(f"{_label(r)}: FdM {fdm} vs 100*AM/MAA {expected:.1f}")
    return bad


def duplicate_keys(records: Sequence[AudienceRecord]) -> list[str]:
    counts = Counter(r.key for r in records)
    return [" | ".join(key) + f" (x{n})" for key, n in counts.items() if n > 1]
