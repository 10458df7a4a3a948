"""Scoring one validator rule's candidate detectors on the labelled corpora: shared by
the validator_*_candidates.py benchmarks (run as scripts, this folder is on the path)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from audience_assets.drafting.validation import load_config
from audience_assets.drafting.validation.context import Facts, Post
from audience_assets_tests.drafting.validation.corpus_data import load

CONFIG = load_config()

Detector = Callable[[Post], bool]


def score_detectors(rule: str, detectors: Sequence[tuple[str, Detector]],
                    warm: Callable[[Post], Any], digits: int = 2) -> None:
    """Per corpus (frozen first, then fresh, then clean+defects): each detector's
    TP/FP/FN against the posts labelled `rule`, and its median time per post. `warm`
    computes what every detector reads (cached on the post), so that it is not timed."""
    width = max(len(name) for name, _ in detectors) + 2
    for corpus in (["frozen"], ["fresh"], ["clean", "defects"]):
        samples = [s for name in corpus for s in load(name)]
        labelled = sum(rule in s.expected for s in samples)
        print(f"corpus {'+'.join(corpus)}: {len(samples)} posts, {labelled} labelled {rule}")
        for name, detect in detectors:
            tp = fp = fn = 0
            timings = []
            for s in samples:
                post = Post(text=s.text, facts=Facts.of(s.sheet), network=s.network,
                            config=CONFIG)
                warm(post)
                started = time.perf_counter()
                got = detect(post)
                timings.append(time.perf_counter() - started)
                want = rule in s.expected
                tp, fp, fn = tp + (got and want), fp + (got and not want), fn + (want and not got)
            print(f"  {name:{width}s} TP {tp:2d} FP {fp:2d} FN {fn:2d}  "
                  f"precision {tp / max(tp + fp, 1):.2f} recall {tp / max(tp + fn, 1):.2f}  "
                  f"median {statistics.median(timings) * 1000:.{digits}f} ms/post")
