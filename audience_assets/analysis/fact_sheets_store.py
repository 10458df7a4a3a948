"""SQL table `fact_sheets`: the day's fact sheets, replaced per date (idempotent re-runs)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa

from audience_assets.core.records import FactSheet

metadata = sa.MetaData()

fact_sheets = sa.Table(
    "fact_sheets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("broadcast_date", sa.String(10), nullable=False, index=True),
    sa.Column("sheet_key", sa.String(1024), nullable=False),
    sa.Column("priority", sa.Integer, nullable=False),
    sa.Column("event", sa.String(512), nullable=False),
    sa.Column("data", sa.Text, nullable=False),  # FactSheet.to_dict() as JSON
)


def replace_fact_sheets(engine: sa.Engine, date: str, sheets: Sequence[FactSheet]) -> int:
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(fact_sheets.delete().where(fact_sheets.c.broadcast_date == date))
        if sheets:
            conn.execute(fact_sheets.insert(), [{
                "broadcast_date": date, "sheet_key": s.key, "priority": s.priority,
                "event": s.event, "data": json.dumps(s.to_dict(), ensure_ascii=False),
            } for s in sheets])
    return len(sheets)


def load_fact_sheets(engine: sa.Engine, date: str) -> list[FactSheet]:
    metadata.create_all(engine)
    query = (sa.select(fact_sheets.c.data).where(fact_sheets.c.broadcast_date == date)
             .order_by(fact_sheets.c.id))
    with engine.connect() as conn:
        return [FactSheet.from_dict(json.loads(row[0])) for row in conn.execute(query)]
