"""Rules hashtags.count, hashtags.language, hashtags.spelling."""

from __future__ import annotations

from functools import lru_cache

from .context import Post, without_stopwords
from .model import Violation
from .text import fold, fold_word, split_hashtag


def check(post: Post) -> list[Violation]:
    found: list[Violation] = []
    distinct = {fold_word(h.body) for h in post.hashtags}
    minimum = post.config.settings.min_hashtags
    if len(distinct) < minimum:
        found.append(Violation(
            "hashtags.count",
            f"Hacen falta al menos {minimum} hashtags distintos; hay {len(distinct)}.", None))
    names = post.name_candidates
    for tag in post.hashtags:
        forms = {fold_word(tag.body), without_stopwords(split_hashtag(tag.body))}
        if forms & names:
            continue  # the programme's or channel's own name, whatever its language
        english = _english_words(post, tag.body)
        if english:
            found.append(Violation(
                "hashtags.language",
                f"{tag.text}: hashtag en inglés ({', '.join(english)}); los hashtags van en "
                "español.", tag.span))
        meant = _misspelled(forms, names)
        if meant:
            found.append(Violation(
                "hashtags.spelling",
                f"{tag.text}: parece el nombre «{meant}» mal escrito.", tag.span))
    return found


def _english_words(post: Post, body: str) -> list[str]:
    lists = post.config.hashtags
    english, neutral = set(lists.english), set(lists.both) | set(lists.spanish)
    # English words of the fact sheet itself ("First Dates", "The Floor") are names.
    neutral |= {fold(w) for w in post.facts.search_text.split()}
    words = [fold(w) for w in split_hashtag(body)]
    if len(words) == 1 and words[0] not in english | neutral:
        words = list(_segment(words[0], frozenset(english | neutral)))
    return [w for w in words if w in english and w not in neutral]


@lru_cache(maxsize=2048)
def _segment(blob: str, vocabulary: frozenset[str]) -> tuple[str, ...]:
    """Split a lower-case hashtag into known words (fewest pieces), or keep it whole."""
    best: list[tuple[str, ...] | None] = [None] * (len(blob) + 1)
    best[0] = ()
    for end in range(1, len(blob) + 1):
        for start in range(max(0, end - 20), end - 1):
            prefix = best[start]
            piece = blob[start:end]
            if prefix is not None and piece in vocabulary and (
                    best[end] is None or len(prefix) + 1 < len(best[end] or ())):
                best[end] = (*prefix, piece)
    return best[len(blob)] or (blob,)


def _misspelled(forms: set[str], names: set[str]) -> str | None:
    candidates = sorted(n for n in names if len(n) >= 5)
    for form in forms:
        if len(form) < 5:
            continue
        for name in candidates:
            if 1 <= _distance(form, name) <= (1 if len(name) < 8 else 2):
                return name
    for form in forms:
        if len(form) < 5 or any(_is_subsequence(n, form) for n in candidates):
            continue  # a fuller spelling of a name (#LaRuletaDeLaSuerte for laruletasuerte)
        for name in candidates:
            if len(name) >= 8 and len(form) >= len(name) and 1 <= len(name) - _lcs(form, name) <= 2:
                return name
    return None


def _is_subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(ch in it for ch in needle)


def _distance(a: str, b: str) -> int:
    if abs(len(a) - len(b)) > 3:
        return 99
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _lcs(a: str, b: str) -> int:
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if ca == cb else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]
