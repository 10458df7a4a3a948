"""What the desk reads: one post's stored state, the day's posts in the plan's order, the
index's counts, image candidates, the approved set and its fingerprint (no Dagster).

A draft is identified by (broadcast_date, sheet_key, network), as in `post_drafts`; its
review state (table `review_state`) is what a reviewer made of it, absent while untouched.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from audience_assets.analysis.store import plan_entries
from audience_assets.drafting.store import MACHINE_STATUSES
from audience_assets.drafting.validation import measure, validate
from audience_assets.drafting.validation.config import load_config
from audience_assets.review.decisions import (
    APPROVED,
    DECISIONS,
    REJECTED,
    DraftKey,
    ReviewError,
    decision_of,
)
from audience_assets.sql.schema import image_candidates as image_candidates_table
from audience_assets.sql.schema import post_drafts, review_history, review_state


@dataclass
class Image:
    sha256: str
    rank: int
    score: float
    image_url: str
    page_url: str
    path: str
    default: bool
    reasons: str
    credit: str = ""


@dataclass
class ReviewItem:
    """One post as the desk shows it."""

    key: DraftKey
    rank: int
    fact_sheet: dict[str, Any]
    generated_text: str
    text: str
    status: str
    version: int
    reviewer: str
    updated_at: float | None
    decided_at: float | None
    override_reason: str
    chosen_image: str
    verdict: dict[str, Any]
    length: int
    writer: str
    model: str
    images: list[Image] = field(default_factory=list)
    plan_rank: int | None = None  # the plan's rank; None: outside the plan (plan_note says why)
    plan_note: str = ""

    @property
    def reviewed(self) -> bool:
        return self.status in (APPROVED, REJECTED)


def check_text(text: str, fact_sheet: dict[str, Any], network: str) -> dict[str, Any]:
    """The strict validator's verdict plus the length the network counts. Verdicts are
    remembered (the text an editor checks as they type is the one they then save or
    approve), so each distinct text is validated once."""
    verdict = _verdict(text, json.dumps(fact_sheet, sort_keys=True, ensure_ascii=False),
                       network)
    return json.loads(verdict)


@functools.lru_cache(maxsize=4096)
def _verdict(text: str, sheet_json: str, network: str) -> str:
    # a JSON string, so a caller can never mutate what the cache holds
    verdict = validate(text, json.loads(sheet_json), network, config=load_config())
    return json.dumps({**verdict.to_dict(), "length": measure(text, network)},
                      ensure_ascii=False)


def state_row(conn: sa.Connection, key: DraftKey) -> dict[str, Any] | None:
    c = review_state.c
    row = conn.execute(sa.select(review_state).where(
        c.broadcast_date == key.date, c.sheet_key == key.sheet_key,
        c.network == key.network)).first()
    return dict(row._mapping) if row else None


def draft_row(conn: sa.Connection, key: DraftKey) -> dict[str, Any]:
    c = post_drafts.c
    row = conn.execute(sa.select(post_drafts).where(
        c.broadcast_date == key.date, c.sheet_key == key.sheet_key,
        c.network == key.network).order_by(c.id.desc())).first()
    if row is None:
        raise ReviewError("Este borrador ya no existe (¿se volvió a generar el día?).")
    data = dict(row._mapping)
    data["fact_sheet"] = json.loads(data["fact_sheet"])
    return data


def _current_text(state: dict[str, Any] | None, draft: dict[str, Any]) -> str:
    if state is None or state["status"] in MACHINE_STATUSES:
        return str(draft["text"])
    return str(state["final_text"])


def public_of(state: dict[str, Any] | None, draft: dict[str, Any]) -> dict[str, Any]:
    status = state["status"] if state else draft["status"]
    return {
        "version": state["version"] if state else 0,
        "status": status,
        "decision": decision_of(status),
        "text": _current_text(state, draft),
        "reviewer": state["reviewer"] if state else "",
        "updated_at": state["updated_at"] if state else None,
        "decided_at": state["decided_at"] if state else None,
        "chosen_image": state["chosen_image"] if state else "",
        "override_reason": state["override_reason"] if state else "",
    }


def public_state(engine: sa.Engine, key: DraftKey,
                 draft: dict[str, Any] | None = None) -> dict[str, Any]:
    """What SQL holds for one post now: version, status, decision, text, reviewer, image."""
    with engine.connect() as conn:
        return public_of(state_row(conn, key), draft or draft_row(conn, key))


def history(engine: sa.Engine, key: DraftKey) -> list[dict[str, Any]]:
    c = review_history.c
    with engine.connect() as conn:
        rows = conn.execute(sa.select(review_history).where(
            c.broadcast_date == key.date, c.sheet_key == key.sheet_key,
            c.network == key.network).order_by(c.id)).all()
    return [dict(r._mapping) for r in rows]


def image_candidates(engine: sa.Engine, key: DraftKey) -> list[Image]:
    """The draft's image candidates, best first; none while that stage has not run."""
    return _images(engine, key.date, key).get((key.sheet_key, key.network), [])


def _images(engine: sa.Engine, date: str, key: DraftKey | None = None
            ) -> dict[tuple[str, str], list[Image]]:
    """The date's image candidates (table image_candidates, declared in the schema and
    made by migration 0004), best first, per (sheet_key, network); one post's with `key`."""
    c = image_candidates_table.c
    query = sa.select(image_candidates_table).where(c.broadcast_date == date)
    if key is not None:
        query = query.where(c.sheet_key == key.sheet_key, c.network == key.network)
    out: dict[tuple[str, str], list[Image]] = {}
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(c.rank, c.id)).all()
    for row in rows:
        if not row.sha256:
            continue
        out.setdefault((row.sheet_key, row.network), []).append(Image(
            sha256=row.sha256, rank=row.rank, score=row.score, image_url=row.image_url,
            page_url=row.page_url, path=row.path, default=row.default, reasons=row.reasons,
            credit=row.credit))
    return out


NO_PLAN = "Sin plan guardado para este día: en el orden en que se redactaron."
NOT_IN_PLAN = "Fuera del plan: su historia no está en el plan del día (borrador de otra ejecución)."


def _plan(engine: sa.Engine, date: str, network: str) -> tuple[dict[str, int], dict[str, str]]:
    """From the day's plan (table post_plan): sheet_key -> rank (1..n) of the posts it
    chose for `network`, and sheet_key -> why for the stories it left out."""
    entries = plan_entries(engine, date, network)
    ranks = {e.sheet_key: e.rank for e in entries if e.chosen and e.rank is not None}
    dropped = {e.sheet_key: e.reason for e in entries if not e.chosen}
    return ranks, dropped


def load_day(engine: sa.Engine, date: str, network: str) -> list[ReviewItem]:
    """The day's drafts for one network: the plan's posts in its rank order, numbered
    1..n without gaps; after them any draft the plan did not choose, each saying why."""
    c = post_drafts.c
    with engine.connect() as conn:
        drafts = [dict(r._mapping) for r in conn.execute(sa.select(post_drafts).where(
            c.broadcast_date == date, c.network == network).order_by(c.id))]
        states = {(r.sheet_key, r.network): dict(r._mapping) for r in conn.execute(
            sa.select(review_state).where(review_state.c.broadcast_date == date,
                                          review_state.c.network == network))}
    ranks, dropped = _plan(engine, date, network)
    planned = bool(ranks or dropped)
    images = _images(engine, date)
    items = []
    for draft in drafts:
        sheet = json.loads(draft["fact_sheet"])
        state = states.get((draft["sheet_key"], network))
        public = public_of(state, draft)
        plan_rank = ranks.get(draft["sheet_key"])
        note = "" if plan_rank is not None else (
            NO_PLAN if not planned else
            f"Fuera del plan: {dropped[draft['sheet_key']]}" if draft["sheet_key"] in dropped
            else NOT_IN_PLAN)
        items.append(ReviewItem(
            key=DraftKey(date, draft["sheet_key"], network), rank=0,
            fact_sheet=sheet, generated_text=str(draft["text"]), text=public["text"],
            status=public["status"], version=public["version"], reviewer=public["reviewer"],
            updated_at=state["updated_at"] if state else None,
            decided_at=state["decided_at"] if state else None,
            override_reason=public["override_reason"], chosen_image=public["chosen_image"],
            verdict=check_text(public["text"], sheet, network),
            length=measure(public["text"], network),
            writer=str(draft["writer"]), model=str(draft["model"]),
            images=images.get((draft["sheet_key"], network), []),
            plan_rank=plan_rank, plan_note=note))
    # planned first by the plan's rank; the rest keep the drafts' order (stable sort)
    items.sort(key=lambda i: (i.plan_rank is None, i.plan_rank or 0))
    for position, item in enumerate(items, start=1):
        item.rank = position
    return items


def review_dates(engine: sa.Engine, limit: int = 60) -> list[str]:
    """Dates that have drafts, newest first."""
    c = post_drafts.c
    with engine.connect() as conn:
        rows = conn.execute(sa.select(c.broadcast_date).distinct()
                            .order_by(c.broadcast_date.desc()).limit(limit)).all()
    return [str(r[0]) for r in rows]


@dataclass(frozen=True)
class DayCounts:
    """One date on the desk's index: per network, how many posts are in each decision."""

    date: str
    counts: dict[str, dict[str, int]]  # network -> {pending, edited, approved, rejected}


def review_days(engine: sa.Engine, limit: int = 60) -> list[DayCounts]:
    """Dates with drafts, newest first, with their decisions counted per network."""
    dates = review_dates(engine, limit)
    if not dates:
        return []
    c, r = post_drafts.c, review_state.c
    with engine.connect() as conn:
        drafts = conn.execute(sa.select(c.broadcast_date, c.network, c.sheet_key, c.status)
                              .where(c.broadcast_date.in_(dates))).all()
        states = {(d, n, k): st for d, n, k, st in conn.execute(
            sa.select(r.broadcast_date, r.network, r.sheet_key, r.status)
            .where(r.broadcast_date.in_(dates)))}
    seen: dict[tuple[str, str, str], str] = {}
    for date, network, key, status in drafts:
        seen[(date, network, key)] = states.get((date, network, key), status)
    counts: dict[str, dict[str, dict[str, int]]] = {d: {} for d in dates}
    for (date, network, _), status in seen.items():
        per = counts[date].setdefault(network, dict.fromkeys(DECISIONS, 0))
        per[decision_of(status)] += 1
    return [DayCounts(d, counts[d]) for d in dates]


def approved_posts(engine: sa.Engine, date: str) -> list[ReviewItem]:
    """The day's approved posts, every network, in rank order (what the export holds)."""
    c = post_drafts.c
    with engine.connect() as conn:
        networks = [str(r[0]) for r in conn.execute(
            sa.select(c.network).distinct().where(c.broadcast_date == date).order_by(c.network))]
    return [item for network in networks for item in load_day(engine, date, network)
            if item.status == APPROVED]


def changed_dates(engine: sa.Engine, after_id: int) -> dict[str, int]:
    """date -> id of its latest history entry, for entries after `after_id`."""
    c = review_history.c
    query = (sa.select(c.broadcast_date, sa.func.max(c.id)).where(c.id > after_id)
             .group_by(c.broadcast_date))
    with engine.connect() as conn:
        return {str(d): int(i) for d, i in conn.execute(query)}


def approved_fingerprint(engine: sa.Engine, date: str) -> tuple[int, str, bool]:
    """(approved posts, hash of their keys and versions, ever approved) for `date`: the
    export changes exactly when the hash does, so the sensor keys its runs on it."""
    c = review_state.c
    with engine.connect() as conn:
        rows = conn.execute(sa.select(c.sheet_key, c.network, c.version).where(
            c.broadcast_date == date, c.status == APPROVED)
            .order_by(c.sheet_key, c.network)).all()
        ever = conn.execute(sa.select(review_history.c.id).where(
            review_history.c.broadcast_date == date,
            review_history.c.action == "approve").limit(1)).first() is not None
    digest = hashlib.sha256(json.dumps([list(r) for r in rows]).encode()).hexdigest()
    return len(rows), digest[:16], ever
