"""Rule style.spelling: misspelled words in the writer's own prose.

Titles, handles, hashtags, URLs and the fact sheet's strings are masked (data is
not spell-checked), and so are capitalised words inside a sentence (names). A word
is misspelled when Spanish usage (wordfreq) knows an accented spelling far more
often than the written one ('reunio' -> 'reunió', 'unicos' -> 'únicos'), or when
neither wordfreq nor pyspellchecker's Spanish dictionary knows it ('obtubo').
"""

from __future__ import annotations

import re

from .context import Post
from .lexicon import best_accented, known_to_dictionary, suggestion, zipf
from .model import Violation
from .text import fold

_WORD_RE = re.compile(r"[^\W\d_]+")


def check(post: Post) -> list[Violation]:
    settings = post.config.settings
    allowed = {fold(w) for w in post.config.words.spelling_allowed}
    found = []
    text = post.claim_raw
    for m in _WORD_RE.finditer(text):
        word = m.group(0)
        if len(word) < 3 or fold(word) in allowed:
            continue
        if word[0].isupper() and not _sentence_start(text, m.start()):
            continue
        if text[m.start() - 1:m.start()] in ("'", "’"):
            continue  # an elided article ("L'informatiu") marks another language
        lower = word.lower()
        why = _misspelling(lower, settings.spelling_min_zipf, settings.spelling_accent_margin)
        if why:
            found.append(Violation("style.spelling", f"«{word}»: {why}.", m.span()))
    return found


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"“«(¿¡")
    return not before or before[-1] in ".:!?\n"


def _misspelling(word: str, min_zipf: float, accent_margin: float) -> str | None:
    own = zipf(word, "es")
    accented = best_accented(word)
    if accented and accented[1] >= own + accent_margin:
        return f"falta la tilde o la eñe: «{accented[0]}»"
    if own >= min_zipf or known_to_dictionary(word) or zipf(word, "en") >= 3.0:
        return None
    meant = suggestion(word)
    return "palabra desconocida en español" + (f"; ¿«{meant}»?" if meant else "")
