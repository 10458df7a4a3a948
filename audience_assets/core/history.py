"""History queries the analysis rules ask of the record store.

The protocol is the contract; `SqlHistory` (SQL, any SQLAlchemy URL) and
`SolrHistory` (a Solr core or SolrCloud collection) implement it with the same
answers on the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from audience_assets.core.records import AudienceRecord

Metric = Literal["unique_viewers", "share", "avg_audience"]
METRICS: tuple[Metric, ...] = ("unique_viewers", "share", "avg_audience")


@dataclass(frozen=True, slots=True)
class BestBroadcast:
    """The broadcast that holds a programme's best value of one metric."""

    metric: Metric
    value: float
    broadcast_date: str
    channel: str
    start: str


class AudienceHistory(Protocol):
    def best_before(
        self,
        title: str,
        channel: str,
        target: str,
        region: str,
        metric: Metric,
        before: str,
        since: str | None = None,
    ) -> BestBroadcast | None:
        """Best `metric` of the programme on that channel/target/region with
        since <= broadcast_date < before; ties go to the earliest broadcast."""
        ...

    def channel_average_share(
        self, channel: str, start_date: str, end_date: str, target: str, region: str
    ) -> float | None:
        """Mean share of the channel's broadcasts with broadcast_date in [start, end]."""
        ...

    def top_broadcasts(
        self, date: str, n: int, target: str | None = None, region: str | None = None
    ) -> list[AudienceRecord]:
        """The n broadcasts of `date` with most unique viewers (ties: higher avg audience,
        then channel, start, title), optionally for one target and/or region."""
        ...

    def first_broadcast_date(
        self, title: str, channel: str | None = None, target: str | None = None,
        region: str | None = None,
    ) -> str | None:
        """Earliest broadcast_date of the programme, or None if never broadcast."""
        ...
