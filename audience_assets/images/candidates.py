"""Crawl then rank: the image candidates of one post, best first, defaults last."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from audience_assets.images.crawl import CrawlResult, CrawlSettings, Post, crawl
from audience_assets.images.fetch import Fetcher, FetchSettings
from audience_assets.images.rank import Ranked, Ranker, rank
from audience_assets.images.sources import ImageSources


def settings_from_env(env: Mapping[str, str] | None = None) -> FetchSettings:
    """Fetch settings from AUDIENCE_IMAGES_DELAY_S, AUDIENCE_IMAGES_TIMEOUT_S,
    AUDIENCE_IMAGES_MAX_BYTES and AUDIENCE_IMAGES_USER_AGENT (defaults: FetchSettings)."""
    env = os.environ if env is None else env
    base = FetchSettings()
    return FetchSettings(
        user_agent=env.get("AUDIENCE_IMAGES_USER_AGENT") or base.user_agent,
        delay_s=float(env.get("AUDIENCE_IMAGES_DELAY_S") or base.delay_s),
        timeout_s=float(env.get("AUDIENCE_IMAGES_TIMEOUT_S") or base.timeout_s),
        max_bytes=int(env.get("AUDIENCE_IMAGES_MAX_BYTES") or base.max_bytes))


def make_fetcher(sources: ImageSources, out_dir: Path,
                 settings: FetchSettings | None = None) -> Fetcher:
    """A fetcher for the sources' hosts, its cache under `out_dir`/http-cache."""
    base = settings or settings_from_env()
    settings = FetchSettings(base.user_agent, base.delay_s, base.timeout_s, base.max_bytes,
                             sources.allow_private_addresses)
    return Fetcher(sources.hosts, Path(out_dir) / "http-cache", settings)


def find_candidates(post: Post, sources: ImageSources, fetcher: Fetcher, out_dir: Path,
                    ranker: Ranker, settings: CrawlSettings | None = None
                    ) -> tuple[list[Ranked], CrawlResult]:
    result = crawl(post, sources, fetcher, Path(out_dir), settings)
    return rank(post, result.candidates, ranker), result
