"""Review state of the drafts: what the desk shows, and every reviewer's change (no Dagster).

A draft is identified by (broadcast_date, sheet_key, network), as in `post_drafts`.
Each change names the version it started from (optimistic locking): a stale one
raises `ReviewConflict` carrying the other reviewer's state, and the losing text
is still appended to the history, so nothing typed is lost. Decisions also set
`post_drafts.status`, which is what keeps a re-run of the pipeline from
redrafting a reviewed post.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from audience_assets.analysis.store import plan_entries
from audience_assets.drafting.store import MACHINE_STATUSES
from audience_assets.drafting.validation import measure, validate
from audience_assets.drafting.validation.config import load_config
from audience_assets.sql.schema import image_candidates as image_candidates_table
from audience_assets.sql.schema import (
    post_drafts,
    review_history,
    review_notices,
    review_state,
)

APPROVED = "approved"
REJECTED = "rejected"
IN_REVIEW = "in_review"  # edited by a reviewer, not decided yet: a re-run keeps it
REVIEWED_STATUSES = (APPROVED, REJECTED, IN_REVIEW)
MAX_TEXT = 5000
MAX_REASON = 1000



@dataclass(frozen=True, slots=True)
class DraftKey:
    date: str
    sheet_key: str
    network: str


class ReviewError(ValueError):
    """A change the desk refuses (unknown draft, text too long, ...): shown as is."""


class TextTooLong(ReviewError):
    """A text or reason over its limit (the desk answers 413)."""


# The decision every post is in, as the desk names it. The database keeps the pipeline's
# own statuses for an untouched post (pending_review / invalid), `in_review` for edited.
PENDING, EDITED = "pending", "edited"
DECISIONS = (PENDING, EDITED, APPROVED, REJECTED)
# What a reviewer can do. `save` is split by whether the text changed: saving the text
# the post already holds is no change at all, so it keeps the decision (an approved post
# stays approved and stays in the export).
EVENTS = ("save_changed", "save_unchanged", "approve", "unapprove", "reject", "restore",
          "image")
# The state machine, and the only source of truth for it: review/README.md prints the
# same table and a test compares the two. A pair that is absent is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    (PENDING, "save_changed"): EDITED, (PENDING, "save_unchanged"): PENDING,
    (PENDING, "approve"): APPROVED, (PENDING, "reject"): REJECTED,
    (PENDING, "restore"): PENDING, (PENDING, "image"): EDITED,
    (EDITED, "save_changed"): EDITED, (EDITED, "save_unchanged"): EDITED,
    (EDITED, "approve"): APPROVED, (EDITED, "reject"): REJECTED,
    (EDITED, "restore"): PENDING, (EDITED, "image"): EDITED,
    (APPROVED, "save_changed"): EDITED, (APPROVED, "save_unchanged"): APPROVED,
    (APPROVED, "approve"): APPROVED, (APPROVED, "unapprove"): EDITED,
    (APPROVED, "reject"): REJECTED, (APPROVED, "restore"): PENDING,
    (APPROVED, "image"): APPROVED,
    (REJECTED, "save_changed"): EDITED, (REJECTED, "save_unchanged"): REJECTED,
    (REJECTED, "approve"): APPROVED, (REJECTED, "reject"): REJECTED,
    (REJECTED, "restore"): PENDING, (REJECTED, "image"): REJECTED,
}
# Spanish verbs for "who did what": the conflict box and the approver's notices.
DONE = {"edit": "editó el texto", "approve": "aprobó", "unapprove": "retiró la aprobación",
        "reject": "rechazó", "restore": "restauró el texto generado",
        "image": "cambió la imagen", "choose_image": "cambió la imagen"}
DECISION_LABELS = {PENDING: "pendiente", EDITED: "editado", APPROVED: "aprobado",
                   REJECTED: "rechazado"}
LOCAL_TZ = ZoneInfo("Europe/Madrid")


def decision_of(status: str) -> str:
    """The desk's decision for a stored status."""
    if status in MACHINE_STATUSES:
        return PENDING
    return EDITED if status == IN_REVIEW else status


def clock(ts: float) -> str:
    """09:12, Madrid time: how the desk says when something happened."""
    return dt.datetime.fromtimestamp(ts, LOCAL_TZ).strftime("%H:%M")


def text_diff(mine: str, theirs: str) -> list[list[str]]:
    """Word-level diff from `theirs` (what SQL holds) to `mine`: [op, text] with op
    '=' (both), '-' (only theirs), '+' (only mine)."""
    a, b = re.split(r"(\s+)", theirs), re.split(r"(\s+)", mine)
    out: list[list[str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(["=", "".join(a[i1:i2])])
            continue
        if i2 > i1:
            out.append(["-", "".join(a[i1:i2])])
        if j2 > j1:
            out.append(["+", "".join(b[j1:j2])])
    return out


@dataclass
class ReviewConflict(Exception):
    """The post changed since `expected` was read (`changes`: who did what, when), or the
    change would replace someone's approval without naming it (`approval`)."""

    expected: int
    current: dict[str, Any]
    changes: list[dict[str, Any]] = field(default_factory=list)
    mine: str = ""
    approval: dict[str, Any] | None = None

    def __str__(self) -> str:
        said = "; ".join(f"{c['reviewer']} {DONE.get(c['action'], c['action'])} a las "
                         f"{clock(c['at'])}" for c in self.changes)
        if said:
            head = f"Mientras lo revisabas, {said}."
        else:
            head = "Este post cambió mientras lo revisabas."
        if self.approval is not None:
            return (f"{head} Está aprobado por {self.approval['reviewer']} (a las "
                    f"{clock(self.approval['at'])}): para sustituir esa aprobación "
                    f"confírmalo expresamente.") if said else (
                f"Está aprobado por {self.approval['reviewer']} (a las "
                f"{clock(self.approval['at'])}): para sustituir esa aprobación "
                f"confírmalo expresamente.")
        return f"{head} No se ha aplicado tu cambio; tu texto se ha guardado en el historial."

    def to_dict(self) -> dict[str, Any]:
        return {"error": str(self), "conflict": self.current, "changes": [
            {"reviewer": c["reviewer"], "action": c["action"],
             "done": DONE.get(c["action"], c["action"]), "at": c["at"],
             "clock": clock(c["at"])} for c in self.changes],
            "approval": self.approval, "diff": text_diff(self.mine, self.current["text"])}


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
        return _public_state(_state_row(conn, key), draft or draft_row(conn, key))


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
        state = _state_row(conn, key)
        public = _public_state(state, draft)
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
    latest = _public_state(_state_row(conn, key), draft)
    return ReviewConflict(expected, latest, _changes_since(conn, key, expected),
                          new["final_text"], _approval(_state_row(conn, key)))


_VERBS = {"save_changed": "guardar", "save_unchanged": "guardar", "approve": "aprobar",
          "unapprove": "retirar la aprobación de", "reject": "rechazar",
          "restore": "restaurar", "image": "cambiar la imagen de"}


def _checked(text: str, draft: dict[str, Any], key: DraftKey) -> dict[str, Any]:
    check_input(text, "El texto", MAX_TEXT)
    verdict = check_text(text, draft["fact_sheet"], key.network)
    return {"final_text": text, "valid": verdict["valid"],
            "violations": json.dumps(verdict["violations"], ensure_ascii=False)}


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def check_input(value: str, what: str, limit: int) -> None:
    """Refuse what must never be stored: over-long text (TextTooLong), invalid Unicode
    (a lone surrogate cannot be written as UTF-8) and control characters other than a
    line break or a tab."""
    if len(value) > limit:
        raise TextTooLong(f"{what} supera {limit} caracteres ({len(value)}).")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ReviewError(f"{what} contiene Unicode no válido (un sustituto suelto): "
                          f"vuelve a pegarlo.") from None
    bad = _CONTROL.search(value)
    if bad:
        raise ReviewError(f"{what} contiene un carácter de control (U+{ord(bad.group()):04X}) "
                          f"en la posición {bad.start() + 1}: bórralo.")


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
        public = _public_state(state, draft)
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
