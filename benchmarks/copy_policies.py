"""What the copy rule decides apart from what the model decides, from a drafting
benchmark's --drafts-log (issue 21, item 4).

Per policy for the examples (copying.MODES): how many of the natural writer's first
attempts would be valid (the first attempt does not depend on the rule: same prompt,
same seed; the model's part is the strict validator's verdict without the copy
check), and, of the kept model posts, how many copy an example (whole wording or a
phrase) and how many share 6 plain words with one (the raw measure).

    .venv/bin/python benchmarks/copy_policies.py var/bench/heldout_drafts.jsonl
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

from audience_assets.drafting.validation import validate
from audience_assets.drafting.writing import copying, variety
from audience_assets.drafting.writing.events import event_clause
from audience_assets.drafting.writing.natural import load_examples
from audience_assets.records import FactSheet


def wording(text: str, sheet: FactSheet) -> str:
    """A filled post back to the writer's wording: data and the event as placeholders."""
    if sheet.event:
        for phrase in sorted({event_clause(sheet.event), sheet.event}, key=len, reverse=True):
            text = re.sub(re.escape(phrase), "{evento}", text, flags=re.IGNORECASE)
    return variety.skeleton(text, sheet, lower=False)


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])]
    pool = load_examples()
    examples = [e.text for e in (*pool.with_event, *pool.without_event)]
    for path in paths:
        first: Counter[str] = Counter()
        kept: Counter[str] = Counter()
        sheets = 0
        for line in path.read_text(encoding="utf-8").splitlines():
            draft = json.loads(line)
            if draft["mode"] != "natural":
                continue
            sheets += 1
            sheet = FactSheet.from_dict(draft["fact_sheet"])
            attempts = [a for a in draft["attempts"] if a["writer"] == "natural"]
            if attempts:
                a = attempts[0]
                others = [v for v in a["violations"]
                          if not str(v.get("message", "")).startswith("no copies")]
                model_ok = a["valid"] or (not others and validate(a["text"], sheet, "x").valid)
                first["model alone"] += model_ok
                first["as run"] += a["valid"]
                w = wording(a["text"], sheet)
                for mode in copying.MODES:
                    policy = copying.CopyPolicy(examples=mode)
                    first[mode] += model_ok and not policy.copied(w, examples, ())
            if draft["writer"] == "natural":
                kept["model posts"] += 1
                w = wording(draft["text"], sheet)
                kept["raw 6-gram"] += bool(copying.raw_shared_run(draft["text"], examples))
                if copying.copied_wording(w, examples, whole=False):
                    kept["an example's phrase"] += 1
                elif copying.copied_wording(w, examples):
                    kept["an example's whole wording"] += 1
        print(f"{path}: {sheets} sheets")
        print("  first attempt valid: " + ", ".join(
            f"{k} {v}/{sheets}" for k, v in first.items()))
        print("  kept: " + ", ".join(f"{k} {v}" for k, v in kept.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
