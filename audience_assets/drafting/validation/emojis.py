"""Rules emojis.count, emojis.repeated, emojis.offtopic (grapheme clusters, not code points)."""

from __future__ import annotations

from .config import EmojiGroup
from .context import Post
from .model import Violation
from .text import emoji_identity, find_phrases, fold, fold_word


def check(post: Post) -> list[Violation]:
    found: list[Violation] = []
    seen: dict[str, tuple[int, int]] = {}
    repeated: set[str] = set()
    for emoji in post.emojis:
        key = emoji_identity(emoji.text)
        if key in seen and key not in repeated:
            repeated.add(key)
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


def _match_strength(post: Post, group: EmojiGroup) -> int:
    """2: a keyword in the fact sheet's words; 1: only inside a handle; 0: none."""
    if find_phrases(post.facts.search_text, group.keywords):
        return 2
    # Handles run words together (@navedelmisterio): look inside them too.
    joined = [fold_word(h) for h in post.facts.required_handles]
    if any(len(fold_word(k)) >= 5 and fold_word(k) in h for k in group.keywords for h in joined):
        return 1
    return 0


def _fits(post: Post, group: EmojiGroup, groups: list[EmojiGroup]) -> bool:
    rivals = [g for g in groups if g is not group and group.family and g.family == group.family]
    strength = _match_strength(post, group)
    best_rival = max((_match_strength(post, g) for g in rivals), default=0)
    if strength:
        # "Real Madrid" inside @RealMadridBasket does not make a basketball final football.
        return strength >= best_rival
    genre = fold(post.facts.genre).strip()
    if genre and genre in {fold(g) for g in group.genres}:
        # A sports genre fits any ball, unless the sheet names another sport.
        return best_rival == 0
    return False
