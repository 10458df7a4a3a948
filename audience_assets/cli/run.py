"""`audience run`: the daily pipeline for a range of broadcast dates, on the local instance.

Runs `daily_pipeline` once per date, oldest first (each day's analysis needs the
history before it), records the runs in the Dagster instance of DAGSTER_HOME (so
the UI shows them), then prints what was produced and where.
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
    import warnings

    import dagster as dg

    # The job mixes the Solr index's single-run policy with per-date stages on purpose.
    warnings.filterwarnings("ignore", message="Asset job daily_pipeline materializes assets with")

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
    instance = dg.DagsterInstance.get()
    job = defs.resolve_job_def("daily_pipeline")
    failed = []
    for date in dates:
        result = job.execute_in_process(partition_key=date, instance=instance, raise_on_error=False)
        status = "ok" if result.success else "FAILED"
        steps = sum(1 for e in result.all_events if e.event_type_value == "STEP_SUCCESS")
        print(f"{date}: {status} (run {result.run_id[:8]}, {steps} steps)", flush=True)
        if not result.success:
            failed.append(date)
            for event in result.all_events:
                if event.event_type_value == "STEP_FAILURE" and event.step_key:
                    print(f"  {event.step_key}: {event.message}")
    print_summary(resources["database"], storage, dates)
    return 1 if failed else 0
