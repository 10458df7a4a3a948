"""The one partitioning of every daily asset: the broadcast (TV) date, Madrid time.

One shared definition keeps single-run backfills aligned across stages. The
first date is configurable (AUDIENCE_PARTITIONS_START) because clients' history
starts on different days.
"""

from __future__ import annotations

import dagster as dg

from audience_assets import settings

DEFAULT_START_DATE = settings.default("AUDIENCE_PARTITIONS_START")

broadcast_days = dg.DailyPartitionsDefinition(
    start_date=settings.get("AUDIENCE_PARTITIONS_START"),
    timezone="Europe/Madrid",
)
