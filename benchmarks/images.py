"""Image ranking on the local sample site: the offline ranker against two baselines.

Cases: the 24 labelled fact sheets of audience_lab/press_cases.py ("old", labels frozen in
benchmarks/images_labels.json before the ranker first ran on them): each has 4-8
candidates after the crawler's filters and one picture a reviewer would pick; and 8
cases ("new", FOREIGN_CASES, labels frozen before the ranker's evidence rule) whose only
fresh pictures show other programmes: the reviewer's pick is the programme's first
default picture. Every ranker ranks the crawled pictures and the defaults (defaults last
unless nothing crawled shows the programme). Baselines: the lead picture of the article
closest to the broadcast date ("first image") and the most recently published picture
("newest"). Reports top-1 and top-3 per set and the ranker's seconds per candidate (OCR
and embeddings on CPU, models loaded once).

    .venv/bin/python benchmarks/images.py [--cases N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tabulate import tabulate

from audience_assets.analysis.config import load_analysis_config
from audience_assets.images.crawl import crawl
from audience_assets.images.fetch import Fetcher, FetchSettings
from audience_assets.images.posts import post_from_sheet
from audience_assets.images.rank import (
    FirstImageRanker,
    NewestRanker,
    OfflineRanker,
    Ranker,
    rank,
)
from audience_assets.images.sources import load_sources
from audience_assets.resources.analysis import AnalysisResource
from audience_lab.press_cases import CASES, FOREIGN_CASES
from audience_lab.sample_site import build_site, serve, write_sources

LABELS = Path(__file__).with_name("images_labels.json")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=len(CASES),
                        help="the first N old cases (the 8 new ones always run)")
    args = parser.parse_args()
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    work = Path(tempfile.mkdtemp(prefix="images-bench-"))
    cases = (*CASES[: args.cases], *FOREIGN_CASES)
    root = build_site(work / "site", cases=(*CASES, *FOREIGN_CASES), demo=False)
    server, _ = serve(root)
    # The rule "a top pick needs evidence it shows the programme" on and off, in one run.
    rankers: list[Ranker] = [OfflineRanker(), OfflineRanker(name="offline, no evidence rule",
                                              checks_evidence=False),
               FirstImageRanker(), NewestRanker()]
    config = load_analysis_config(AnalysisResource().config_file)
    sets = ("old", "new")
    hits = {(r.name, s): [0, 0, 0] for r in rankers for s in sets}  # top-1, top-3, cases
    counts, seconds, rows = [], [], []
    try:
        for case in cases:
            which = "new" if case in FOREIGN_CASES else "old"
            label = labels[case.case_id]
            assert label["best"] == case.best, f"{case.case_id}: site differs from frozen label"
            sources = load_sources(write_sources(root, server.url, work / f"{case.case_id}.yaml",
                                                 shows=(case.show,)))
            fetcher = Fetcher(sources.hosts, work / "out" / "http-cache",
                              FetchSettings(delay_s=0.0, timeout_s=5.0,
                                            allow_private_addresses=True))
            # As the image stage sees a fact sheet: its Kantar title, the channel handle,
            # and the analysis configuration's names (handle, hashtag) for them.
            post = post_from_sheet({"title": case.show.title, "channel": label["channel"]},
                                   label["date"], label["post"], config)
            result = crawl(post, sources, fetcher, work / "out")
            crawled = [c for c in result.candidates if not c.default]
            counts.append(len(crawled))
            row = [case.case_id, label["programme"], len(crawled)]
            for ranker in rankers:
                start = time.perf_counter()
                order = [r.candidate for r in rank(post, result.candidates, ranker)]
                if ranker.name == "offline":  # the same scores feed both offline rows
                    seconds.append((time.perf_counter() - start) / max(len(crawled), 1))
                names = [(c.image_url or c.path).rsplit("/", 1)[-1] for c in order]
                position = names.index(label["best"]) + 1 if label["best"] in names else 0
                hits[ranker.name, which][0] += position == 1
                hits[ranker.name, which][1] += 1 <= position <= 3
                hits[ranker.name, which][2] += 1
                row.append(position or "-")
            rows.append(row)
    finally:
        server.shutdown()
    print(tabulate(rows, headers=["case", "programme", "crawled",
                                  *[f"{r.name}: rank of best" for r in rankers]]))
    print()

    def share(hit: int, n: int) -> str:
        return f"{hit}/{n} = {hit / n:.2f}" if n else "-"
    table = [[r.name, *[share(hits[r.name, s][k], hits[r.name, s][2])
                        for s in sets for k in (0, 1)]] for r in rankers]
    print(tabulate(table, headers=["ranker", "old top-1", "old top-3", "new top-1",
                                   "new top-3"]))
    print(f"\ncandidates per case: min {min(counts)}, median {statistics.median(counts)}, "
          f"max {max(counts)}")
    print(f"offline ranker: median {statistics.median(seconds):.2f} s per candidate "
          f"(first case includes loading the OCR and embedding models: "
          f"{seconds[0]:.2f} s); 2 shared CPU cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
