"""History queries the analysis rules ask of the record store.

The protocol is the contract; `SqlHistory` (SQL, any SQLAlchemy URL) and
`SolrHistory` (a Solr core or SolrCloud collection) implement it with the same
answers on the same data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import sqlalchemy as sa

from audience_assets.indexing.search_index import check_date, date_filter, from_document, solr_date
from audience_assets.records import RECORD_FIELDS, AudienceRecord
from audience_assets.sql.schema import audience_records

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


# --- Implementations -------------------------------------------------------------------------
#
# Orderings are total so both stores answer identically: metric ties go to the earliest
# broadcast (date, then start); top lists break ties by avg audience, channel, start, title,
# then target and region (the same broadcast appears once per target and region).

_TOP_ORDER: tuple[tuple[str, bool], ...] = (
    ("unique_viewers", True),
    ("avg_audience", True),
    ("channel", False),
    ("start", False),
    ("title", False),
    ("target", False),
    ("region", False),
)


def month_bounds(date: str) -> tuple[str, str]:
    """First and last day of `date`'s calendar month, for monthly channel averages."""
    import calendar

    year, month = int(date[:4]), int(date[5:7])
    last = calendar.monthrange(year, month)[1]
    return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"


def _check_metric(metric: str) -> Metric:
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")
    return metric


class SqlHistory:
    """History over SQL table `audience_records` (SQLite, PostgreSQL: any SQLAlchemy engine)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        # PostgreSQL sorts strings by locale; "C" gives the byte order Solr and SQLite use.
        self._collate = engine.dialect.name == "postgresql"

    def _text(self, column: Any) -> Any:
        return column.collate("C") if self._collate else column

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
        c = audience_records.c
        column = c[_check_metric(metric)]
        query = (
            sa.select(column, c.broadcast_date, c.channel, c.start)
            .where(c.title == title, c.channel == channel, c.target == target,
                   c.region == region, c.broadcast_date < check_date(before))
            .order_by(column.desc(), c.broadcast_date, c.start)
            .limit(1)
        )
        if since is not None:
            query = query.where(c.broadcast_date >= check_date(since))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return BestBroadcast(metric, _value(metric, row[0]), row[1], row[2], row[3])

    def channel_average_share(
        self, channel: str, start_date: str, end_date: str, target: str, region: str
    ) -> float | None:
        c = audience_records.c
        query = sa.select(sa.func.avg(c.share)).where(
            c.channel == channel, c.target == target, c.region == region,
            c.broadcast_date >= check_date(start_date), c.broadcast_date <= check_date(end_date),
        )
        with self.engine.connect() as conn:
            value = conn.execute(query).scalar()
        return None if value is None else float(value)

    def top_broadcasts(
        self, date: str, n: int, target: str | None = None, region: str | None = None
    ) -> list[AudienceRecord]:
        c = audience_records.c
        order = [
            c[name].desc() if desc else self._text(c[name]) for name, desc in _TOP_ORDER
        ]
        query = (
            sa.select(*[c[name] for name in RECORD_FIELDS])
            .where(c.broadcast_date == check_date(date))
            .order_by(*order)
            .limit(n)
        )
        if target is not None:
            query = query.where(c.target == target)
        if region is not None:
            query = query.where(c.region == region)
        with self.engine.connect() as conn:
            return [AudienceRecord.from_dict(dict(row._mapping)) for row in conn.execute(query)]

    def top_broadcasts_per(
        self, date: str, n: int, by: Literal["target", "region"]
    ) -> dict[str, list[AudienceRecord]]:
        """`top_broadcasts` for every target (or region) present on `date`."""
        c = audience_records.c
        column = c[by]
        query = sa.select(column).where(c.broadcast_date == check_date(date)).distinct()
        with self.engine.connect() as conn:
            values = sorted(str(v) for v in conn.execute(query).scalars())
        return {v: self.top_broadcasts(date, n, **{by: v}) for v in values}

    def first_broadcast_date(
        self, title: str, channel: str | None = None, target: str | None = None,
        region: str | None = None,
    ) -> str | None:
        c = audience_records.c
        query = sa.select(sa.func.min(c.broadcast_date)).where(c.title == title)
        for name, value in (("channel", channel), ("target", target), ("region", region)):
            if value is not None:
                query = query.where(c[name] == value)
        with self.engine.connect() as conn:
            value = conn.execute(query).scalar()
        return None if value is None else str(value)


def _value(metric: Metric, raw: Any) -> float:
    return float(raw) if metric == "share" else float(int(raw))


class SolrHistory:
    """History over a Solr core or SolrCloud collection (a `pysolr.Solr` or `pysolr.SolrCloud`).

    Values from users (titles, channels, targets, regions) never enter a query string:
    each filter is `{!term f=FIELD v=$param}` and the value travels as its own request
    parameter, which Solr never parses as query syntax.
    """

    def __init__(self, solr: Any) -> None:
        self.solr = solr

    def _search(self, exact: dict[str, str | None], filters: Sequence[str] = (),
                **params: Any) -> Any:
        fq = list(filters)
        for name, value in exact.items():
            if value is not None:
                fq.append(f"{{!term f={name} v=$v_{name}}}")
                params[f"v_{name}"] = value
        return self.solr.search("*:*", fq=fq, **params)

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
        _check_metric(metric)
        lower = solr_date(since) if since is not None else "*"
        results = self._search(
            {"title": title, "channel": channel, "target": target, "region": region},
            [f"broadcast_date:[{lower} TO {solr_date(before)}}}"],
            sort=f"{metric} desc, broadcast_date asc, start asc",
            rows=1,
            fl=f"{metric},broadcast_date,channel,start",
        )
        docs = list(results)
        if not docs:
            return None
        doc = docs[0]
        return BestBroadcast(
            metric, _value(metric, doc[metric]), str(doc["broadcast_date"])[:10],
            str(doc["channel"]), str(doc["start"]).removesuffix("Z"),
        )

    def channel_average_share(
        self, channel: str, start_date: str, end_date: str, target: str, region: str
    ) -> float | None:
        check_date(start_date)
        check_date(end_date)
        results = self._search(
            {"channel": channel, "target": target, "region": region},
            [date_filter(start_date, end_date)],
            rows=0,
            **{"json.facet": json.dumps({"mean": "avg(share)"})},
        )
        facets = results.raw_response.get("facets", {})
        if not facets.get("count"):
            return None
        return float(facets["mean"])

    def top_broadcasts(
        self, date: str, n: int, target: str | None = None, region: str | None = None
    ) -> list[AudienceRecord]:
        sort = ", ".join(f"{name} {'desc' if desc else 'asc'}" for name, desc in _TOP_ORDER)
        results = self._search(
            {"target": target, "region": region}, [date_filter(date)], sort=sort, rows=n,
        )
        return [from_document(doc) for doc in results]

    def top_broadcasts_per(
        self, date: str, n: int, by: Literal["target", "region"]
    ) -> dict[str, list[AudienceRecord]]:
        """`top_broadcasts` for every target (or region) present on `date`, in one request
        (result grouping)."""
        if by not in ("target", "region"):
            raise ValueError(f"group by target or region, not {by!r}")
        sort = ", ".join(f"{name} {'desc' if desc else 'asc'}" for name, desc in _TOP_ORDER)
        results = self.solr.search(
            "*:*", fq=[date_filter(date)], rows=10_000, group="true", **{
                "group.field": by, "group.limit": n, "group.sort": sort, "sort": f"{by} asc",
            },
        )
        groups = results.grouped[by]["groups"]
        return {
            str(g["groupValue"]): [from_document(doc) for doc in g["doclist"]["docs"]]
            for g in groups
        }

    def first_broadcast_date(
        self, title: str, channel: str | None = None, target: str | None = None,
        region: str | None = None,
    ) -> str | None:
        results = self._search(
            {"title": title, "channel": channel, "target": target, "region": region},
            sort="broadcast_date asc", rows=1, fl="broadcast_date",
        )
        docs = list(results)
        return str(docs[0]["broadcast_date"])[:10] if docs else None
