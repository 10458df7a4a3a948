"""SQL table `post_drafts`: one row per draft, with its review status and the
record of every attempt (JSON), so a reviewer sees what the model tried."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from audience_assets.core.store import metadata
from audience_assets.core.writing.loop import REVIEW_INVALID, REVIEW_PENDING, Draft

# Statuses the pipeline owns; any other (approved, edited, published...) is a reviewer's
# decision, which a re-run must neither delete nor redraft.
MACHINE_STATUSES = (REVIEW_PENDING, REVIEW_INVALID)

post_drafts = sa.Table(
    "post_drafts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("broadcast_date", sa.String(10), nullable=False, index=True),
    sa.Column("sheet_key", sa.String(1024), nullable=False),
    sa.Column("network", sa.String(16), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("writer", sa.String(16), nullable=False),
    sa.Column("model", sa.String(256), nullable=False),
    sa.Column("prompt_name", sa.String(256), nullable=False),
    sa.Column("prompt_sha256", sa.String(64), nullable=False),
    sa.Column("valid", sa.Boolean, nullable=False),
    sa.Column("fell_back", sa.Boolean, nullable=False),
    sa.Column("attempt_count", sa.Integer, nullable=False),
    sa.Column("llm_seconds", sa.Float, nullable=False),
    sa.Column("eval_count", sa.Integer, nullable=False),
    sa.Column("violations", sa.Text, nullable=False),
    sa.Column("attempts", sa.Text, nullable=False),
    sa.Column("fact_sheet", sa.Text, nullable=False),
    # pending_review -> approved / rejected / published (set by the review step).
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)


def ensure_schema(engine: sa.Engine) -> None:
    post_drafts.create(engine, checkfirst=True)


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
    ensure_schema(engine)
    c = post_drafts.c
    query = sa.select(c.sheet_key, c.network).where(
        c.broadcast_date == date, c.status.not_in(MACHINE_STATUSES))
    with engine.connect() as conn:
        return {(row.sheet_key, row.network) for row in conn.execute(query)}


def replace_drafts(engine: sa.Engine, date: str, drafts: Sequence[Draft]) -> int:
    """Replace the pipeline's drafts of `date` in one transaction (a re-run never
    duplicates); reviewed drafts stay as the reviewer left them. Returns rows written."""
    ensure_schema(engine)
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
    ensure_schema(engine)
    query = (sa.select(post_drafts).where(post_drafts.c.broadcast_date == date)
             .order_by(post_drafts.c.id))
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    for row in rows:
        for name in ("violations", "attempts", "fact_sheet"):
            row[name] = json.loads(row[name])
    return rows
