"""Validation result types (a contract: see docs/ARCHITECTURE.md) and the rule ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Rule ids are a contract shared with the drafting stage, the CLI and the
# evaluation corpora: never rename one.
RULE_IDS: tuple[str, ...] = (
    "data.missing",
    "data.mismatch",
    "data.order",
    "data.scope",
    "event.missing",
    "event.invented",
    "style.tense",
    "style.exclamation",
    "style.promotional",
    "style.time_reference",
    "style.markup",
    "style.comparison",
    "style.context",
    "hashtags.count",
    "hashtags.language",
    "hashtags.spelling",
    "emojis.count",
    "emojis.repeated",
    "emojis.offtopic",
    "length.limit",
    "words.banned",
    "style.spelling",
    "fluency.unlabelled",
    "fluency.repeated_metric",
    "fluency.pleonasm",
    "fluency.slot",
    "fluency.event_label",
    "fluency.main_verb",
    "fluency.verb",
    "fluency.article",
    "fluency.construction",
)

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: `span` is the offending [start, end) slice of the post, if any."""

    rule: str
    message: str
    span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "message": self.message,
            "span": list(self.span) if self.span is not None else None,
        }


@dataclass(frozen=True, slots=True)
class ValidationResult:
    valid: bool
    violations: tuple[Violation, ...] = field(default_factory=tuple)

    @property
    def rules(self) -> frozenset[str]:
        return frozenset(v.rule for v in self.violations)

    def to_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "violations": [v.to_dict() for v in self.violations]}

    @classmethod
    def of(cls, violations: list[Violation]) -> ValidationResult:
        ordered = sorted(violations, key=lambda v: (v.span or (10**9, 0), v.rule))
        return cls(valid=not ordered, violations=tuple(ordered))
