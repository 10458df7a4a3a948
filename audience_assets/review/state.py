"""Every reviewer's change to a draft, applied under the state machine (no Dagster).

A draft is identified by (broadcast_date, sheet_key, network), as in `post_drafts`.
Each change names the version it started from (optimistic locking): a stale one
raises `ReviewConflict` carrying the other reviewer's state, and the losing text
is still appended to the history, so nothing typed is lost. Decisions also set
`post_drafts.status`, which is what keeps a re-run of the pipeline from
redrafting a reviewed post. The rules (decisions, events, transitions) are in
review/decisions.py; what the desk reads back is in review/views.py.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from audience_assets.review.decisions import (
    APPROVED,
    DECISION_LABELS,
    EDITED,
    IN_REVIEW,
    MAX_REASON,
    MAX_TEXT,
    PENDING,
    REJECTED,
    TRANSITIONS,
    DraftKey,
    OverrideRequired,
    ReviewConflict,
    ReviewError,
    check_input,
    clock,
)
from audience_assets.review.views import (
    check_text,
    draft_row,
    image_candidates,
    public_of,
    state_row,
)
from audience_assets.sql.schema import post_drafts, review_history, review_notices, review_state


def _approval(state: dict[str, Any] | None) -> dict[str, Any] | None:
    if state is None or state["status"] != APPROVED:
        return None
    return {"reviewer": state["reviewer"], "version": state["version"],
            "at": state["decided_at"] or state["updated_at"]}


def _changes_since(conn: sa.Connection, key: DraftKey, version: int) -> list[dict[str, Any]]:
    c = review_history.c
    rows = conn.execute(sa.select(c.reviewer, c.action, c.at, c.version).where(
        c.broadcast_date == key.date, c.sheet_key == key.sheet_key, c.network == key.network,
        c.version > version, c.action != "conflict").order_by(c.id)).all()
    return [dict(r._mapping) for r in rows]


@dataclass(frozen=True)
class _Intent:
    """One reviewer action, before it meets the stored state."""

    action: str  # history name: edit, approve, unapprove, reject, restore, image
    text: str | None = None  # None: keep the stored text (restore sets the generated one)
    image: str | None = None  # None: keep the stored choice
    reason: str = ""
    override_reason: str = ""


def _event(intent: _Intent, old_text: str, new_text: str) -> str:
    if intent.action == "edit":
        return "save_changed" if new_text != old_text else "save_unchanged"
    return intent.action


def _change(engine: sa.Engine, key: DraftKey, expected: int, reviewer: str, intent: _Intent,
            overwrite_approval: int | None = None) -> dict[str, Any]:
    """Apply one action under the version lock and the state machine, append it to the
    history (who, when), mirror the status into post_drafts, and tell an approver whose
    approval it replaced. A stale version or an unconfirmed replacement raises
    ReviewConflict and changes nothing but the history's 'conflict' line."""
    now = time.time()
    conflict: ReviewConflict | None = None
    with engine.begin() as conn:
        draft = draft_row(conn, key)
        state = state_row(conn, key)
        public = public_of(state, draft)
        current = public["version"]
        old_text = public["text"]
        text = old_text if intent.text is None else intent.text
        values = _checked(text, draft, key)
        event = _event(intent, old_text, text)
        before = public["decision"]
        after = TRANSITIONS.get((before, event))
        # a stale action is a conflict first of all: whoever changed the post since is
        # named, even when the action no longer fits the post's new decision
        stale = current != expected
        if after is None:
            if not stale:
                raise ReviewError(f"No se puede {_VERBS[event]} un post "
                                  f"{DECISION_LABELS[before]}.")
            after = before
        image = public["chosen_image"] if intent.image is None else intent.image
        if after == APPROVED and not values["valid"] and not intent.override_reason \
                and not stale:
            raise OverrideRequired(json.loads(values["violations"]))
        if after == APPROVED:
            reason = intent.override_reason if not values["valid"] else ""
            if event == "image" or (before == APPROVED and text == old_text
                                    and not intent.override_reason):
                reason = public["override_reason"] if not values["valid"] else ""
        elif after == REJECTED:
            reason = intent.reason if event == "reject" else public["override_reason"]
        else:
            reason = ""
        status = {PENDING: "pending_review" if draft["valid"] else "invalid",
                  EDITED: IN_REVIEW}.get(after, after)
        if event == "restore":
            status = "pending_review" if draft["valid"] else "invalid"
        unchanged = (current == expected and status == public["status"]
                     and text == old_text and image == public["chosen_image"]
                     and reason == public["override_reason"])
        if unchanged:
            return {**public, **values, "unchanged": True}
        approval = _approval(state)
        replaces = approval is not None and (
            status != APPROVED or text != old_text or image != public["chosen_image"])
        if stale:
            conflict = ReviewConflict(expected, public, _changes_since(conn, key, expected),
                                      text, approval if replaces else None)
        elif replaces and approval is not None and approval["reviewer"] != reviewer \
                and overwrite_approval != approval["version"]:
            conflict = ReviewConflict(expected, public, [], text, approval)
        new = {**values, "status": status, "chosen_image": image, "override_reason": reason,
               "reviewer": reviewer, "version": current + 1, "updated_at": now,
               "decided_at": now if after in (APPROVED, REJECTED) and (
                   status != public["status"] or state is None) else (
                   public["decided_at"] if after in (APPROVED, REJECTED) else None)}
        if conflict is None:
            conflict = _write(conn, key, state, new, expected, now, public, draft)
        conn.execute(review_history.insert().values(
            broadcast_date=key.date, sheet_key=key.sheet_key, network=key.network,
            action=intent.action if conflict is None else "conflict", status=new["status"],
            text=new["final_text"], chosen_image=new["chosen_image"], reviewer=reviewer,
            override_reason=new["override_reason"], valid=new["valid"],
            violations=new["violations"], version=new["version"] if conflict is None
            else current, at=now))
        if conflict is None:
            conn.execute(post_drafts.update().where(
                post_drafts.c.id == draft["id"]).values(status=new["status"]))
            if replaces and approval is not None and approval["reviewer"] != reviewer:
                title = str(draft["fact_sheet"].get("title", key.sheet_key))
                conn.execute(review_notices.insert().values(
                    reviewer=approval["reviewer"], broadcast_date=key.date,
                    sheet_key=key.sheet_key, network=key.network, at=now, seen_at=None,
                    message=(f"{reviewer} sustituyó tu aprobación de «{title}» ({key.network},"
                             f" {key.date}) a las {clock(now)}: ahora está "
                             f"{DECISION_LABELS[after]}.")))
            return {**new, "text": new["final_text"], "decision": after,
                    "decision_was": before}
    raise conflict


def _write(conn: sa.Connection, key: DraftKey, state: dict[str, Any] | None,
           new: dict[str, Any], expected: int, now: float, public: dict[str, Any],
           draft: dict[str, Any]) -> ReviewConflict | None:
    """Compare-and-set on the version; another reviewer's write in between -> conflict."""
    if state is None:
        try:
            with conn.begin_nested():
                conn.execute(review_state.insert().values(
                    broadcast_date=key.date, sheet_key=key.sheet_key, network=key.network,
                    created_at=now, **new))
            return None
        except sa.exc.IntegrityError:
            pass  # another reviewer's first save landed between read and write
    else:
        c = review_state.c
        result = conn.execute(review_state.update().where(
            c.id == state["id"], c.version == expected).values(**new))
        if result.rowcount == 1:
            return None
    latest = public_of(state_row(conn, key), draft)
    return ReviewConflict(expected, latest, _changes_since(conn, key, expected),
                          new["final_text"], _approval(state_row(conn, key)))


_VERBS = {"save_changed": "guardar", "save_unchanged": "guardar", "approve": "aprobar",
          "unapprove": "retirar la aprobación de", "reject": "rechazar",
          "restore": "restaurar", "image": "cambiar la imagen de"}


def _checked(text: str, draft: dict[str, Any], key: DraftKey) -> dict[str, Any]:
    check_input(text, "El texto", MAX_TEXT)
    verdict = check_text(text, draft["fact_sheet"], key.network)
    return {"final_text": text, "valid": verdict["valid"],
            "violations": json.dumps(verdict["violations"], ensure_ascii=False)}


def save_text(engine: sa.Engine, key: DraftKey, text: str, expected: int, reviewer: str,
              overwrite_approval: int | None = None) -> dict[str, Any]:
    """Keep the reviewer's edit. Saving the text the post already holds keeps its
    decision (no new version)."""
    return _change(engine, key, expected, reviewer, _Intent("edit", text=text),
                   overwrite_approval)


def approve(engine: sa.Engine, key: DraftKey, text: str, expected: int, reviewer: str,
            override_reason: str = "", overwrite_approval: int | None = None
            ) -> dict[str, Any]:
    """Approve `text`; a text the validator rejects needs `override_reason`."""
    reason = override_reason.strip()
    check_input(reason, "El motivo", MAX_REASON)
    return _change(engine, key, expected, reviewer,
                   _Intent("approve", text=text, override_reason=reason), overwrite_approval)


def unapprove(engine: sa.Engine, key: DraftKey, expected: int, reviewer: str
              ) -> dict[str, Any]:
    """Withdraw an approval: the post keeps its text and image and becomes edited."""
    return _change(engine, key, expected, reviewer, _Intent("unapprove"), expected)


def reject(engine: sa.Engine, key: DraftKey, text: str | None, expected: int,
           reviewer: str, reason: str = "", overwrite_approval: int | None = None
           ) -> dict[str, Any]:
    """Reject the post (with an optional reason, kept in `override_reason`)."""
    reason = reason.strip()
    check_input(reason, "El motivo", MAX_REASON)
    return _change(engine, key, expected, reviewer,
                   _Intent("reject", text=text, reason=reason), overwrite_approval)


def restore(engine: sa.Engine, key: DraftKey, expected: int, reviewer: str,
            overwrite_approval: int | None = None) -> dict[str, Any]:
    """Back to the generated text and the pipeline's status (a re-run may redraft it);
    the image choice stays."""
    with engine.connect() as conn:
        generated = str(draft_row(conn, key)["text"])
    return _change(engine, key, expected, reviewer, _Intent("restore", text=generated),
                   overwrite_approval)


def choose_image(engine: sa.Engine, key: DraftKey, sha256: str, expected: int,
                 reviewer: str, overwrite_approval: int | None = None) -> dict[str, Any]:
    """Pick one of the draft's image candidates (by content hash), versioned like text."""
    if sha256 and sha256 not in {i.sha256 for i in image_candidates(engine, key)}:
        raise ReviewError("Esa imagen no es candidata de este post.")
    return _change(engine, key, expected, reviewer, _Intent("image", image=sha256),
                   overwrite_approval)


def take_notices(engine: sa.Engine, reviewer: str) -> list[dict[str, Any]]:
    """What happened to this reviewer's approvals since they last looked; marked seen."""
    c = review_notices.c
    with engine.begin() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sa.select(review_notices).where(
            c.reviewer == reviewer, c.seen_at.is_(None)).order_by(c.id))]
        if rows:
            conn.execute(review_notices.update().where(
                c.id.in_([r["id"] for r in rows])).values(seen_at=time.time()))
    return [{"message": r["message"], "date": r["broadcast_date"], "network": r["network"],
             "sheet_key": r["sheet_key"], "at": r["at"]} for r in rows]


