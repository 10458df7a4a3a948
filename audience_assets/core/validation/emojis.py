"""Rules emojis.count, emojis.repeated, emojis.offtopic (grapheme clusters, not code points)."""

from __future__ import annotations

from .config import EmojiGroup
from .context import Post
from .model import Violation
from .text import emoji_identity, find_phrases, fold, fold_word


def check(post: Post) -> list[Violation]:
    found: list[Violation] = []
    seen: dict[str, tuple[int, int]] = {}
    for emoji in post.emojis:
        key = emoji_identity(emoji.text)
        if key in seen:
            found.append(Violation("emojis.repeated",
                                   f"El emoji {emoji.text} está repetido; use emojis distintos.",
                                   emoji.span))
        else:
            seen[key] = emoji.span
    minimum = post.config.settings.min_emojis
    if len(seen) < minimum:
        found.append(Violation(
            "emojis.count", f"Hacen falta al menos {minimum} emojis distintos; hay {len(seen)}.",
            None))
    groups = post.config.emojis.groups
    reported: set[str] = set()
    for emoji in post.emojis:
        key = emoji_identity(emoji.text)
        group = _group_of(key, groups)
        if group is None or key in reported or _fits(post, group, groups):
            continue
        reported.add(key)
        found.append(Violation("emojis.offtopic", f"{emoji.text}: {group.message}", emoji.span))
    return found


def _group_of(key: str, groups: list[EmojiGroup]) -> EmojiGroup | None:
    for group in groups:
        if any(emoji_identity(e) == key for e in group.emojis):
            return group
    return None


def _keywords_match(post: Post, group: EmojiGroup) -> bool:
    facts = post.facts.search_text
    if find_phrases(facts, group.keywords):
        return True
    # Handles run words together (@navedelmisterio): look inside them too.
    joined = [fold_word(h) for h in post.facts.required_handles]
    return any(len(fold_word(k)) >= 5 and fold_word(k) in h for k in group.keywords
               for h in joined)


def _fits(post: Post, group: EmojiGroup, groups: list[EmojiGroup]) -> bool:
    if _keywords_match(post, group):
        return True
    genre = fold(post.facts.genre).strip()
    if genre and genre in {fold(g) for g in group.genres}:
        # A sports genre fits any ball, unless the sheet names another sport.
        rivals = [g for g in groups if g is not group and g.family and g.family == group.family]
        return not any(_keywords_match(post, g) for g in rivals)
    return False
