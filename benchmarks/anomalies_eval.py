"""Precision and recall of the minute-by-minute detector on synthetic curves.

Curves look like broadcasts (start ramp, drift, ad-break dips on commercial
channels, noise); each gets one to three injected peaks or drops of known size
(±15..40 %), length (1-5 min) and position. A detection is right when it overlaps
an injected event (±1 min) of the same sign. The baseline is a plain z-score of
the raw minutes of the broadcast, as a spreadsheet would do it.

    .venv/bin/python benchmarks/anomalies_eval.py [--curves 400] [--seed 7]
"""

from __future__ import annotations

import argparse
import time

from audience_assets.analysis.anomalies import detect
from audience_assets.analysis.config import load_analysis_config
from audience_lab.minutes import evaluate, zscore_detector


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--curves", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    settings = load_analysis_config().anomalies
    print(f"settings: window {settings.window_minutes} min, |z| >= {settings.z_threshold}, "
          f"|relative| >= {settings.min_relative:.0%}, edge guard "
          f"{settings.edge_guard_minutes} min; {args.curves} curves, seed {args.seed}")
    rows = []
    for name, detector in (("rolling median + robust z", detect),
                           ("baseline: raw z-score", zscore_detector)):
        began = time.perf_counter()
        precision, recall, by_size, detections = evaluate(settings, args.curves, args.seed,
                                                           detector)
        seconds = time.perf_counter() - began
        rows.append((name, precision, recall, detections, seconds, by_size))
    print(f"\n{'detector':34} {'precision':>9} {'recall':>7} {'detections':>10} {'s':>6}")
    for name, precision, recall, detections, seconds, _ in rows:
        print(f"{name:34} {precision:9.3f} {recall:7.3f} {detections:10d} {seconds:6.2f}")
    print("\nrecall by injected size (hits/injected):")
    sizes = list(rows[0][5])
    print(f"{'size':>6} " + " ".join(f"{r[0][:22]:>22}" for r in rows))
    for size in sizes:
        cells = []
        for row in rows:
            hits, total = row[5][size]
            cells.append(f"{hits:>4}/{total:<4} ({hits / total:5.1%})".rjust(22))
        print(f"{size:>6} " + " ".join(cells))


if __name__ == "__main__":
    main()
