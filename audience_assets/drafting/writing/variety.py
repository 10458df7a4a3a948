"""How alike a day's posts read: sentence skeletons and pairwise similarity.

A post's skeleton is its text with the figures, handles, names, event, hashtags
and emojis replaced by slots: what is left is the writer's wording. Two posts
with the same skeleton differ only in their data. Similarity is rapidfuzz's
normalised Indel ratio (0-100) between skeletons: fast, well kept, and the same
measure the writer uses to pick, among valid candidates, the one least like the
posts already chosen that day.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import combinations
from statistics import mean

import regex
from rapidfuzz import fuzz

from audience_assets.analysis import names
from audience_assets.drafting.validation import scope
from audience_assets.drafting.validation.config import load_config
from audience_assets.drafting.validation.context import Facts
from audience_assets.drafting.validation.figures import format_share, format_viewers
from audience_assets.records import FactSheet

_EMOJI_RE = regex.compile(r"\p{Extended_Pictographic}\uFE0F?|\uFE0F|\u200D")
_HASHTAG_RE = re.compile(r"#\w+")
_HANDLE_RE = re.compile(r"@\w+")
_NUMBER_RE = re.compile(r"\d[\d.,]*%?")


def skeleton(text: str, sheet: FactSheet | None = None, *, lower: bool = True) -> str:
    """The wording without the data: '{programa} reunió a {n} espectadores…'."""
    out = text
    if sheet is not None:
        display = names.display_name(sheet.title, sheet.description, sheet.genre)
        # The code's note on whose figures they are (data.scope) is not the wording.
        note = scope.required_note(Facts.of(sheet), load_config())
        replacements = [(note, ""), (sheet.event, "{evento}"), (sheet.title, "{programa}"),
                        (display, "{programa}"),
                        (sheet.channel, "{cadena}"),
                        (format_viewers(sheet.unique_viewers), "{n}"),
                        (format_viewers(sheet.avg_audience), "{n}"),
                        (format_share(sheet.share), "{n}")]
        for value, slot in sorted(replacements, key=lambda p: -len(p[0])):
            if len(value.strip()) >= 2:
                out = re.sub(re.escape(value), slot, out, flags=re.IGNORECASE)
    out = _HASHTAG_RE.sub("", out)
    out = _EMOJI_RE.sub("", out)
    out = _HANDLE_RE.sub("{x}", out)
    out = _NUMBER_RE.sub("{n}", out)
    out = " ".join(out.split()).strip()
    return out.lower() if lower else out


def similarity(a: str, b: str) -> float:
    return float(fuzz.ratio(a, b))


def mean_pairwise_similarity(skeletons: Sequence[str]) -> float:
    """Mean similarity (0-100) over every pair; 0 for fewer than two posts."""
    pairs = list(combinations(skeletons, 2))
    return round(mean(similarity(a, b) for a, b in pairs), 1) if pairs else 0.0


def distinct_skeletons(skeletons: Sequence[str]) -> int:
    return len(set(skeletons))


def distinct_per(skeletons: Sequence[str], size: int = 25) -> float:
    """Distinct skeletons per `size` posts: the mean over consecutive blocks of
    `size` (a shorter list counts as one block, scaled)."""
    if not skeletons:
        return 0.0
    if len(skeletons) <= size:
        return round(distinct_skeletons(skeletons) * size / len(skeletons), 1)
    blocks = [skeletons[i:i + size] for i in range(0, len(skeletons) - size + 1, size)]
    return round(mean(distinct_skeletons(b) for b in blocks), 1)


def least_similar(candidates: Sequence[str], chosen: Sequence[str]) -> int:
    """Index of the candidate skeleton whose highest similarity to the day's chosen
    skeletons is lowest (ties: the earliest); 0 when nothing is chosen yet."""
    if not chosen or len(candidates) <= 1:
        return 0
    scores = [max(similarity(c, other) for other in chosen) for c in candidates]
    return min(range(len(candidates)), key=lambda i: (scores[i], i))
