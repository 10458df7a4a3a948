"""`audience run`: the daily pipeline for a range of broadcast dates, on the local instance.

Per date, oldest first (each day's analysis needs the history before it): an
`ingestion_chain`, an `analysis_chain` and a `daily_pipeline` run, as the hot-folder
sensor requests them. The runs are launched through the Dagster instance of DAGSTER_HOME from the
daily code location (audience_assets/cli/launch.py), so the UI lists them with their
job, partition and code location; then prints what was produced and where.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
from pathlib import Path

from audience_assets.cli import UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("run", help="run the daily pipeline for a range of dates")
    parser.add_argument("--from", dest="first", required=True, help="first date YYYY-MM-DD")
    parser.add_argument("--to", dest="last", help="last date YYYY-MM-DD (default: --from)")
    parser.add_argument(
        "--deliver",
        metavar="DIR",
        help="copy the Kantar files of DIR for those dates into the hot folder first",
    )
    parser.set_defaults(handler=run)


def _dates(first: str, last: str | None) -> list[str]:
    try:
        start = dt.date.fromisoformat(first)
        end = dt.date.fromisoformat(last or first)
    except ValueError as exc:
        raise UsageError(f"not a date YYYY-MM-DD: {exc}") from None
    if end < start:
        raise UsageError(f"--to {end} is before --from {start}")
    return [(start + dt.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


def run(args: argparse.Namespace) -> int:
    import dagster as dg

    from audience_assets.cli.launch import daily_location, launch, wait
    from audience_assets.cli.summary import print_summary
    from audience_assets.definitions import defs

    dates = _dates(args.first, args.last)
    # Outside a run, EnvVar settings resolve only through process_config_and_initialize.
    resources = {k: r.process_config_and_initialize() for k, r in (defs.resources or {}).items()
                 if k in ("storage", "database")}
    storage = resources["storage"]
    if args.deliver:
        source = Path(args.deliver)
        if not source.is_dir():
            raise UsageError(f"--deliver {source}: not a folder")
        hot = storage.path("hot_folder")
        copied = [
            shutil.copy2(p, hot / p.name)
            for p in sorted(source.iterdir())
            if p.is_file() and any(d in p.name for d in dates)
        ]
        print(f"delivered {len(copied)} files from {source} into {hot}")
    if "DAGSTER_HOME" not in os.environ:
        raise UsageError("set DAGSTER_HOME (e.g. var/dagster_home) so runs are kept for the UI")
    from audience_assets.jobs import date_order_tags

    instance = dg.DagsterInstance.get()
    failed = []
    with daily_location(instance) as workspace:
        for date in dates:
            for job in ("ingestion_chain", "analysis_chain", "daily_pipeline"):
                tags = {"dagster/partition": date, "audience/launched_by": "audience run",
                        **date_order_tags(date)}
                done = wait(instance, launch(instance, workspace, job, tags))
                status = "ok" if done.success else done.status.value
                print(f"{date} {job}: {status} (run {done.run_id[:8]}, {done.steps} steps)",
                      flush=True)
                for step, message in done.failures:
                    print(f"  {step}: {message}")
                if not done.success:
                    failed.append(date)
                    break  # the day's analysis would read incomplete records
    print_summary(resources["database"], storage, dates)
    return 1 if failed else 0
