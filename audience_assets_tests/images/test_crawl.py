"""The crawler against the real local sample site: what it fetches and never fetches,
the date window, size and shape filters, duplicates, defaults, and conditional GETs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from audience_assets.images.crawl import CrawlResult, Post, crawl
from audience_assets.images.fetch import Fetcher, FetchError, FetchSettings
from audience_assets.images.sources import ImageSources, load_sources
from audience_lab.press_cases import CASES
from audience_lab.sample_site import SiteServer, write_sources

CASE = CASES[0]
FAST = FetchSettings(delay_s=0.0, timeout_s=1.0, max_bytes=5_000_000,
                     allow_private_addresses=True)


def _sources(site: SiteServer, tmp: Path, traps: bool = True) -> ImageSources:
    return load_sources(write_sources(site.root, site.url, tmp / "images.yaml", traps=traps,
                                      shows=(CASE.show,)))


def _post() -> Post:
    return Post(CASE.date, CASE.show.handle, CASE.show.channel, CASE.post)


def _names(urls: list[str]) -> set[str]:
    return {u.rsplit("/", 1)[-1] for u in urls}


def _role(role: str) -> str:
    return next(p.name for a in CASE.articles for p in a.pictures if p.role == role)


@pytest.fixture(scope="module")
def first_crawl(site: SiteServer, tmp_path_factory: pytest.TempPathFactory
                ) -> tuple[CrawlResult, Fetcher, Path, list[str], ImageSources]:
    out = tmp_path_factory.mktemp("out")
    sources = _sources(site, out)
    before = len(site.requests)
    fetcher = Fetcher(sources.hosts, out / "http-cache", FAST)
    result = crawl(_post(), sources, fetcher, out)
    return result, fetcher, out, site.requests[before:], sources


def test_what_is_fetched_and_never_fetched(first_crawl) -> None:  # type: ignore[no-untyped-def]
    result, fetcher, _out, requests, _ = first_crawl
    assert "/robots.txt" in requests
    assert {"/rss/antena3com.xml", "/sitemaps/antena3com-images.xml",
            "/prensa/laruletasuerte/"} <= set(requests)
    # robots.txt disallows /privado/: neither the page nor its picture is requested.
    assert not [r for r in requests if r.startswith("/privado/")]
    outcomes = dict(fetcher.log)
    assert outcomes[f"{fetcher_url(first_crawl)}/privado/foto.jpg"] == "refused-robots"
    assert outcomes["http://example.com/foto.jpg"] == "refused-host"
    assert outcomes[f"{fetcher_url(first_crawl)}/salir.jpg"] == "refused-redirect"
    assert outcomes[f"{fetcher_url(first_crawl)}/lento.html"] == "timeout"
    assert outcomes[f"{fetcher_url(first_crawl)}/error.html"] == "http-500"
    assert outcomes[f"{fetcher_url(first_crawl)}/img/enorme.jpg"] == "too-large"
    rejected = dict(result.rejected)
    assert rejected[f"{fetcher_url(first_crawl)}/img/falsa.jpg"].startswith("not a picture")
    stored = [c for c in result.candidates if c.image_url.endswith(("enorme.jpg", "falsa.jpg"))]
    assert stored == []


def fetcher_url(first_crawl) -> str:  # type: ignore[no-untyped-def]
    return first_crawl[4].sources[0].url.split("/prensa/")[0]


def test_date_window_size_shape_and_duplicates(first_crawl) -> None:  # type: ignore[no-untyped-def]
    result = first_crawl[0]
    crawled = _names([c.image_url for c in result.candidates if not c.default])
    assert crawled == {_role(r) for r in ("best", "banner", "related", "promo", "older")}
    why = {url.rsplit("/", 1)[-1]: reason for url, reason in result.rejected}
    assert why[_role("stale")].startswith("published ")          # 20 days before
    assert why[_role("small")] == "too small 400x300"
    assert why[_role("tall")].startswith("aspect 0.45")
    assert why[_role("dup")].endswith(_role("best"))             # same picture, smaller
    # Articles of other broadcasts of the show are outside the window too.
    assert all(c.published >= "2026-01-05" for c in result.candidates if not c.default)


def test_candidates_carry_page_date_words_and_stored_file(first_crawl) -> None:  # type: ignore[no-untyped-def]
    result, _f, out, _r, _s = first_crawl
    best = next(c for c in result.candidates if c.image_url.endswith(_role("best")))
    assert best.published == CASE.date
    assert best.page_url.endswith("-audiencia.html")
    assert "plató" in best.alt and best.caption and best.credit == "Antena 3"
    assert (best.width, best.height) == (1200, 630) and set(best.networks) == {
        "x", "bluesky", "threads"}
    for cand in result.candidates:
        path = Path(cand.path)
        assert path.parent == out and path.stem == cand.sha256
        assert path.is_file()


def test_three_defaults_come_last(first_crawl) -> None:  # type: ignore[no-untyped-def]
    result = first_crawl[0]
    defaults = [c for c in result.candidates if c.default]
    assert len(defaults) == 3 and result.candidates[-3:] == defaults
    assert all(Path(c.path).is_file() and c.page_url == "" for c in defaults)


def test_a_rerun_downloads_nothing_new(first_crawl, site: SiteServer) -> None:  # type: ignore[no-untyped-def]
    result, _fetcher, out, _requests, sources = first_crawl
    again = Fetcher(sources.hosts, out / "http-cache", FAST)
    second = crawl(_post(), sources, again, out)
    assert again.downloaded() == []
    assert "not-modified" in {outcome for _u, outcome in again.log}
    assert [c.sha256 for c in second.candidates] == [c.sha256 for c in result.candidates]


def test_loopback_is_refused_unless_allowed(site: SiteServer, tmp_path: Path) -> None:
    sources = _sources(site, tmp_path, traps=False)
    before = len(site.requests)
    strict = Fetcher(sources.hosts, tmp_path / "cache",
                     dataclasses.replace(FAST, allow_private_addresses=False))
    result = crawl(_post(), sources, strict, tmp_path)
    assert site.requests[before:] == []
    assert {outcome for _u, outcome in strict.log} == {"refused-private"}
    assert all(c.default for c in result.candidates) and len(result.candidates) == 3


def test_hosts_outside_the_sources_are_never_contacted(tmp_path: Path) -> None:
    fetcher = Fetcher(frozenset({"127.0.0.1:9"}), tmp_path, FAST)
    with pytest.raises(FetchError) as caught:
        fetcher.get("http://example.com/foto.jpg")
    assert caught.value.outcome == "refused-host"
