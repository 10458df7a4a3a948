"""Spanish and English lexicons behind the language rules, loaded once per process.

- wordfreq: word frequencies (Zipf scale) for Spanish and English, shipped inside
  the package; what makes a word "known" and what tells English from Spanish.
- simplemma: Spanish lemmas (its tables ship inside the package); with the regular
  conjugation endings below it tells a finite present from a noun.
- pyspellchecker: its Spanish dictionary proposes the correction of an unknown word.

Nothing is downloaded at run time. Every lookup is cached: a post repeats words and
the desk checks the same post after each edit.

simplemma's Spanish dictionary ships lzma-compressed: decompressing it into a dict took
1.5 s of every process's start (most of the validator's load). It is read instead as a
marisa-trie (simplemma's own `TrieDictionaryFactory`, the `marisa-trie` extra): built
once per machine and simplemma version into the per-user cache (platformdirs:
`~/.cache/audience-assets/simplemma/<version>/es.dic`), written to a temporary
file and renamed, so concurrent first runs never read half a file) and memory-mapped
by every later process. Without marisa-trie the shipped dictionary is used as before.
"""

from __future__ import annotations

import logging
import os
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import simplemma
import simplemma.strategies
from simplemma.utils import normalize_token
from wordfreq import zipf_frequency

log = logging.getLogger(__name__)

_ACCENTED = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú", "n": "ñ"}


@lru_cache(maxsize=65536)
def zipf(word: str, lang: str) -> float:
    """Zipf frequency of `word` (0 = unseen, 3 = once per million words, 7 = 'de')."""
    return float(zipf_frequency(word, lang))


# The benchmark's "before" turns the trie off (benchmarks/validator_speed.py).
USE_TRIE = True


def trie_cache_dir() -> Path:
    # platformdirs (simplemma's own choice for its cache) honours XDG_CACHE_HOME.
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("audience-assets")) / "simplemma" / simplemma.__version__


@lru_cache(maxsize=1)
def _simplemma() -> tuple[Any, Any]:
    """(lemmatizer, dictionary lookup) for Spanish, on the cached trie when possible."""
    if not USE_TRIE:
        return None, None
    try:
        import marisa_trie  # noqa: F401  (the factory needs it; absent: the shipped dict)
        from simplemma.strategies.dictionaries.trie_dictionary_factory import (
            TrieDictionaryFactory,
        )
    except ImportError:
        return None, None
    folder = trie_cache_dir()
    try:
        if not (folder / "es.dic").exists():
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=folder) as tmp:
                TrieDictionaryFactory(disk_cache_dir=tmp).get_dictionary("es")
                os.replace(Path(tmp) / "es.dic", folder / "es.dic")
        factory = TrieDictionaryFactory(disk_cache_dir=str(folder))
        factory.get_dictionary("es")
    except OSError as exc:  # a read-only home: the shipped dictionary, as before
        log.warning("simplemma trie cache unavailable (%s); using the shipped dictionary", exc)
        return None, None
    strategy = simplemma.strategies.DefaultStrategy(dictionary_factory=factory)
    return (simplemma.Lemmatizer(lemmatization_strategy=strategy),
            simplemma.strategies.DictionaryLookupStrategy(factory))


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    lemmatizer, _ = _simplemma()
    if lemmatizer is None:
        return str(simplemma.lemmatize(word, lang="es"))
    return str(lemmatizer.lemmatize(word, lang="es"))


@lru_cache(maxsize=65536)
def is_known_lemma(word: str) -> bool:
    _, lookup = _simplemma()
    if lookup is None:
        return bool(simplemma.is_known(word, lang="es"))
    return lookup.get_lemma(normalize_token(word), "es") is not None


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
