"""Candidates for hashtags.language, compared on every corpus: the old word list, the chosen
wordfreq frequencies, and lingua restricted to Spanish and English.

lingua is not a project dependency; install it beside the project to compare:

    .venv/bin/pip install --target var/lingua_eval lingua-language-detector==2.1.1
    PYTHONPATH=var/lingua_eval:$PWD .venv/bin/python benchmarks/validator_language_candidates.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator

from audience_assets.drafting.validation import hashtags, load_config
from audience_assets.drafting.validation.context import Facts, Post, without_stopwords
from audience_assets.drafting.validation.lexicon import warm_up
from audience_assets.drafting.validation.text import Token, fold_word, split_hashtag
from audience_assets_tests.drafting.validation.corpus_data import load

CONFIG = load_config()


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
    for corpus in (["frozen"], ["fresh"], ["clean", "defects"]):
        samples = [s for name in corpus for s in load(name)]
        labelled = sum("hashtags.language" in s.expected for s in samples)
        print(f"corpus {'+'.join(corpus)}: {len(samples)} posts, {labelled} labelled "
              "hashtags.language")
        for name, detect in detectors:
            tp = fp = fn = 0
            timings = []
            for s in samples:
                post = Post(text=s.text, facts=Facts.of(s.sheet), network=s.network, config=CONFIG)
                _ = post.name_candidates
                t = time.perf_counter()
                got = detect(post)
                timings.append(time.perf_counter() - t)
                want = "hashtags.language" in s.expected
                tp, fp, fn = tp + (got and want), fp + (got and not want), fn + (want and not got)
            print(f"  {name:20s} TP {tp:2d} FP {fp:2d} FN {fn:2d}  "
                  f"precision {tp / max(tp + fp, 1):.2f} recall {tp / max(tp + fn, 1):.2f}  "
                  f"median {statistics.median(timings) * 1000:.3f} ms/post")


if __name__ == "__main__":
    main()
