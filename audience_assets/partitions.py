"""The one partitioning of every daily asset: the broadcast (TV) date, Madrid time.

One shared definition keeps single-run backfills aligned across stages. The
first date is configurable (AUDIENCE_PARTITIONS_START) because clients' history
starts on different days.
"""

from __future__ import annotations

import os

import dagster as dg

DEFAULT_START_DATE = "2019-01-01"

broadcast_days = dg.DailyPartitionsDefinition(
    start_date=os.environ.get("AUDIENCE_PARTITIONS_START", DEFAULT_START_DATE),
    timezone="Europe/Madrid",
)
