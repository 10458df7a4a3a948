"""The search index: the project's own Solr (scripts/solr) or the client's Solr/SolrCloud."""

from __future__ import annotations

from typing import Any

import dagster as dg
import pysolr
from pydantic import Field

from audience_assets import settings

DEFAULT_SOLR_URL = settings.default("SOLR_URL")


class SolrUnavailable(RuntimeError):
    """Solr did not answer: the message says where it was looked for and how to start it."""


class SolrResource(dg.ConfigurableResource):
    """Where audience records are indexed and the history queries run."""

    url: str = Field(
        default=DEFAULT_SOLR_URL,
        description="Base URL of the core or collection, as `scripts/solr start` prints it "
        "(env SOLR_URL). For SolrCloud any node's URL plus the collection works.",
    )
    zk_hosts: str = Field(
        default="",
        description="SolrCloud ZooKeeper ensemble with chroot, e.g. zk1:2181,zk2:2181/solr "
        "(env SOLR_ZK_HOSTS). When set, requests go to live nodes found through ZooKeeper "
        "and `url` is only used in messages.",
    )
    collection: str = Field(
        default=settings.default("SOLR_COLLECTION"),
        description="SolrCloud collection name, used with zk_hosts (env SOLR_COLLECTION).",
    )
    connect_timeout: float = Field(
        default=settings.default("SOLR_CONNECT_TIMEOUT"),
        description="Seconds (env SOLR_CONNECT_TIMEOUT).")
    read_timeout: float = Field(
        default=settings.default("SOLR_READ_TIMEOUT"),
        description="Seconds (env SOLR_READ_TIMEOUT).")
    batch_size: int = Field(
        default=settings.default("SOLR_BATCH_SIZE"),
        description="Documents per update request "
                            "(env SOLR_BATCH_SIZE).")
    commit_within_ms: int = Field(
        default=settings.default("SOLR_COMMIT_WITHIN_MS"),
        description="commitWithin of each update batch, so that a run that dies half-way "
        "leaves a visibly incomplete date rather than invisible pending documents "
        "(env SOLR_COMMIT_WITHIN_MS). Complete runs also commit explicitly.",
    )

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
