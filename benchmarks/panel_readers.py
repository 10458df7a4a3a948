"""Several readers who filled the SAME form (one reviewer's codes), pooled as separate
reviewers: means over all readers and Krippendorff's alpha between them.

`audience evaluate scores` refuses one reviewer's form twice, rightly for forms sent to
different people; a panel that gives one form to several readers (the Markdown form of
benchmarks/panel_markdown.py, each reader filling their own copy) is scored here.

    .venv/bin/python benchmarks/panel_readers.py --key DIR/clave.json \
        answers_reader1.json answers_reader2.json
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from audience_assets.evaluation import scores

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("answers", nargs="+", type=Path, help="one answers file per reader")
    parser.add_argument("--key", type=Path, required=True)
    args = parser.parse_args(argv)
    key = scores.load_key(args.key)
    pooled = []
    for number, path in enumerate(args.answers, 1):
        try:
            read = scores.read_form(path, key)
        except (scores.FormError, OSError) as exc:
            print(f"panel_readers: {path}: {exc}", file=sys.stderr)
            return 2
        pooled += [replace(s, reviewer=f"L{number:02d}") for s in read]
        print(f"reader L{number:02d}: {path}")
    print(scores.report_text(scores.aggregate(pooled)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
