"""Scale-out path: the same asset and history queries on a 2-node, 2-shard SolrCloud."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pysolr
import pytest

from audience_assets.indexing.assets import solr_audience_index
from audience_assets.indexing.history import METRICS, SolrHistory, SqlHistory, month_bounds
from audience_assets.indexing.index import index_dates, solr_counts
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.solr import SolrResource
from audience_assets_tests.fixtures.solr import SolrCloudCluster
from audience_assets_tests.indexing.data import (
    CHANNELS,
    REGIONS,
    TARGETS,
    TRICKY_TITLES,
    store,
    synthetic_records,
)

DATES = ["2026-04-01", "2026-04-02", "2026-04-03", "2026-04-04"]

pytestmark = pytest.mark.integration


def test_solrcloud_indexes_through_the_asset_and_answers_like_standalone(
    tmp_path: Path, solr_cloud: SolrCloudCluster, solr: pysolr.Solr
) -> None:
    engine = store(tmp_path / "a.db", synthetic_records(DATES[0], len(DATES)))
    cloud = SolrResource(url=solr_cloud.collection_url, zk_hosts=solr_cloud.zk_host,
                         collection=solr_cloud.collection, batch_size=100)
    result = dg.materialize(
        [solr_audience_index],
        resources={"solr": cloud, "database": DatabaseResource(url=str(engine.url))},
        tags={"dagster/asset_partition_range_start": DATES[0],
              "dagster/asset_partition_range_end": DATES[-1]},
    )
    assert result.success
    (check,) = result.get_asset_check_evaluations()
    assert check.passed

    # Both shards hold part of the data.
    client = cloud.client()
    shards = client.search("*:*", rows=0, **{"shards.info": "true"}).raw_response["shards.info"]
    assert len(shards) == 2
    assert all(int(info["numFound"]) > 0 for info in shards.values())

    index_dates(solr, engine, DATES, batch_size=500)
    assert solr_counts(client, DATES[0], DATES[-1]) == solr_counts(solr, DATES[0], DATES[-1])

    sql, standalone = SqlHistory(engine), SolrHistory(solr)
    # Through ZooKeeper and through any node's URL.
    for distributed in (SolrHistory(client), SolrHistory(pysolr.Solr(solr_cloud.collection_url))):
        for channel in CHANNELS:
            title = f"PRIME {channel}"
            for metric in METRICS:
                args = (title, channel, TARGETS[1], REGIONS[1], metric, DATES[-1])
                assert distributed.best_before(*args) == standalone.best_before(*args)
                assert distributed.best_before(*args) == sql.best_before(*args)
            first, last = month_bounds(DATES[0])
            assert distributed.channel_average_share(
                channel, first, last, TARGETS[0], REGIONS[0]
            ) == pytest.approx(sql.channel_average_share(channel, first, last, TARGETS[0],
                                                          REGIONS[0]), rel=1e-12)
        for date in DATES[:2]:
            assert distributed.top_broadcasts(date, 12) == standalone.top_broadcasts(date, 12)
            assert distributed.top_broadcasts(date, 5, TARGETS[1], REGIONS[0]) == (
                sql.top_broadcasts(date, 5, TARGETS[1], REGIONS[0]))
            assert distributed.top_broadcasts_per(date, 3, "region") == (
                sql.top_broadcasts_per(date, 3, "region"))
        for title in TRICKY_TITLES:
            assert distributed.first_broadcast_date(title) == sql.first_broadcast_date(title)
