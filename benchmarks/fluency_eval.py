"""The fluency gate (issue 21, item 3) on its frozen corpora: per-rule precision and
recall, and post-level recall (broken posts rejected by any fluency rule) and false
rejects (fluent posts rejected).

    .venv/bin/python benchmarks/fluency_eval.py [--corpus main|holdout|writers|verbs|both|all]

Corpora: audience_assets_tests/drafting/validation/corpus/fluency.jsonl (main) and
fluency_holdout.jsonl (holdout), labelled and committed before the rules were written,
fluency_writers.jsonl (178 real writer posts, labelled before fluency.main_verb) and
fluency_verbs.jsonl (107, labelled before fluency.verb was run on them; FLUENCY.md
there). Only the fluency rules and style.promotional are scored: the posts were written
for fluency, not to be free of every other rule's defects. `fluency.other` labels
broken posts no rule targets; they count in the post-level recall only. Goal: recall
>= 0.9 and false rejects <= 5 % on the holdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from tabulate import tabulate

from audience_assets.drafting.validation import validate

CORPUS = Path(__file__).resolve().parents[1] / "audience_assets_tests" / "drafting" / \
    "validation" / "corpus"
SCORED = ("fluency.unlabelled", "fluency.repeated_metric", "fluency.pleonasm", "fluency.slot",
          "fluency.event_label", "fluency.main_verb", "fluency.verb", "fluency.article",
          "fluency.construction", "style.promotional")
FILES = {"main": "fluency.jsonl", "holdout": "fluency_holdout.jsonl",
         "writers": "fluency_writers.jsonl", "verbs": "fluency_verbs.jsonl"}


def load(name: str) -> list[dict]:
    sheets = json.loads((CORPUS / "fact_sheets.json").read_text(encoding="utf-8"))
    items = []
    for line in (CORPUS / FILES[name]).read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            item["sheet_data"] = item.get("fact_sheet") or sheets[item["sheet"]]
            items.append(item)
    return items


def evaluate(name: str, show_misses: bool = False) -> dict[str, float]:
    items = load(name)
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    broken = [i for i in items if i["expected"]]
    fluent = [i for i in items if not i["expected"]]
    rejected_broken = rejected_fluent = 0
    for item in items:
        found = {r for r in validate(item["text"], item["sheet_data"]).rules if r in SCORED}
        expected = set(item["expected"]) & set(SCORED)
        for rule in found & expected:
            tp[rule] += 1
        for rule in found - expected:
            fp[rule] += 1
            if show_misses:
                print(f"  FP {rule} {item['id']}: {item['text'][:160]}")
        for rule in expected - found:
            fn[rule] += 1
            if show_misses:
                print(f"  FN {rule} {item['id']}: {item['text'][:160]}")
        if item["expected"]:
            rejected_broken += bool(found)
        else:
            rejected_fluent += bool(found)
    rows = []
    for rule in SCORED:
        labelled = tp[rule] + fn[rule]
        rows.append({"rule": rule, "labelled": labelled, "TP": tp[rule], "FP": fp[rule],
                     "FN": fn[rule],
                     "precision": round(tp[rule] / (tp[rule] + fp[rule]), 2)
                     if tp[rule] + fp[rule] else "-",
                     "recall": round(tp[rule] / labelled, 2) if labelled else "-"})
    recall = rejected_broken / len(broken)
    false_rejects = rejected_fluent / len(fluent)
    print(f"corpus {name}: {len(broken)} broken, {len(fluent)} fluent posts")
    print(tabulate(rows, headers="keys", tablefmt="github"))
    print(f"post level: broken rejected {rejected_broken}/{len(broken)} (recall "
          f"{recall:.2f}); fluent rejected {rejected_fluent}/{len(fluent)} (false rejects "
          f"{false_rejects:.1%})\n")
    return {"recall": recall, "false_rejects": false_rejects}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="main",
                        choices=("main", "holdout", "writers", "verbs", "both", "all"))
    parser.add_argument("--misses", action="store_true", help="print each FP and FN")
    args = parser.parse_args()
    names = {"both": ("main", "holdout"), "all": tuple(FILES)}.get(args.corpus, (args.corpus,))
    for name in names:
        evaluate(name, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
