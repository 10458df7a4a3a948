"""The naive check of the seven-model study (DOMAIN.md), kept as the drafting baseline.

It tests only: every number present as written, at least two hashtags and two
emojis, length bounds, and no banned word. Drafts that pass it still broke the
client's rules; the strict validator exists because of that gap.
"""

from __future__ import annotations

import re
from typing import Any

import regex

from audience_assets.drafting.validation.config import ValidatorConfig, load_config
from audience_assets.drafting.validation.context import Facts
from audience_assets.drafting.validation.figures import format_viewers

_EMOJI_CODEPOINT_RE = regex.compile(r"\p{Extended_Pictographic}")


def naive_failures(text: str, fact_sheet: Any, *, config: ValidatorConfig | None = None
                   ) -> list[str]:
    """The naive criteria a post fails, in words (empty when it passes)."""
    cfg = config or load_config()
    facts = Facts.of(fact_sheet)
    failures = []
    for number in (format_viewers(facts.unique_viewers), format_viewers(facts.avg_audience),
                   f"{facts.share:.1f}"):
        if number not in text:
            failures.append(f"missing number {number}")
    if len(re.findall(r"#\w+", text)) < 2:
        failures.append("fewer than 2 hashtags")
    if len(_EMOJI_CODEPOINT_RE.findall(text)) < 2:
        failures.append("fewer than 2 emojis")
    bounds = cfg.settings.naive
    if not bounds.min_chars <= len(text) <= bounds.max_chars:
        failures.append(f"length {len(text)} outside {bounds.min_chars}-{bounds.max_chars}")
    lowered = text.lower()
    failures.extend(f"banned word {w!r}" for w in cfg.words.banned if w.lower() in lowered)
    return failures


def naive_check(text: str, fact_sheet: Any, *, config: ValidatorConfig | None = None) -> bool:
    """True when the post passes the study's naive check."""
    return not naive_failures(text, fact_sheet, config=config)
