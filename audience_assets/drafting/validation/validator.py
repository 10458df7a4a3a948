"""validate(): run every rule family over one post."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import (
    data,
    emojis,
    event,
    fluency,
    hashtags,
    length,
    scope,
    spelling,
    style,
    tense,
    tone,
    words,
)
from .config import NETWORKS, ValidatorConfig, load_config
from .context import Facts, Post
from .model import ValidationResult, Violation

RULE_FAMILIES: tuple[Callable[[Post], list[Violation]], ...] = (
    data.check,
    scope.check,
    event.check,
    style.check,
    tense.check,
    tone.check,
    spelling.check,
    hashtags.check,
    emojis.check,
    length.check,
    words.check,
    fluency.check,
)


def validate(text: str, fact_sheet: Any, network: str = "x", *,
             config: ValidatorConfig | None = None) -> ValidationResult:
    """Check one post against its fact sheet and the client's rules.

    `fact_sheet` is a FactSheet or a dict with the same keys. Raises ValueError
    for an unknown network or a fact sheet without its figures; any text is
    accepted.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if network not in NETWORKS:
        raise ValueError(f"unknown network {network!r}: expected one of {', '.join(NETWORKS)}")
    post = Post(text=text, facts=Facts.of(fact_sheet), network=network,
                config=config or load_config())
    violations: list[Violation] = []
    for family in RULE_FAMILIES:
        violations.extend(family(post))
    return ValidationResult.of(violations)
