"""Crawl then rank: the image candidates of one post, best first, defaults last."""

from __future__ import annotations

from pathlib import Path

from audience_assets import settings
from audience_assets.images.crawl import CrawlResult, CrawlSettings, Post, crawl
from audience_assets.images.fetch import Fetcher, FetchSettings
from audience_assets.images.rank import Ranked, Ranker, rank
from audience_assets.images.sources import ImageSources


def settings_from_env() -> FetchSettings:
    """Fetch settings from AUDIENCE_IMAGES_DELAY_S, AUDIENCE_IMAGES_TIMEOUT_S,
    AUDIENCE_IMAGES_MAX_BYTES and AUDIENCE_IMAGES_USER_AGENT (audience_assets/settings.py)."""
    now = settings.current()
    return FetchSettings(
        user_agent=now.audience_images_user_agent,
        delay_s=now.audience_images_delay_s,
        timeout_s=now.audience_images_timeout_s,
        max_bytes=now.audience_images_max_bytes)


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
