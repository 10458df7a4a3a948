"""Crawl then rank: the image candidates of one post, best first, defaults last."""

from __future__ import annotations

from pathlib import Path

from audience_assets.images.crawl import CrawlResult, CrawlSettings, Post, crawl
from audience_assets.images.fetch import Fetcher, FetchSettings
from audience_assets.images.rank import Ranked, Ranker, rank
from audience_assets.images.sources import ImageSources


def make_fetcher(sources: ImageSources, out_dir: Path,
                 settings: FetchSettings | None = None) -> Fetcher:
    base = settings or FetchSettings()
    settings = FetchSettings(base.user_agent, base.delay_s, base.timeout_s, base.max_bytes,
                             sources.allow_private_addresses)
    return Fetcher(sources.hosts, Path(out_dir) / "http-cache", settings)


def find_candidates(post: Post, sources: ImageSources, fetcher: Fetcher, out_dir: Path,
                    ranker: Ranker, settings: CrawlSettings | None = None
                    ) -> tuple[list[Ranked], CrawlResult]:
    result = crawl(post, sources, fetcher, Path(out_dir), settings)
    return rank(post, result.candidates, ranker), result
