"""Reading and writing normalised records and deliveries (tables in `audience_assets.sql`).

Plain SQLAlchemy Core, no Dagster: the assets, the CLI and the history queries
share these functions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from audience_assets.records import RECORD_FIELDS, AudienceRecord
from audience_assets.sql.schema import audience_records, deliveries


def _row(record: AudienceRecord) -> dict[str, Any]:
    row = record.to_dict()
    row["extra"] = json.dumps(row["extra"], ensure_ascii=False, sort_keys=True)
    return row


def replace_dates(
    engine: sa.Engine, dates: Iterable[str], records: Sequence[AudienceRecord]
) -> int:
    """Replace every row of `dates` by `records` in one transaction; returns rows written.

    A re-run or a corrected re-delivery therefore never duplicates a day, and a
    failure half-way leaves the previous rows in place.
    """
    date_list = sorted(set(dates))
    with engine.begin() as conn:
        if date_list:
            conn.execute(
                audience_records.delete().where(audience_records.c.broadcast_date.in_(date_list))
            )
        if records:
            conn.execute(audience_records.insert(), [_row(r) for r in records])
    return len(records)


def _record(row: sa.Row[Any]) -> AudienceRecord:
    data = dict(row._mapping)
    data.pop("id", None)
    return AudienceRecord.from_dict(data)


def load_records(
    engine: sa.Engine, start_date: str, end_date: str | None = None
) -> list[AudienceRecord]:
    """Records with broadcast_date in [start_date, end_date] (inclusive), in a stable order."""
    end_date = end_date or start_date
    c = audience_records.c
    query = (
        sa.select(*[c[name] for name in RECORD_FIELDS])
        .where(c.broadcast_date >= start_date, c.broadcast_date <= end_date)
        .order_by(c.broadcast_date, c.target, c.region, c.channel, c.start, c.title)
    )
    with engine.connect() as conn:
        return [_record(row) for row in conn.execute(query)]


def count_records(engine: sa.Engine, date: str) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(audience_records)
        .where(audience_records.c.broadcast_date == date)
    )
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


@dataclass(frozen=True, slots=True)
class DeliveryEntry:
    sha256: str
    broadcast_date: str
    file_name: str
    archived_path: str
    kind: str
    target: str
    region: str
    size: int
    rows: int
    received_at: float


def register_delivery(engine: sa.Engine, entry: DeliveryEntry) -> bool:
    """Record an archived delivery; registering the same content again is a no-op (False).

    Insert-or-ignore on the (sha256, broadcast_date) key, not check-then-insert, so two
    runs registering the same file at once cannot both insert nor fail.
    """
    row = asdict(entry)
    dialect = engine.dialect.name
    with engine.begin() as conn:
        if dialect in ("sqlite", "postgresql"):
            insert = (sqlite_insert if dialect == "sqlite" else pg_insert)(deliveries)
            result = conn.execute(insert.values(row).on_conflict_do_nothing(
                index_elements=["sha256", "broadcast_date"]))
            return bool(result.rowcount)
    try:
        with engine.begin() as conn:
            conn.execute(deliveries.insert(), [row])
        return True
    except sa.exc.IntegrityError:
        return False


def current_deliveries(engine: sa.Engine, date: str) -> list[DeliveryEntry]:
    """The latest delivery of each (kind, target, region) for `date`: re-deliveries win."""
    return current_deliveries_between(engine, date, date).get(date, [])


def current_deliveries_between(engine: sa.Engine, start: str, end: str
                               ) -> dict[str, list[DeliveryEntry]]:
    """`current_deliveries` of every date in [start, end] that has any, in one query."""
    c = deliveries.c
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(deliveries).where(c.broadcast_date >= start, c.broadcast_date <= end)
            .order_by(c.received_at)
        ).all()
    latest: dict[str, dict[tuple[str, str, str], DeliveryEntry]] = {}
    for row in rows:
        entry = DeliveryEntry(**dict(row._mapping))
        latest.setdefault(entry.broadcast_date, {})[(entry.kind, entry.target, entry.region)] = (
            entry)
    return {date: sorted(found.values(), key=lambda e: (e.kind, e.target, e.region))
            for date, found in sorted(latest.items())}
