"""SQL table `post_drafts`: one row per draft, with its review status and the
record of every attempt (JSON), so a reviewer sees what the model tried."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from audience_assets.drafting.writing.loop import REVIEW_INVALID, REVIEW_PENDING, Draft
from audience_assets.sql.schema import post_drafts

# Statuses the pipeline owns; any other (approved, edited, published...) is a reviewer's
# decision, which a re-run must neither delete nor redraft.
MACHINE_STATUSES = (REVIEW_PENDING, REVIEW_INVALID)

def _row(date: str, draft: Draft, now: float) -> dict[str, Any]:
    return {
        "broadcast_date": date,
        "sheet_key": draft.sheet_key,
        "network": draft.network,
        "text": draft.text,
        "mode": draft.mode,
        "writer": draft.writer,
        "model": draft.model,
        "prompt_name": draft.prompt_name,
        "prompt_sha256": draft.prompt_sha256,
        "valid": draft.valid,
        "fell_back": draft.fell_back,
        "attempt_count": draft.attempt_count,
        "llm_seconds": round(draft.llm_seconds, 3),
        "eval_count": draft.eval_count,
        "violations": json.dumps(draft.violations, ensure_ascii=False),
        "attempts": json.dumps([a.to_dict() for a in draft.attempts], ensure_ascii=False),
        "fact_sheet": json.dumps(draft.fact_sheet, ensure_ascii=False, sort_keys=True),
        "status": draft.status,
        "created_at": now,
    }


def reviewed_keys(engine: sa.Engine, date: str) -> set[tuple[str, str]]:
    """(sheet_key, network) of the drafts of `date` that a reviewer has already handled."""
    c = post_drafts.c
    query = sa.select(c.sheet_key, c.network).where(
        c.broadcast_date == date, c.status.not_in(MACHINE_STATUSES))
    with engine.connect() as conn:
        return {(row.sheet_key, row.network) for row in conn.execute(query)}


def replace_drafts(engine: sa.Engine, date: str, drafts: Sequence[Draft]) -> int:
    """Replace the pipeline's drafts of `date` in one transaction (a re-run never
    duplicates); reviewed drafts stay as the reviewer left them. Returns rows written."""
    now = time.time()
    with engine.begin() as conn:
        conn.execute(post_drafts.delete().where(post_drafts.c.broadcast_date == date,
                                                post_drafts.c.status.in_(MACHINE_STATUSES)))
        kept = {(r.sheet_key, r.network) for r in conn.execute(
            sa.select(post_drafts.c.sheet_key, post_drafts.c.network)
            .where(post_drafts.c.broadcast_date == date))}
        rows = [_row(date, d, now) for d in drafts if (d.sheet_key, d.network) not in kept]
        if rows:
            conn.execute(post_drafts.insert(), rows)
    return len(rows)


def load_drafts(engine: sa.Engine, date: str) -> list[dict[str, Any]]:
    query = (sa.select(post_drafts).where(post_drafts.c.broadcast_date == date)
             .order_by(post_drafts.c.id))
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    for row in rows:
        for name in ("violations", "attempts", "fact_sheet"):
            row[name] = json.loads(row[name])
    return rows
