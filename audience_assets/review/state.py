"""Review state of the drafts: what the desk shows, and every reviewer's change (no Dagster).

A draft is identified by (broadcast_date, sheet_key, network), as in `post_drafts`.
Each change names the version it started from (optimistic locking): a stale one
raises `ReviewConflict` carrying the other reviewer's state, and the losing text
is still appended to the history, so nothing typed is lost. Decisions also set
`post_drafts.status`, which is what keeps a re-run of the pipeline from
redrafting a reviewed post.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from audience_assets.analysis.store import plan_entries
from audience_assets.drafting.store import MACHINE_STATUSES
from audience_assets.drafting.validation import measure, validate
from audience_assets.drafting.validation.config import load_config
from audience_assets.sql.schema import post_drafts, review_history, review_state

APPROVED = "approved"
REJECTED = "rejected"
IN_REVIEW = "in_review"  # edited by a reviewer, not decided yet: a re-run keeps it
REVIEWED_STATUSES = (APPROVED, REJECTED, IN_REVIEW)
MAX_TEXT = 5000
MAX_REASON = 1000

# Tables other stages own; read when they exist, so the desk works before they land.
IMAGE_TABLE = "image_candidates"


@dataclass(frozen=True, slots=True)
class DraftKey:
    date: str
    sheet_key: str
    network: str


class ReviewError(ValueError):
    """A change the desk refuses (unknown draft, text too long, ...): shown as is."""


@dataclass
class ReviewConflict(Exception):
    """Someone saved this draft since `expected` was read; `current` is their state."""

    expected: int
    current: dict[str, Any]

    def __str__(self) -> str:
        return (f"{self.current['reviewer'] or 'Otra persona'} guardó este post mientras lo "
                f"editabas (versión {self.current['version']}, la tuya partía de la "
                f"{self.expected}). Tu texto se ha guardado en el historial; revisa el suyo.")


@dataclass
class OverrideRequired(Exception):
    """Approving a text the validator rejects needs a typed reason."""

    violations: list[dict[str, Any]]

    def __str__(self) -> str:
        return ("El texto incumple reglas del validador: para aprobarlo escribe el motivo "
                "de la excepción.")


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

    @property
    def reviewed(self) -> bool:
        return self.status in (APPROVED, REJECTED)


def check_text(text: str, fact_sheet: dict[str, Any], network: str) -> dict[str, Any]:
    """The strict validator's verdict plus the length the network counts."""
    verdict = validate(text, fact_sheet, network, config=load_config())
    return {**verdict.to_dict(), "length": measure(text, network)}


def _state_row(conn: sa.Connection, key: DraftKey) -> dict[str, Any] | None:
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


def _public_state(state: dict[str, Any] | None, draft: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": state["version"] if state else 0,
        "status": state["status"] if state else draft["status"],
        "text": _current_text(state, draft),
        "reviewer": state["reviewer"] if state else "",
        "chosen_image": state["chosen_image"] if state else "",
        "override_reason": state["override_reason"] if state else "",
    }


def _change(engine: sa.Engine, key: DraftKey, expected: int, reviewer: str, action: str,
            decide: Callable[[dict[str, Any] | None, dict[str, Any]], dict[str, Any]]
            ) -> dict[str, Any]:
    """Apply one change under the version lock, append it to the history, mirror the
    status into post_drafts. `decide(state, draft)` returns the new values."""
    now = time.time()
    with engine.begin() as conn:
        draft = draft_row(conn, key)
        state = _state_row(conn, key)
        current = state["version"] if state else 0
        values = decide(state, draft)
        values.setdefault("chosen_image", state["chosen_image"] if state else "")
        values.setdefault("override_reason", "")
        new = {**values, "reviewer": reviewer, "version": expected + 1, "updated_at": now}
        if values["status"] in (APPROVED, REJECTED):
            new["decided_at"] = now
        elif values["status"] in MACHINE_STATUSES or values["status"] == IN_REVIEW:
            new["decided_at"] = None
        won = current == expected
        if won and state is None:
            try:
                with conn.begin_nested():
                    conn.execute(review_state.insert().values(
                        broadcast_date=key.date, sheet_key=key.sheet_key, network=key.network,
                        created_at=now, **new))
            except sa.exc.IntegrityError:
                won = False  # another reviewer's first save landed between read and write
        elif won:
            c = review_state.c
            result = conn.execute(review_state.update().where(
                c.id == state["id"], c.version == expected).values(**new))  # type: ignore[index]
            won = result.rowcount == 1
        conn.execute(review_history.insert().values(
            broadcast_date=key.date, sheet_key=key.sheet_key, network=key.network,
            action=action if won else "conflict", status=new["status"],
            text=new["final_text"], chosen_image=new["chosen_image"], reviewer=reviewer,
            override_reason=new["override_reason"], valid=new["valid"],
            violations=new["violations"], version=new["version"] if won else current, at=now))
        if won:
            conn.execute(post_drafts.update().where(
                post_drafts.c.id == draft["id"]).values(status=new["status"]))
            return {**new, "text": new["final_text"]}
        latest = _state_row(conn, key)
        other = _public_state(latest, draft)
    raise ReviewConflict(expected, other)


def _checked(text: str, draft: dict[str, Any], key: DraftKey) -> dict[str, Any]:
    if len(text) > MAX_TEXT:
        raise ReviewError(f"El texto supera {MAX_TEXT} caracteres.")
    verdict = check_text(text, draft["fact_sheet"], key.network)
    return {"final_text": text, "valid": verdict["valid"],
            "violations": json.dumps(verdict["violations"], ensure_ascii=False)}


def save_text(engine: sa.Engine, key: DraftKey, text: str, expected: int,
              reviewer: str) -> dict[str, Any]:
    """Keep the reviewer's edit (status in_review, or unchanged decision if same text)."""
    def decide(state: dict[str, Any] | None, draft: dict[str, Any]) -> dict[str, Any]:
        return {**_checked(text, draft, key), "status": IN_REVIEW}
    return _change(engine, key, expected, reviewer, "edit", decide)


def approve(engine: sa.Engine, key: DraftKey, text: str, expected: int, reviewer: str,
            override_reason: str = "") -> dict[str, Any]:
    """Approve `text`; a text the validator rejects needs `override_reason`."""
    reason = override_reason.strip()
    if len(reason) > MAX_REASON:
        raise ReviewError(f"El motivo supera {MAX_REASON} caracteres.")

    def decide(state: dict[str, Any] | None, draft: dict[str, Any]) -> dict[str, Any]:
        values = _checked(text, draft, key)
        if not values["valid"] and not reason:
            raise OverrideRequired(json.loads(values["violations"]))
        return {**values, "status": APPROVED,
                "override_reason": reason if not values["valid"] else ""}
    return _change(engine, key, expected, reviewer, "approve", decide)


def reject(engine: sa.Engine, key: DraftKey, text: str, expected: int,
           reviewer: str) -> dict[str, Any]:
    def decide(state: dict[str, Any] | None, draft: dict[str, Any]) -> dict[str, Any]:
        return {**_checked(text, draft, key), "status": REJECTED}
    return _change(engine, key, expected, reviewer, "reject", decide)


def restore(engine: sa.Engine, key: DraftKey, expected: int, reviewer: str) -> dict[str, Any]:
    """Back to the generated text and the pipeline's status (a re-run may redraft it)."""
    def decide(state: dict[str, Any] | None, draft: dict[str, Any]) -> dict[str, Any]:
        values = _checked(str(draft["text"]), draft, key)
        machine = "pending_review" if draft["valid"] else "invalid"
        return {**values, "status": machine, "chosen_image": ""}
    return _change(engine, key, expected, reviewer, "restore", decide)


def choose_image(engine: sa.Engine, key: DraftKey, sha256: str, expected: int,
                 reviewer: str) -> dict[str, Any]:
    """Pick one of the draft's image candidates (by content hash); keeps the status."""
    if sha256 and sha256 not in {i.sha256 for i in image_candidates(engine, key)}:
        raise ReviewError("Esa imagen no es candidata de este post.")

    def decide(state: dict[str, Any] | None, draft: dict[str, Any]) -> dict[str, Any]:
        text = _current_text(state, draft)
        status = state["status"] if state else draft["status"]
        if status in MACHINE_STATUSES:
            status = IN_REVIEW  # a choice is reviewer's work a re-run must keep
        return {**_checked(text, draft, key), "status": status, "chosen_image": sha256,
                "override_reason": state["override_reason"] if state else ""}
    return _change(engine, key, expected, reviewer, "choose_image", decide)


def history(engine: sa.Engine, key: DraftKey) -> list[dict[str, Any]]:
    c = review_history.c
    with engine.connect() as conn:
        rows = conn.execute(sa.select(review_history).where(
            c.broadcast_date == key.date, c.sheet_key == key.sheet_key,
            c.network == key.network).order_by(c.id)).all()
    return [dict(r._mapping) for r in rows]


def _has_table(engine: sa.Engine, name: str) -> bool:
    return sa.inspect(engine).has_table(name)


def image_candidates(engine: sa.Engine, key: DraftKey) -> list[Image]:
    """The draft's image candidates, best first; none while that stage has not run."""
    return _images(engine, key.date).get((key.sheet_key, key.network), [])


def _images(engine: sa.Engine, date: str) -> dict[tuple[str, str], list[Image]]:
    if not _has_table(engine, IMAGE_TABLE):
        return {}
    table = sa.Table(IMAGE_TABLE, sa.MetaData(), autoload_with=engine)
    cols = table.c
    out: dict[tuple[str, str], list[Image]] = {}
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table).where(cols.broadcast_date == date)
                            .order_by(cols["rank"])).all()
    for row in rows:
        m = row._mapping
        image = Image(
            sha256=str(m.get("sha256") or ""), rank=int(m.get("rank") or 0),
            score=float(m.get("score") or 0.0), image_url=str(m.get("image_url") or ""),
            page_url=str(m.get("page_url") or ""), path=str(m.get("path") or ""),
            default=bool(m.get("default") or False), reasons=str(m.get("reasons") or ""))
        if image.sha256:
            out.setdefault((str(m["sheet_key"]), str(m.get("network") or "x")), []).append(image)
    return out


def _plan_ranks(engine: sa.Engine, date: str, network: str) -> dict[str, int]:
    """sheet_key -> rank (1..n) of the network's posts in the day's plan (table
    post_plan); empty when the plan stage has not run for the date."""
    return {e.sheet_key: e.rank for e in plan_entries(engine, date, network)
            if e.chosen and e.rank is not None}


def load_day(engine: sa.Engine, date: str, network: str) -> list[ReviewItem]:
    """The day's drafts for one network, in the plan's rank order."""
    c = post_drafts.c
    with engine.connect() as conn:
        drafts = [dict(r._mapping) for r in conn.execute(sa.select(post_drafts).where(
            c.broadcast_date == date, c.network == network).order_by(c.id))]
        states = {(r.sheet_key, r.network): dict(r._mapping) for r in conn.execute(
            sa.select(review_state).where(review_state.c.broadcast_date == date,
                                          review_state.c.network == network))}
    ranks = _plan_ranks(engine, date, network)
    images = _images(engine, date)
    items = []
    for position, draft in enumerate(drafts):
        sheet = json.loads(draft["fact_sheet"])
        state = states.get((draft["sheet_key"], network))
        public = _public_state(state, draft)
        items.append(ReviewItem(
            key=DraftKey(date, draft["sheet_key"], network),
            rank=ranks.get(draft["sheet_key"], len(ranks) + position + 1),
            fact_sheet=sheet, generated_text=str(draft["text"]), text=public["text"],
            status=public["status"], version=public["version"], reviewer=public["reviewer"],
            updated_at=state["updated_at"] if state else None,
            decided_at=state["decided_at"] if state else None,
            override_reason=public["override_reason"], chosen_image=public["chosen_image"],
            verdict=check_text(public["text"], sheet, network),
            length=measure(public["text"], network),
            writer=str(draft["writer"]), model=str(draft["model"]),
            images=images.get((draft["sheet_key"], network), [])))
    items.sort(key=lambda i: (i.rank, i.key.sheet_key))
    return items


def review_dates(engine: sa.Engine, limit: int = 60) -> list[str]:
    """Dates that have drafts, newest first."""
    c = post_drafts.c
    with engine.connect() as conn:
        rows = conn.execute(sa.select(c.broadcast_date).distinct()
                            .order_by(c.broadcast_date.desc()).limit(limit)).all()
    return [str(r[0]) for r in rows]


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
