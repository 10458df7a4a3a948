"""Titles written in capitals, recased as an editor writes them: sentence case or title
case, proper nouns and acronyms from the lexicon, accents restored where Spanish usage (per
wordfreq) knows the accented spelling far more often, English titles in English title case.
"""

from __future__ import annotations

import functools
import re

from wordfreq import zipf_frequency

from audience_assets.analysis.name_lexicon import Lexicon, fold

# Lower case inside a Spanish title (sentence case keeps every other word lower too;
# English title case keeps these).
SPANISH_FUNCTION_WORDS = frozenset(
    {"a", "al", "ante", "bajo", "con", "contra", "de", "del", "desde", "durante", "e",
     "el", "en", "entre", "hacia", "hasta", "la", "las", "lo", "los", "mediante", "o",
     "para", "por", "que", "se", "sin", "sobre", "tras", "u", "un", "una", "unas",
     "unos", "y"})
ENGLISH_MINOR_WORDS = frozenset({"a", "an", "and", "as", "at", "but", "by", "for", "in",
                                 "nor", "of", "on", "or", "the", "to", "vs"})
# Interrogatives that carry an accent right after "¿" ("¿QUIEN QUIERE…" -> "¿Quién…").
_INTERROGATIVES = {"que": "qué", "quien": "quién", "quienes": "quiénes", "como": "cómo",
                   "donde": "dónde", "cuando": "cuándo", "cuanto": "cuánto", "cual": "cuál"}
_ACCENTED = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú", "n": "ñ"}


@functools.lru_cache(maxsize=16384)
def _zipf(word: str, lang: str) -> float:
    return float(zipf_frequency(word, lang))


@functools.lru_cache(maxsize=16384)
def restore_accent(word: str) -> str:
    """'aqui' -> 'aquí', 'conexion' -> 'conexión': the accented spelling when Spanish
    usage knows it clearly more often (0.5 Zipf, about 3x); 'como', 'paso', 'el'
    stay (their unaccented spelling is the commoner word)."""
    if word != fold(word) or not word.isalpha():
        return word
    plain = _zipf(word, "es")
    variants = [word[:i] + _ACCENTED[ch] + word[i + 1:]
                for i, ch in enumerate(word) if ch in _ACCENTED]
    best = max(variants, key=lambda v: _zipf(v, "es"), default=word)
    return best if _zipf(best, "es") >= plain + 0.5 else word


def _is_english(words: list[str]) -> bool:
    english = spanish = 0
    for word in words:
        es, en = _zipf(word, "es"), _zipf(restore_accent(word), "es")
        en_score = _zipf(word, "en")
        if en_score >= max(es, en) + 1.0:
            english += 1
        elif max(es, en) > 0:
            spanish += 1
    return english > spanish


def in_capitals(text: str) -> bool:
    """Most of the title's words are written in capitals ("AVANCE INFORMATIVO La1")."""
    words = [w for w in re.findall(r"[^\W\d_]{2,}", text)]
    upper = sum(1 for w in words if w.isupper())
    return bool(words) and upper * 2 > len(words)


def _capitalise(word: str) -> str:
    return word[:1].upper() + word[1:]


def _core(token: str) -> tuple[str, str, str]:
    """(leading punctuation, the word, trailing punctuation) of a token."""
    m = re.fullmatch(r"([^\w@]*)(.*?)([^\w]*)", token)
    assert m is not None
    return m.group(1), m.group(2), m.group(3)


def recase(text: str, lexicon: Lexicon, *, title_case: bool = False,
           first_capital: bool = True) -> str:
    """A text written in capitals, as an editor writes it.

    Sentence case (a programme, a series, a film: "La ruleta de la suerte"), or with
    `title_case` every word capitalised but function words (team and competition
    names: "Atlético de Madrid", "Copa del Rey"). Proper nouns and acronyms from the
    lexicon keep their spelling, words with digits stay as written (La1, 3.0, 21:00),
    accents come back where usage says so, a word after ':' or '¿' or '.' starts
    with a capital. A title in English gets English title case."""
    tokens = text.split()
    cores = [_core(t) for t in tokens]
    plain = [fold(c[1]) for c in cores]
    english = _is_english([p for p in plain if p.isalpha()])
    out: list[str] = []
    capital_next = first_capital
    i = 0
    longest = lexicon.longest_proper_noun
    while i < len(tokens):
        lead, word, trail = cores[i]
        matched = False
        for n in range(min(longest, len(tokens) - i), 0, -1):
            key = tuple(plain[i:i + n])
            # A proper noun spans tokens only when no punctuation splits them.
            if key in lexicon.proper_nouns and all(
                    not cores[j][2] and not cores[j + 1][0] for j in range(i, i + n - 1)):
                spelled = lexicon.proper_nouns[key]
                out.append(cores[i][0] + spelled + cores[i + n - 1][2])
                capital_next = cores[i + n - 1][2].endswith((":", "."))
                i += n
                matched = True
                break
        if matched:
            continue
        folded = plain[i]
        if word.startswith("@") or any(c.isdigit() for c in word) or not word:
            new = word
        elif folded in lexicon.acronyms:
            new = lexicon.acronyms[folded]
        elif lead.endswith("¿") and folded in _INTERROGATIVES:
            new = _INTERROGATIVES[folded]
        else:
            new = restore_accent(word.lower()) if word == word.upper() else word.lower()
            minor = (ENGLISH_MINOR_WORDS if english else SPANISH_FUNCTION_WORDS)
            if (english or title_case) and fold(new) not in minor:
                new = _capitalise(new)
        if capital_next or (lead.endswith("¿") and not out):
            new = _capitalise(new)
        out.append(lead + new + trail)
        capital_next = trail.endswith((":", ".", "?")) or (lead.endswith("¿") and False)
        i += 1
    return " ".join(out)
