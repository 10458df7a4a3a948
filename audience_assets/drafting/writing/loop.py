"""The attempt loop: write, judge, feed the violations back, and fall back to the
template writer when the attempts run out.

Every attempt is recorded (text, latency, tokens, violations), so the review UI
and the benchmark can show what the model did, not only the final post.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from audience_assets.drafting.writing import variety
from audience_assets.drafting.writing.llm import LLMTimeout
from audience_assets.drafting.writing.writers import Feedback, Writer
from audience_assets.records import FactSheet

DEFAULT_MAX_ATTEMPTS = 10
# One: the first valid draft is kept. Three candidates (keeping the one least like the
# day's other posts) cost a sample day 27 model calls against 20 (126 s against 108 s,
# docs/operations.md) for variety the held-out sheets already have with one (22.5
# distinct skeletons per 25); the blind panels of 2026-12-03 scored one-candidate drafts.
DEFAULT_CANDIDATES = 1
# A valid candidate whose wording is at most this similar (variety.similarity, 0-100) to
# every post already chosen that day reads apart from them: the sheet stops there instead
# of sampling more candidates, which would only be kept if still less alike. On the stored
# demo day the later stories' first valid candidates scored 59-94 against the posts before
# them and the extra candidates lowered the kept one's score by 0-3 points.
DISTINCT_ENOUGH = 60.0

REVIEW_PENDING = "pending_review"
REVIEW_INVALID = "invalid"

# Marks the fallback attempt of a draft whose time budget ran out (AttemptRecord.error),
# and the violation of a draft that had no fallback to go to.
BUDGET_SPENT = "time budget spent"


class ViolationLike(Protocol):
    @property
    def rule(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def span(self) -> Any: ...


class VerdictLike(Protocol):
    @property
    def valid(self) -> bool: ...
    @property
    def violations(self) -> Any: ...


# (text, fact sheet, network) -> verdict: the strict validator in production,
# the study's naive check in the benchmark's baseline, a fake in unit tests.
Judge = Callable[[str, FactSheet, str], VerdictLike]


def _violation_dict(v: Any) -> dict[str, Any]:
    if isinstance(v, dict):
        return {"rule": v.get("rule", ""), "message": v.get("message", ""), "span": v.get("span")}
    span = getattr(v, "span", None)
    return {"rule": v.rule, "message": v.message, "span": list(span) if span else None}


@dataclass(slots=True)
class AttemptRecord:
    number: int
    writer: str
    text: str
    valid: bool
    violations: list[dict[str, Any]] = field(default_factory=list)
    latency_s: float = 0.0
    eval_count: int = 0
    eval_duration_ns: int = 0
    prompt_eval_count: int = 0
    load_duration_ns: int = 0
    error: str = ""
    prompt_eval_duration_ns: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Draft:
    sheet_key: str
    fact_sheet: dict[str, Any]
    text: str
    network: str
    mode: str  # the writer asked for
    writer: str  # the writer whose text this is (the fallback's after a fallback)
    model: str
    prompt_name: str
    prompt_sha256: str
    valid: bool
    violations: list[dict[str, Any]]
    fell_back: bool
    attempts: list[AttemptRecord]
    # The wording without the data (variety.skeleton) and how many valid candidates
    # it was chosen from.
    skeleton: str = ""
    valid_candidates: int = 0

    @property
    def attempt_count(self) -> int:
        """Model attempts (the fallback is not an attempt)."""
        return sum(1 for a in self.attempts if a.writer == self.mode)

    @property
    def status(self) -> str:
        return REVIEW_PENDING if self.valid else REVIEW_INVALID

    @property
    def llm_seconds(self) -> float:
        return sum(a.latency_s for a in self.attempts)

    @property
    def eval_count(self) -> int:
        return sum(a.eval_count for a in self.attempts)

    @property
    def eval_duration_ns(self) -> int:
        return sum(a.eval_duration_ns for a in self.attempts)

    @property
    def prompt_eval_count(self) -> int:
        return sum(a.prompt_eval_count for a in self.attempts)

    @property
    def prompt_eval_duration_ns(self) -> int:
        return sum(a.prompt_eval_duration_ns for a in self.attempts)

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["attempts"] = [a.to_dict() for a in self.attempts]
        data.update(status=self.status, attempt_count=self.attempt_count,
                    llm_seconds=self.llm_seconds)
        return data


def feedback_lines(violations: list[dict[str, Any]], text: str) -> tuple[str, ...]:
    """Violations as the model reads them: the message, and the offending words."""
    lines = []
    for v in violations:
        line = str(v.get("message") or v.get("rule"))
        span = v.get("span")
        if span and 0 <= span[0] < span[1] <= len(text):
            line += f' («{text[span[0]:span[1]]}»)'
        lines.append(line)
    return tuple(lines)


def draft_post(
    sheet: FactSheet,
    writer: Writer,
    judge: Judge,
    *,
    network: str = "x",
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    fallback: Writer | None = None,
    use_feedback: bool = True,
    candidates: int = 1,
    chosen_today: Sequence[str] = (),
    deadline: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    distinct_enough: float = DISTINCT_ENOUGH,
) -> Draft:
    """Up to `max_attempts` attempts of `writer`; each failed attempt's
    violations go back to the model (unless `use_feedback` is off, as in the
    study). Then `fallback` (the template writer in production), marked as such.

    With `candidates` > 1 the loop goes on after a valid attempt until it has made
    that many attempts (each a new sample: new seed, no feedback once one is valid)
    and keeps the valid candidate least similar to `chosen_today`, the skeletons of
    the posts already chosen that day. It stops at the first valid candidate when nothing
    is chosen yet (the first would be kept whatever came after it) or once a valid
    candidate is at most `distinct_enough` similar to every chosen post (apart already).

    LLMUnavailable and ModelMissing propagate: no draft can be right then, and
    the operator must act. A timeout after the client's retries costs one attempt.

    `deadline` (a `clock()` value): no attempt starts after it; the draft goes to the
    fallback with BUDGET_SPENT in the fallback attempt's `error`, or, without a
    fallback, is invalid with a BUDGET_SPENT violation. An attempt already running
    finishes (the client's timeout bounds it).
    """
    attempts: list[AttemptRecord] = []
    feedback: Feedback | None = None
    last_text, last_violations = "", []
    valid_texts: list[str] = []
    budget_note = ""
    for number in range(1, max_attempts + 1):
        if valid_texts and (number > candidates or clearly_best(
                valid_texts, sheet, chosen_today, distinct_enough)):
            break
        if deadline is not None and clock() >= deadline:
            budget_note = (f"{BUDGET_SPENT} after {number - 1} of {max_attempts} "
                           "attempt(s)")
            break
        try:
            output = writer.write(sheet, network=network, attempt=number, feedback=feedback)
        except LLMTimeout as exc:
            attempts.append(AttemptRecord(number, writer.name, "", False, error=str(exc)))
            continue
        reply = output.reply
        if output.problems:
            violations = [{"rule": "writer.output", "message": p, "span": None}
                          for p in output.problems]
        else:
            verdict = judge(output.text, sheet, network)
            violations = [_violation_dict(v) for v in verdict.violations]
            if not verdict.valid and not violations:
                violations = [{"rule": "invalid", "message": "el texto no es válido", "span": None}]
        valid = not violations
        attempts.append(AttemptRecord(
            number=number, writer=writer.name, text=output.text, valid=valid,
            violations=violations,
            latency_s=reply.latency_s if reply else 0.0,
            eval_count=reply.eval_count if reply else 0,
            eval_duration_ns=reply.eval_duration_ns if reply else 0,
            prompt_eval_count=reply.prompt_eval_count if reply else 0,
            load_duration_ns=reply.load_duration_ns if reply else 0,
            prompt_eval_duration_ns=reply.prompt_eval_duration_ns if reply else 0,
        ))
        last_text, last_violations = output.text, violations
        if valid:
            valid_texts.append(output.text)
            feedback = None
        elif valid_texts:
            # The sheet has its post; what is left are candidates for variety, and a
            # failed one is dropped, not corrected: a correction makes the natural
            # writer open a new draw, whose prompt the model evaluates again (about
            # 2.3 of 5 s a candidate with the 0.5B model on 2 cores).
            feedback = None
        elif not output.text:
            # Nothing usable to correct (a reply cut off mid-JSON): feeding it back
            # made the 0.5B model continue the same run-on text on every retry;
            # a fresh sample with the next seed usually closes.
            feedback = None
        elif use_feedback:
            feedback = Feedback(previous=output.raw or output.text,
                                problems=feedback_lines(violations, output.text))
    if valid_texts:
        skeletons = [variety.skeleton(t, sheet) for t in valid_texts]
        best = variety.least_similar(skeletons, chosen_today)
        draft = _draft(sheet, writer, writer, network, valid_texts[best], [], attempts, False)
        draft.skeleton, draft.valid_candidates = skeletons[best], len(valid_texts)
        return draft
    if fallback is None:
        if budget_note:
            last_violations = [*last_violations,
                               {"rule": "time_budget", "message": budget_note, "span": None}]
        return _draft(sheet, writer, writer, network, last_text, last_violations, attempts, False)
    output = fallback.write(sheet, network=network, attempt=1, feedback=None)
    verdict = judge(output.text, sheet, network)
    violations = [_violation_dict(v) for v in verdict.violations]
    if not verdict.valid and not violations:
        violations = [{"rule": "invalid", "message": "el texto no es válido", "span": None}]
    attempts.append(AttemptRecord(len(attempts) + 1, fallback.name, output.text,
                                  not violations, violations, error=budget_note))
    return _draft(sheet, writer, fallback, network, output.text, violations, attempts, True)


def clearly_best(valid_texts: Sequence[str], sheet: FactSheet, chosen_today: Sequence[str],
                 distinct_enough: float) -> bool:
    """Whether the sheet already has the candidate it would keep: the first valid one when
    no post is chosen yet that day (`variety.least_similar` keeps the first then), or one
    that reads apart from every chosen post (more candidates would cost model calls for a
    few points of similarity at most)."""
    if not chosen_today:
        return True
    return any(max(variety.similarity(variety.skeleton(text, sheet), other)
                   for other in chosen_today) <= distinct_enough for text in valid_texts)


def draft_day(
    sheets: Sequence[FactSheet],
    writer: Writer,
    judge: Judge,
    *,
    network: str = "x",
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    fallback: Writer | None = None,
    candidates: int = DEFAULT_CANDIDATES,
    on_draft: Callable[[FactSheet, Draft], None] | None = None,
) -> list[Draft]:
    """One draft per sheet, in order; each chosen to read least like the ones before."""
    drafts: list[Draft] = []
    for sheet in sheets:
        draft = draft_post(sheet, writer, judge, network=network, max_attempts=max_attempts,
                           fallback=fallback, candidates=candidates,
                           chosen_today=[d.skeleton for d in drafts])
        drafts.append(draft)
        if on_draft is not None:
            on_draft(sheet, draft)
    return drafts


def _draft(
    sheet: FactSheet, asked: Writer, used: Writer, network: str, text: str,
    violations: list[dict[str, Any]], attempts: list[AttemptRecord], fell_back: bool,
) -> Draft:
    prompt = asked.prompt
    draft = Draft(
        sheet_key=sheet.key, fact_sheet=sheet.to_dict(), text=text, network=network,
        mode=asked.name, writer=used.name, model=asked.model,
        prompt_name=prompt.name if prompt else "", prompt_sha256=prompt.sha256 if prompt else "",
        valid=not violations and bool(text), violations=violations, fell_back=fell_back,
        attempts=attempts,
    )
    draft.skeleton = variety.skeleton(text, sheet) if text else ""
    return draft
