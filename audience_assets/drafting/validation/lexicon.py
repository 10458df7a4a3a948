"""Spanish and English lexicons behind the language rules, loaded once per process.

- wordfreq: word frequencies (Zipf scale) for Spanish and English, shipped inside
  the package; what makes a word "known" and what tells English from Spanish.
- simplemma: Spanish lemmas (its tables ship inside the package); with the regular
  conjugation endings below it tells a finite present from a noun.
- pyspellchecker: its Spanish dictionary proposes the correction of an unknown word.

Nothing is downloaded at run time. Every lookup is cached: a post repeats words and
the desk checks the same post after each edit.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

import simplemma
from wordfreq import zipf_frequency

_ACCENTED = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú", "n": "ñ"}


@lru_cache(maxsize=65536)
def zipf(word: str, lang: str) -> float:
    """Zipf frequency of `word` (0 = unseen, 3 = once per million words, 7 = 'de')."""
    return float(zipf_frequency(word, lang))


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    return str(simplemma.lemmatize(word, lang="es"))


@lru_cache(maxsize=65536)
def is_known_lemma(word: str) -> bool:
    return bool(simplemma.is_known(word, lang="es"))


@lru_cache(maxsize=1)
def _spellchecker() -> Any:
    from spellchecker import SpellChecker  # 1 s to load its dictionary: only when needed

    return SpellChecker(language="es", distance=1)


def has_accent(word: str) -> bool:
    return any(unicodedata.normalize("NFD", ch) != ch for ch in word)


def accent_variants(word: str) -> list[str]:
    """`word` with one accent (or ñ) added: 'reunio' -> 'reunió', 'unicos' -> 'únicos'."""
    return [word[:i] + _ACCENTED[ch] + word[i + 1:]
            for i, ch in enumerate(word) if ch in _ACCENTED]


def best_accented(word: str) -> tuple[str, float] | None:
    """The most frequent accented spelling of an unaccented word, with its frequency."""
    if has_accent(word):
        return None
    scored = [(v, zipf(v, "es")) for v in accent_variants(word)]
    scored = [s for s in scored if s[1] > 0]
    return max(scored, key=lambda s: s[1]) if scored else None


@lru_cache(maxsize=8192)
def suggestion(word: str) -> str | None:
    """The likeliest intended word: an accented spelling or a dictionary word one edit away."""
    options: set[str] = set(accent_variants(word))
    options |= set(_spellchecker().candidates(word) or ())
    options.discard(word)
    scored = [(zipf(o, "es"), o) for o in options]
    scored = [s for s in scored if s[0] >= 2.0]
    return max(scored)[1] if scored else None


def known_to_dictionary(word: str) -> bool:
    return word in _spellchecker()


# Present indicative, third person: ending -> infinitive endings it may come from.
_PRESENT_ENDINGS = (("an", ("ar",)), ("en", ("er", "ir")), ("a", ("ar",)), ("e", ("er", "ir")))
# Stem changes of the present (cierra, vuelve, juega, sigue, reúne, envía, tiene).
_STEM_CHANGES = (("ie", "e"), ("ue", "o"), ("ue", "u"), ("i", "e"), ("ú", "u"), ("í", "i"))


@lru_cache(maxsize=65536)
def present_of(word: str) -> str | None:
    """The infinitive whose third-person present indicative `word` may be, or None.

    Morphology, not a verb list: strip a present ending, undo a stem change, and keep
    the infinitive if simplemma knows it as a lemma and wordfreq as a word. A word that
    simplemma lemmatises to another verb ('fue' -> ser) is that verb's other tense.
    """
    word = word.lower()
    own = lemma(word)
    own_is_verb = own != word and own.endswith(("ar", "er", "ir", "ír"))
    for ending, infinitive_endings in _PRESENT_ENDINGS:
        if not word.endswith(ending) or len(word) - len(ending) < 2:
            continue
        stem = word[: -len(ending)]
        stems = {stem}
        for old, new in _STEM_CHANGES:
            at = stem.rfind(old)
            if at >= 0:
                stems.add(stem[:at] + new + stem[at + len(old):])
        for candidate_stem in sorted(stems):
            for inf_ending in infinitive_endings:
                infinitive = candidate_stem + inf_ending
                if own_is_verb and own != infinitive:
                    continue
                if is_known_lemma(infinitive) and zipf(infinitive, "es") >= 2.5:
                    return infinitive
        break  # 'an' before 'a': the first matching ending decides
    return None


def warm_up() -> None:
    """Load every lexicon now (about 2 s) rather than inside the first post checked."""
    zipf("de", "es")
    zipf("the", "en")
    lemma("marca")
    is_known_lemma("marcar")
    _spellchecker()
