"""The review desk's vocabulary: the decisions a post can be in, the events that move it,
the state machine between them, and what a refused or conflicting change says (no SQL, no
Dagster). review/state.py applies changes under these rules; review/views.py reads them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from audience_assets.drafting.store import MACHINE_STATUSES

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
