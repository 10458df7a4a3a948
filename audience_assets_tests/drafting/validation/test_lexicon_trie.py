"""simplemma's dictionary read as a cached marisa-trie gives the shipped dictionary's
answers, and its cache file appears whole (issue 23: lexicons loaded in a compact form)."""

from __future__ import annotations

from pathlib import Path

import pytest
import simplemma

from audience_assets.drafting.validation import lexicon

pytestmark = pytest.mark.timeout(300)

WORDS = ["reunió", "sumó", "congregó", "marca", "vuelve", "reúne", "obtuvo", "fue", "lo",
         "únicos", "reunio", "audiencia", "cuota", "espectadores", "marcar", "xyzzy"]


def test_the_trie_answers_as_the_shipped_dictionary(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    lexicon._simplemma.cache_clear()
    try:
        lemmatizer, lookup = lexicon._simplemma()
        assert lemmatizer is not None and lookup is not None
        cached = lexicon.trie_cache_dir() / "es.dic"
        assert cached.is_relative_to(tmp_path) and cached.stat().st_size > 1_000_000
        assert [p.name for p in cached.parent.iterdir()] == ["es.dic"]  # no temp left
        for word in WORDS:
            assert lemmatizer.lemmatize(word, lang="es") == simplemma.lemmatize(word, lang="es")
            assert (lookup.get_lemma(word, "es") is not None) == simplemma.is_known(
                word, lang="es")
    finally:
        lexicon._simplemma.cache_clear()


def test_the_switch_turns_the_trie_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexicon, "USE_TRIE", False)
    lexicon._simplemma.cache_clear()
    try:
        assert lexicon._simplemma() == (None, None)
    finally:
        lexicon._simplemma.cache_clear()
