"""Named fakes for unit tests of the drafting loop's control flow and error
paths. Real-model behaviour is tested against the real Ollama (test_ollama_*)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from audience_assets.records import FactSheet


@dataclass
class FakeOllamaClient:
    """Answers chat() from a script: each item is a reply text or an exception."""

    script: list[str | BaseException]
    calls: list[dict[str, Any]] = field(default_factory=list)

    def chat(
        self,
        model: str = "",
        messages: Sequence[Mapping[str, Any]] | None = None,
        *,
        format: Literal["", "json"] | dict[str, Any] | None = None,
        options: Mapping[str, Any] | None = None,
        keep_alive: float | str | None = None,
    ) -> dict[str, Any]:
        self.calls.append({"model": model, "messages": list(messages or []), "format": format,
                           "options": dict(options or {}), "keep_alive": keep_alive})
        item = self.script[min(len(self.calls), len(self.script)) - 1]
        if isinstance(item, BaseException):
            raise item
        return {
            "message": {"role": "assistant", "content": item},
            "eval_count": 10 + len(item),
            "eval_duration": 200_000_000,
            "prompt_eval_count": 50,
            "prompt_eval_duration": 100_000_000,
            "load_duration": 1_000,
            "total_duration": 300_000_000,
            "done_reason": "stop",
        }


@dataclass(frozen=True)
class FakeViolation:
    rule: str
    message: str
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class FakeVerdict:
    valid: bool
    violations: tuple[FakeViolation, ...]


def fake_judge(required: Callable[[FactSheet], list[str]]) -> Callable[..., FakeVerdict]:
    """A stand-in validator: valid when the text contains every required string."""

    def judge(text: str, sheet: FactSheet, network: str) -> FakeVerdict:
        missing = [s for s in required(sheet) if s not in text]
        violations = tuple(FakeViolation("data.missing", f"falta «{s}»") for s in missing)
        return FakeVerdict(valid=not violations, violations=violations)

    return judge
