"""SQL table `fact_sheets`: the day's fact sheets, replaced per date (idempotent re-runs)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa

from audience_assets.records import FactSheet
from audience_assets.sql.schema import fact_sheets


def replace_fact_sheets(engine: sa.Engine, date: str, sheets: Sequence[FactSheet]) -> int:
    with engine.begin() as conn:
        conn.execute(fact_sheets.delete().where(fact_sheets.c.broadcast_date == date))
        if sheets:
            conn.execute(fact_sheets.insert(), [{
                "broadcast_date": date, "sheet_key": s.key, "priority": s.priority,
                "event": s.event, "data": json.dumps(s.to_dict(), ensure_ascii=False),
            } for s in sheets])
    return len(sheets)


def load_fact_sheets(engine: sa.Engine, date: str) -> list[FactSheet]:
    query = (sa.select(fact_sheets.c.data).where(fact_sheets.c.broadcast_date == date)
             .order_by(fact_sheets.c.id))
    with engine.connect() as conn:
        return [FactSheet.from_dict(json.loads(row[0])) for row in conn.execute(query)]
