"""Per-rule precision and recall of the strict validator over its corpora, with the
study's naive check beside it as the baseline.

    .venv/bin/python benchmarks/validator_eval.py [--corpus frozen|old|all] [--batch holdout]

Corpora: audience_assets_tests/drafting/validation/corpus/. `frozen` (the default,
reported first) is frozen.jsonl: posts written and labelled before the validator ever
ran on them and committed frozen (the language rules were then built while looking at
its misses). `fresh` is fresh.jsonl: written and labelled after that build, before the
built validator ran on it: the holdout for the new rules. `old` is
clean.jsonl + defects.jsonl, written alongside the rules. Clean posts must raise no
rule; defect posts carry the rule ids they break. A rule's true positive is a post
labelled with it where the validator reports it; a false positive, a post where
it reports it without the label (clean posts included).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter

from tabulate import tabulate

from audience_assets.drafting.validation import RULE_IDS, validate
from audience_assets_tests.drafting.validation.corpus_data import NEWER_RULES, load
from audience_lab.naive import naive_check


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=("frozen", "fresh", "old", "all"), default="frozen")
    parser.add_argument("--batch", help="only posts of this batch (main or holdout)")
    args = parser.parse_args()
    samples = []
    if args.corpus in ("frozen", "all"):
        samples += load("frozen")
    if args.corpus in ("fresh", "all"):
        samples += load("fresh")
    if args.corpus in ("old", "all"):
        samples += load("clean") + load("defects")
    clean = [s for s in samples if not s.expected]
    defects = [s for s in samples if s.expected]
    started = time.perf_counter()
    try:  # lexicons load once per process, outside the per-post timings
        from audience_assets.drafting.validation.lexicon import warm_up
    except ImportError:  # a validator from before the lexicons (a before/after run)
        pass
    else:
        warm_up()
    validate("", {"title": "@x", "channel": "@y", "unique_viewers": 1, "avg_audience": 1,
                  "share": 1.0})
    load_s = time.perf_counter() - started
    if args.batch:
        clean = [s for s in clean if s.batch == args.batch]
        defects = [s for s in defects if s.batch == args.batch]
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    exact, timings = 0, []
    strict_flags_clean = naive_flags_clean = strict_catches = naive_catches = 0
    for sample in clean + defects:
        start = time.perf_counter()
        found = validate(sample.text, sample.sheet, sample.network).rules - NEWER_RULES
        timings.append(time.perf_counter() - start)
        naive_ok = naive_check(sample.text, sample.sheet)
        for rule in found & sample.expected:
            tp[rule] += 1
        for rule in found - sample.expected:
            fp[rule] += 1
        for rule in sample.expected - found:
            fn[rule] += 1
        exact += found == sample.expected
        if sample.expected:
            strict_catches += bool(found)
            naive_catches += not naive_ok
        else:
            strict_flags_clean += bool(found)
            naive_flags_clean += not naive_ok

    def ratio(a: int, b: int) -> str:
        return f"{a / b:.2f}" if b else "-"

    rows = []
    labelled = set().union(*(s.expected for s in defects)) if defects else set()
    for rule in [*RULE_IDS, *sorted(labelled - set(RULE_IDS))]:
        if tp[rule] + fp[rule] + fn[rule] == 0:
            continue
        rows.append([rule, tp[rule] + fn[rule], tp[rule], fp[rule], fn[rule],
                     ratio(tp[rule], tp[rule] + fp[rule]), ratio(tp[rule], tp[rule] + fn[rule])])
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    rows.append(["all rules (micro)", total_tp + total_fn, total_tp, total_fp, total_fn,
                 ratio(total_tp, total_tp + total_fp), ratio(total_tp, total_tp + total_fn)])
    print(f"corpus {args.corpus}: {len(clean)} clean posts, {len(defects)} defect posts"
          + (f" (batch {args.batch})" if args.batch else ""))
    print(tabulate(rows, headers=["rule", "labelled", "TP", "FP", "FN", "precision", "recall"]))
    print()
    print(tabulate([
        ["defect posts rejected", f"{naive_catches}/{len(defects)}",
         f"{strict_catches}/{len(defects)}"],
        ["clean posts rejected", f"{naive_flags_clean}/{len(clean)}",
         f"{strict_flags_clean}/{len(clean)}"],
        ["posts with exactly the labelled rules", "-", f"{exact}/{len(clean) + len(defects)}"],
    ], headers=["", "naive check (study)", "strict validator"]))
    cuts = statistics.quantiles(timings, n=20)
    print(f"\nvalidate() time per post: median {statistics.median(timings) * 1000:.2f} ms, "
          f"p95 {cuts[18] * 1000:.2f} ms, max {max(timings) * 1000:.2f} ms "
          f"({len(timings)} posts; lexicons and lists loaded once before, in {load_s:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
