"""`audience samples`: write synthetic Kantar deliveries (the bundled week, benchmarks)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from audience_assets import samples
from audience_assets.cli import UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("samples", help="write synthetic Kantar deliveries")
    parser.add_argument("--start", default="2026-11-16", help="first broadcast date (YYYY-MM-DD)")
    parser.add_argument("--days", type=int, default=7, help="number of consecutive days")
    parser.add_argument("--out", default="data/samples", help="folder to write into")
    parser.add_argument(
        "--populations",
        default="all",
        help="comma-separated slugs (total,jovenes,25-44,andalucia,...) or all",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        start = dt.date.fromisoformat(args.start)
    except ValueError:
        raise UsageError(f"--start {args.start!r} is not a date YYYY-MM-DD") from None
    if args.days < 1:
        raise UsageError("--days must be at least 1")
    pops: tuple[samples.Population, ...] = samples.POPULATIONS
    if args.populations != "all":
        wanted = set(args.populations.split(","))
        unknown = wanted - {p.slug for p in pops}
        if unknown:
            raise UsageError(f"unknown population(s): {', '.join(sorted(unknown))}")
        pops = tuple(p for p in pops if p.slug in wanted)
    paths = samples.write_days(start, args.days, Path(args.out), pops)
    print(f"wrote {len(paths)} files to {args.out}")
    return 0
