"""The strict validator's cost: a process's load (import + lexicons + first post) and
the time per post, with simplemma's dictionary read as before (lzma-compressed, decoded
into a dict in every process) and as a cached marisa-trie (lexicon.py), side by side.

    .venv/bin/python benchmarks/validator_speed.py [--processes 5]

Each configuration's load is measured in fresh subprocesses, alternated so that a busy
machine weighs on both alike; the per-post times run over every validator corpus (264
posts: frozen, fresh, clean, defects) in those processes, lexicons loaded. The load
average is printed: on the shared 2-core machine timings are several times a quiet one's.
Goal (issue 23): <= 20 ms per post, lexicons loaded once per process in a compact form.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from tabulate import tabulate

ROOT = Path(__file__).resolve().parents[1]
CHILD = r"""
import json, os, statistics, time
t0 = time.perf_counter()
from audience_assets.drafting.validation import validate
from audience_assets.drafting.validation import lexicon
from audience_assets.drafting.validation.lexicon import warm_up
lexicon.USE_TRIE = os.environ["TRIE"] == "1"
t1 = time.perf_counter()
warm_up()
validate("", {"title": "@x", "channel": "@y", "unique_viewers": 1, "avg_audience": 1,
              "share": 1.0})
t2 = time.perf_counter()
from audience_assets_tests.drafting.validation.corpus_data import load
samples = load("frozen") + load("fresh") + load("clean") + load("defects")
first, second, rules = [], [], []
for s in samples:
    a = time.perf_counter()
    r = validate(s.text, s.sheet, s.network)
    first.append(time.perf_counter() - a)
    rules.append(sorted(r.rules))
for s in samples:
    a = time.perf_counter()
    validate(s.text, s.sheet, s.network)
    second.append(time.perf_counter() - a)
print(json.dumps({"import": t1 - t0, "lexicons": t2 - t1, "first": first, "second": second,
                  "rules": rules}))
"""


def run(trie: bool) -> dict:
    env = {**os.environ, "TRIE": "1" if trie else "0",
           "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True, timeout=600)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=5)
    args = parser.parse_args()
    results: dict[str, list[dict]] = {"shipped dict (before)": [], "marisa-trie (after)": []}
    for _ in range(args.processes):
        results["shipped dict (before)"].append(run(trie=False))
        results["marisa-trie (after)"].append(run(trie=True))
    same = all(r["rules"] == results["shipped dict (before)"][0]["rules"]
               for rs in results.values() for r in rs)
    table = []
    for name, runs in results.items():
        first = [t for r in runs for t in r["first"]]
        second = [t for r in runs for t in r["second"]]
        table.append({
            "simplemma dictionary": name,
            "processes": len(runs),
            "import s (median)": round(statistics.median(r["import"] for r in runs), 2),
            "lexicons s (median)": round(statistics.median(r["lexicons"] for r in runs), 2),
            "load s (import+lexicons)": round(statistics.median(
                r["import"] + r["lexicons"] for r in runs), 2),
            "ms/post 1st pass median": round(statistics.median(first) * 1000, 2),
            "p95": round(sorted(first)[int(0.95 * len(first))] * 1000, 2),
            "ms/post warm median": round(statistics.median(second) * 1000, 2),
        })
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f} (2 cores shared); posts per process "
          f"{len(results['shipped dict (before)'][0]['first'])}")
    print(tabulate(table, headers="keys", tablefmt="github"))
    print(f"same rules reported on every post by both: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
