"""SQL tables `post_drafts` (what reviewers see: one row per draft, with its review status
and the record of every attempt as JSON) and `post_drafts_staging` (a run's drafts until
the strict validator has audited them: write, audit, publish).

Everything is scoped by (broadcast date, network): drafting one network never touches
another's drafts, and a draft a reviewer has handled is never deleted or redrafted."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from audience_assets.drafting.writing.loop import REVIEW_INVALID, REVIEW_PENDING, Draft
from audience_assets.sql.schema import post_drafts, post_drafts_staging, review_state

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


def reviewed_keys(engine: sa.Engine, date: str, network: str | None = None
                  ) -> set[tuple[str, str]]:
    """(sheet_key, network) of the drafts of `date` (of `network`, when given) that a
    reviewer has already handled."""
    c = post_drafts.c
    query = sa.select(c.sheet_key, c.network).where(
        c.broadcast_date == date, c.status.not_in(MACHINE_STATUSES))
    if network is not None:
        query = query.where(c.network == network)
    with engine.connect() as conn:
        return {(row.sheet_key, row.network) for row in conn.execute(query)}


def _check_network(network: str, drafts: Sequence[Draft]) -> None:
    others = sorted({d.network for d in drafts} - {network})
    if others:
        raise ValueError(f"drafts for {', '.join(others)} given to a {network} run")


def stage_drafts(engine: sa.Engine, run_id: str, date: str, network: str,
                 drafts: Sequence[Draft]) -> int:
    """Write a run's drafts of (`date`, `network`) to `post_drafts_staging`, where no
    reviewer sees them; earlier staged rows of that date and network (a run whose check
    failed) are cleared. Returns rows staged."""
    _check_network(network, drafts)
    now = time.time()
    s = post_drafts_staging.c
    with engine.begin() as conn:
        conn.execute(post_drafts_staging.delete().where(
            sa.or_(s.run_id == run_id, sa.and_(s.broadcast_date == date, s.network == network))))
        rows = [{"run_id": run_id, **_row(date, d, now)} for d in drafts]
        if rows:
            conn.execute(post_drafts_staging.insert(), rows)
    return len(drafts)


def load_staged(engine: sa.Engine, run_id: str) -> list[dict[str, Any]]:
    """The run's staged drafts as stored (JSON columns decoded), for the audit."""
    query = (sa.select(post_drafts_staging).where(post_drafts_staging.c.run_id == run_id)
             .order_by(post_drafts_staging.c.id))
    with engine.connect() as conn:
        return [_decoded(dict(r._mapping)) for r in conn.execute(query)]


def publish_staged(engine: sa.Engine, run_id: str, date: str, network: str) -> int:
    """Make the run's staged drafts the published ones of (`date`, `network`), in one
    transaction: the pipeline's earlier drafts of that date and network go, reviewed
    drafts stay (also those reviewed while the run was drafting), other networks and
    dates are untouched. Returns rows published."""
    c, s = post_drafts.c, post_drafts_staging.c
    columns = [col.name for col in post_drafts.columns if col.name != "id"]
    with engine.begin() as conn:
        # The delete comes first so that SQLite takes the write lock before any read.
        conn.execute(post_drafts.delete().where(
            c.broadcast_date == date, c.network == network, c.status.in_(MACHINE_STATUSES)))
        kept = {row.sheet_key for row in conn.execute(
            sa.select(c.sheet_key).where(c.broadcast_date == date, c.network == network))}
        staged = [dict(r._mapping) for r in conn.execute(
            sa.select(*[s[name] for name in columns]).where(s.run_id == run_id)
            .order_by(s.id))]
        rows = [row for row in staged if row["sheet_key"] not in kept]
        if rows:
            conn.execute(post_drafts.insert(), rows)
        conn.execute(post_drafts_staging.delete().where(s.run_id == run_id))
    return len(rows)


def replace_drafts(engine: sa.Engine, date: str, drafts: Sequence[Draft],
                   network: str | None = None) -> int:
    """Replace the pipeline's drafts of `date` for `network` (default: each network the
    drafts are for, one at a time) through staging and publishing: a re-run never
    duplicates; reviewed drafts and the networks not given stay as they were. Returns
    rows written."""
    networks = [network] if network else sorted({d.network for d in drafts})
    if not networks:
        raise ValueError("replace_drafts needs the network when no drafts are given")
    written = 0
    for name in networks:
        run_id = f"replace-{uuid.uuid4().hex}"
        mine = drafts if network else [d for d in drafts if d.network == name]
        stage_drafts(engine, run_id, date, name, mine)  # refuses drafts of another network
        written += publish_staged(engine, run_id, date, name)
    return written


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    for name in ("violations", "attempts", "fact_sheet"):
        row[name] = json.loads(row[name])
    return row


def load_drafts(engine: sa.Engine, date: str) -> list[dict[str, Any]]:
    query = (sa.select(post_drafts).where(post_drafts.c.broadcast_date == date)
             .order_by(post_drafts.c.id))
    with engine.connect() as conn:
        return [_decoded(dict(r._mapping)) for r in conn.execute(query)]


def recent_post_texts(engine: sa.Engine, date: str, days: int = 7) -> list[str]:
    """The texts of the drafts of the `days` broadcast dates before `date` (every network
    and status but `invalid`): a new candidate may not copy their wording (issue 21)."""
    import datetime as dt

    day = dt.date.fromisoformat(date)
    first = (day - dt.timedelta(days=days)).isoformat()
    query = (sa.select(post_drafts.c.text)
             .where(post_drafts.c.broadcast_date >= first, post_drafts.c.broadcast_date < date,
                    post_drafts.c.status != REVIEW_INVALID))
    with engine.connect() as conn:
        return [str(r[0]) for r in conn.execute(query) if r[0]]


def desk_approvals(engine: sa.Engine, network: str | None = None,
                   before: str | None = None) -> list[dict[str, Any]]:
    """The posts the desk approved (table `review_state`, status approved), each with its
    draft (id, generated text, fact sheet): the writer's example pool is built from them
    (writing/pool.py). The text is the one approved: the editor's when edited."""
    d, r = post_drafts.c, review_state.c
    query = (sa.select(d.id, d.broadcast_date, d.sheet_key, d.network, d.text, d.fact_sheet,
                       r.final_text, r.reviewer, r.decided_at, r.updated_at)
             .join(review_state, sa.and_(r.broadcast_date == d.broadcast_date,
                                         r.sheet_key == d.sheet_key, r.network == d.network))
             .where(r.status == "approved").order_by(d.broadcast_date, d.id))
    if network is not None:
        query = query.where(d.network == network)
    if before is not None:
        query = query.where(d.broadcast_date < before)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [{"draft_id": int(row["id"]), "broadcast_date": str(row["broadcast_date"]),
             "sheet_key": str(row["sheet_key"]), "network": str(row["network"]),
             "generated_text": str(row["text"]), "final_text": str(row["final_text"]),
             "approved_by": str(row["reviewer"]),
             "approved_at": float(row["decided_at"] or row["updated_at"]),
             "fact_sheet": json.loads(row["fact_sheet"])} for row in rows]
