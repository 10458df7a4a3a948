"""Candidates for hashtags.language, compared on every corpus: the old word list, the chosen
wordfreq frequencies, and lingua restricted to Spanish and English.

lingua is not a project dependency; install it beside the project to compare:

    .venv/bin/pip install --target var/lingua_eval lingua-language-detector==2.1.1
    PYTHONPATH=var/lingua_eval:$PWD .venv/bin/python benchmarks/validator_language_candidates.py
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from detector_scoring import CONFIG, score_detectors

from audience_assets.drafting.validation import hashtags
from audience_assets.drafting.validation.context import Post, without_stopwords
from audience_assets.drafting.validation.lexicon import warm_up
from audience_assets.drafting.validation.text import Token, fold_word, split_hashtag


def judged(post: Post) -> Iterator[Token]:
    """Hashtags the rule judges by language: not a name, not a misspelled name."""
    names = post.name_candidates
    for tag in post.hashtags:
        forms = {fold_word(tag.body), without_stopwords(split_hashtag(tag.body))}
        if not forms & names and not hashtags._misspelled(
                forms, names, CONFIG.settings.name_similarity):
            yield tag


def word_list(post: Post) -> bool:
    english = set(CONFIG.hashtags.english)
    return any(set(split_hashtag(t.body)) & english for t in judged(post))


def wordfreq_rule(post: Post) -> bool:
    return any(hashtags._english_words(post, t.body, post.name_candidates) for t in judged(post))


def main() -> None:
    warm_up()
    detectors: list[tuple[str, Callable[[Post], bool]]] = [
        ("word list (old)", word_list), ("wordfreq (chosen)", wordfreq_rule)]
    try:
        from lingua import Language, LanguageDetectorBuilder
        started = time.perf_counter()
        lingua = LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.SPANISH).build()
        lingua.compute_language_confidence("hola", Language.ENGLISH)
        print(f"load: lingua {time.perf_counter() - started:.1f} s")

        def lingua_rule(post: Post) -> bool:
            return any(lingua.compute_language_confidence(
                " ".join(split_hashtag(t.body)), Language.ENGLISH) > 0.5 for t in judged(post))
        detectors.append(("lingua ES/EN", lingua_rule))
    except ImportError:
        print("lingua not importable: skipped (see the docstring)")
    score_detectors("hashtags.language", detectors, lambda post: post.name_candidates,
                    digits=3)


if __name__ == "__main__":
    main()
