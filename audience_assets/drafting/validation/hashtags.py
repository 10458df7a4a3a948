"""Rules hashtags.count, hashtags.language, hashtags.spelling."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA

from .context import Post, without_stopwords
from .lexicon import best_accented, zipf
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
    own = {fold_word(h.lstrip("#")) for h in post.facts.hashtags}
    for tag in post.hashtags:
        forms = {fold_word(tag.body), without_stopwords(split_hashtag(tag.body))}
        if forms & names or fold_word(tag.body) in own:
            continue  # the programme's or channel's own name, whatever its language
        meant = _misspelled(forms, names, post.config.settings.name_similarity)
        if meant:
            # A misspelled name is one defect: its words are not judged by language.
            found.append(Violation(
                "hashtags.spelling",
                f"{tag.text}: parece el nombre «{meant}» mal escrito.", tag.span))
            continue
        english = _english_words(post, tag.body, names)
        if english:
            found.append(Violation(
                "hashtags.language",
                f"{tag.text}: hashtag en inglés ({', '.join(english)}); los hashtags van en "
                "español.", tag.span))
    return found


def _english_words(post: Post, body: str, names: set[str]) -> list[str]:
    """English words of a hashtag, judged word by word on wordfreq's frequencies.

    A word is English when English uses it far more than Spanish does (its accented
    Spanish spelling counted: 'television' is 'televisión'); words the client lists
    as fine in Spanish ('final', 'reality') and the fact sheet's own words ('First
    Dates') are never English. hashtags.yaml:english still adds words by hand.
    """
    lists, settings = post.config.hashtags, post.config.settings
    english, neutral = set(lists.english), set(lists.both) | set(lists.spanish)
    neutral |= {fold(w) for w in post.facts.search_text.split()}
    # Words of a name the hashtag contains are the name ('#MasterChefEspaña').
    folded = fold_word(body)
    inside = [n for n in names if len(n) >= 5 and n in folded]
    neutral |= {w for w in (fold(x) for x in split_hashtag(body)) if any(w in n for n in inside)}
    words = [fold(w) for w in split_hashtag(body)]
    if len(words) == 1 and words[0] not in english | neutral:
        words = list(_segment(words[0], frozenset(english | neutral)))
    found = []
    for word in words:
        if word in neutral or len(word) < 3 or word.isdigit():
            continue
        if word in english or _more_english(word, settings.english_min_zipf,
                                            settings.english_margin):
            found.append(word)
    return found


def _more_english(word: str, min_zipf: float, margin: float) -> bool:
    en = zipf(word, "en")
    if en < min_zipf:
        return False
    accented = best_accented(word)
    es = max(zipf(word, "es"), accented[1] if accented else 0.0)
    return en - es >= margin


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


def _misspelled(forms: set[str], names: set[str], similarity: float) -> str | None:
    """The name a hashtag misspells: rapidfuzz's OSA distance (a swap of two letters is one
    edit) over the folded forms, close in length so that a shortened or fuller name
    ('#LaRuleta', '#LaRuletaDeLaSuerte') is not a typo."""
    candidates = sorted(n for n in names if len(n) >= 5)
    for form in sorted(forms):
        if len(form) < 5:
            continue
        for name in candidates:
            if abs(len(form) - len(name)) > 2:
                continue
            if OSA.normalized_similarity(form, name) >= similarity and OSA.distance(form, name):
                return name
    return None
