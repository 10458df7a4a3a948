"""The search index: the project's own Solr (scripts/solr) or the client's Solr/SolrCloud."""

from __future__ import annotations

from typing import Any

import dagster as dg
import pysolr

from audience_assets.resources import setting_field


class SolrUnavailable(RuntimeError):
    """Solr did not answer: the message says where it was looked for and how to start it."""


class SolrResource(dg.ConfigurableResource):
    """Where audience records are indexed and the history queries run."""

    url: str = setting_field(
        "SOLR_URL", "Base URL of the core or collection, as `scripts/solr start` prints it. "
        "For SolrCloud any node's URL plus the collection works")
    zk_hosts: str = setting_field(
        "SOLR_ZK_HOSTS", "SolrCloud ZooKeeper ensemble with chroot, e.g. "
        "zk1:2181,zk2:2181/solr. When set, requests go to live nodes found through "
        "ZooKeeper and `url` is only used in messages")
    collection: str = setting_field("SOLR_COLLECTION",
                                    "SolrCloud collection name, used with zk_hosts")
    connect_timeout: float = setting_field("SOLR_CONNECT_TIMEOUT", "Seconds")
    read_timeout: float = setting_field("SOLR_READ_TIMEOUT", "Seconds")
    batch_size: int = setting_field("SOLR_BATCH_SIZE", "Documents per update request")
    commit_within_ms: int = setting_field(
        "SOLR_COMMIT_WITHIN_MS", "commitWithin of each update batch, so that a run that dies "
        "half-way leaves a visibly incomplete date rather than invisible pending documents; "
        "complete runs also commit explicitly")

    def client(self) -> pysolr.Solr:
        timeout = (self.connect_timeout, self.read_timeout)
        if self.zk_hosts:
            # Bounded retries: pysolr's default retries a dead ZooKeeper forever.
            try:
                zookeeper = pysolr.ZooKeeper(
                    self.zk_hosts, timeout=max(self.connect_timeout, 10.0), max_retries=5
                )
            except Exception as exc:  # kazoo's timeout and connection errors
                raise SolrUnavailable(
                    f"ZooKeeper {self.zk_hosts} does not answer ({exc!r}): check SOLR_ZK_HOSTS "
                    "(host:port list with the chroot, e.g. zk1:2181,zk2:2181/solr)."
                ) from exc
            return pysolr.SolrCloud(zookeeper, self.collection, timeout=timeout)
        return pysolr.Solr(self.url, timeout=timeout)

    @staticmethod
    def close(client: pysolr.Solr) -> None:
        """Release the client's ZooKeeper session (SolrCloud) and HTTP connections."""
        zookeeper = getattr(client, "zookeeper", None)
        if zookeeper is not None:
            zookeeper.zk.stop()
            zookeeper.zk.close()
        client.get_session().close()

    def where(self) -> str:
        if self.zk_hosts:
            return f"SolrCloud collection {self.collection} via ZooKeeper {self.zk_hosts}"
        return f"Solr at {self.url}"

    def ping(self, client: Any | None = None) -> None:
        """Raise SolrUnavailable (naming the URL and how to start Solr) if Solr does not answer."""
        try:
            (client or self.client()).ping()
        except (pysolr.SolrError, OSError) as exc:
            raise SolrUnavailable(
                f"{self.where()} does not answer ({exc}). Start the project's Solr with "
                "`scripts/solr start` and set SOLR_URL to the URL it prints, or point "
                "SOLR_URL/SOLR_ZK_HOSTS at the production Solr."
            ) from exc
