"""The one partitioning of every daily asset: the broadcast (TV) date, Madrid time.

One shared definition keeps single-run backfills aligned across stages. The
first date is configurable (AUDIENCE_PARTITIONS_START) because clients' history
starts on different days.
"""

from __future__ import annotations

import warnings
from typing import Any

import dagster as dg

from audience_assets import settings

DEFAULT_START_DATE = settings.default("AUDIENCE_PARTITIONS_START")

broadcast_days = dg.DailyPartitionsDefinition(
    start_date=settings.get("AUDIENCE_PARTITIONS_START"),
    timezone="Europe/Madrid",
)


def daily_check_spec(name: str, asset: Any, **kwargs: Any) -> dg.AssetCheckSpec:
    """An asset check of a daily asset whose results carry their broadcast date: the UI
    lists each result under its partition (not "Partition —"), so a failed check names
    the date to fix. A range run (single-run backfill) records one result for the range.

    `partitions_def` on a check spec is a preview in Dagster 1.13: its one-time warning is
    silenced here, where the choice is made, rather than shown to every operator."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Specifying a partitions_def on an AssetCheck")
        return dg.AssetCheckSpec(name, asset=asset, partitions_def=broadcast_days, **kwargs)
