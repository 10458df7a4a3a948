"""Image candidates for one post: follow the sources that cover its programme or channel
one level into their articles, keep the pictures of the broadcast window, download and
decode them, drop what is too small, badly shaped or a near duplicate, and add the
programme's default pictures as the last resort.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import imagehash
from PIL import Image, UnidentifiedImageError

from audience_assets.images.extract import (
    Extracted,
    Found,
    extract_feed,
    extract_html,
    extract_sitemap,
    kind_of,
    to_date,
)
from audience_assets.images.fetch import Fetcher, FetchError
from audience_assets.images.sources import ImageSources, Source

# width / height a network's link card or post picture shows without a bad crop.
NETWORK_RATIOS: dict[str, tuple[float, float]] = {
    "x": (1.5, 2.1),          # summary_large_image: 2:1, 1.91:1 and 16:9 crop well
    "bluesky": (1.5, 2.1),    # external embed thumbnails are 1.91:1
    "threads": (0.8, 1.95),   # 4:5 portrait up to 1.91:1
}
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
Image.MAX_IMAGE_PIXELS = 50_000_000  # decompression-bomb guard (Pillow raises above 2x)


@dataclass(frozen=True)
class CrawlSettings:
    min_width: int = 600
    min_height: int = 315
    days_before: int = 7           # oldest picture kept: the broadcast day minus this
    days_after: int = 1            # newest: the day after the broadcast
    max_pages_per_source: int = 40
    max_images: int = 60           # per post, before downloading
    phash_distance: int = 6        # at most this many differing bits: the same picture


@dataclass(frozen=True)
class Candidate:
    image_url: str
    page_url: str
    published: str
    width: int
    height: int
    sha256: str
    phash: str
    path: str
    default: bool = False
    alt: str = ""
    caption: str = ""
    credit: str = ""
    page_title: str = ""
    origin: str = ""
    position: int = 0
    networks: tuple[str, ...] = ()

    @property
    def file_name(self) -> str:
        return self.image_url.rstrip("/").rsplit("/", 1)[-1]


@dataclass
class CrawlResult:
    candidates: list[Candidate] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)   # (url, why)


@dataclass(frozen=True)
class Post:
    """What the crawler and the rankers need to know about a post."""

    date: str                      # broadcast date YYYY-MM-DD
    programme: str                 # title or @handle as in the fact sheet
    channel: str                   # @handle or name
    text: str = ""                 # the post's text, when there is one
    programme_names: tuple[str, ...] = ()   # other names: title, handle, hashtag
    channel_names: tuple[str, ...] = ()

    @property
    def all_programme_names(self) -> tuple[str, ...]:
        return (self.programme, *self.programme_names)

    @property
    def all_channel_names(self) -> tuple[str, ...]:
        return (self.channel, *self.channel_names)


def usable_networks(width: int, height: int) -> tuple[str, ...]:
    ratio = width / height if height else 0.0
    return tuple(n for n, (low, high) in NETWORK_RATIOS.items() if low <= ratio <= high)


def _gather(source: Source, fetcher: Fetcher, settings: CrawlSettings,
            result: CrawlResult) -> list[Found]:
    def read(url: str) -> Extracted | None:
        try:
            page = fetcher.get(url)
        except FetchError as exc:
            result.rejected.append((url, exc.outcome))
            return None
        kind = kind_of(page.url, page.content_type, page.body)
        if kind == "html":
            return extract_html(page.url, page.body, page.last_modified)
        if kind == "feed":
            return extract_feed(page.url, page.body)
        if kind == "sitemap":
            return extract_sitemap(page.url, page.body)
        result.rejected.append((url, "not-a-page"))
        return None

    top = read(source.url)
    if top is None:
        return []
    found = list(top.images)
    for link in top.links[: settings.max_pages_per_source]:
        page = read(link)
        if page is not None:
            found.extend(page.images)
    return found


def _in_window(published: str, date: dt.date, settings: CrawlSettings) -> bool:
    day = dt.date.fromisoformat(published)
    return (date - dt.timedelta(days=settings.days_before) <= day
            <= date + dt.timedelta(days=settings.days_after))


def decode(body: bytes) -> Image.Image:
    """The picture in `body`, fully decoded; ValueError when it is not one (headers lie)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(body)) as probe:
                probe.verify()
            image = Image.open(io.BytesIO(body))
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise ValueError(f"not a picture ({exc.__class__.__name__})") from None
    if image.format not in FORMATS:
        raise ValueError(f"unsupported format {image.format}")
    return image


def store(body: bytes, image: Image.Image, out_dir: Path) -> tuple[str, Path]:
    sha = hashlib.sha256(body).hexdigest()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{sha}.{FORMATS[str(image.format)]}"
    if not path.exists():
        path.write_bytes(body)
    return sha, path


def _candidate(item: Found, body: bytes, out_dir: Path, settings: CrawlSettings | None,
               default: bool = False) -> Candidate:
    """The decoded, checked and stored picture; ValueError says why it is not a candidate."""
    image = decode(body)
    if settings is not None:
        if image.width < settings.min_width or image.height < settings.min_height:
            raise ValueError(f"too small {image.width}x{image.height}")
        if not usable_networks(image.width, image.height):
            raise ValueError(f"aspect {image.width / image.height:.2f} fits no network")
    sha, path = store(body, image, out_dir)
    phash = str(imagehash.phash(image.convert("RGB")))
    return Candidate(item.image_url, item.page_url, item.published, image.width, image.height,
                     sha, phash, str(path), default, item.alt, item.caption, item.credit,
                     item.page_title, item.origin, item.position,
                     usable_networks(image.width, image.height))


def _dedup(candidates: list[Candidate], distance: int,
           rejected: list[tuple[str, str]]) -> list[Candidate]:
    kept: list[Candidate] = []
    for cand in sorted(candidates, key=lambda c: -c.width * c.height):
        twin = next((k for k in kept if imagehash.hex_to_hash(k.phash)
                     - imagehash.hex_to_hash(cand.phash) <= distance), None)
        if twin is None:
            kept.append(cand)
            continue
        rejected.append((cand.image_url, f"duplicate of {twin.image_url}"))
        # The larger copy stays; it keeps the words and the date the smaller one had.
        kept[kept.index(twin)] = replace(
            twin, alt=twin.alt or cand.alt, caption=twin.caption or cand.caption,
            credit=twin.credit or cand.credit, published=twin.published or cand.published)
    order = {c.image_url: i for i, c in enumerate(candidates)}
    return sorted(kept, key=lambda c: order[c.image_url])


def default_candidates(post: Post, sources: ImageSources, fetcher: Fetcher,
                       out_dir: Path, result: CrawlResult) -> list[Candidate]:
    out = []
    for picture in sources.defaults_for(*post.all_programme_names):
        try:
            body = (fetcher.get(picture).body if "://" in picture
                    else Path(picture).read_bytes())
            item = Found(picture, "", "", origin="default")
            out.append(_candidate(item, body, out_dir, None, default=True))
        except (FetchError, OSError, ValueError) as exc:
            result.rejected.append((picture, f"default unusable: {exc}"))
    return out


def crawl(post: Post, sources: ImageSources, fetcher: Fetcher, out_dir: Path,
          settings: CrawlSettings | None = None) -> CrawlResult:
    """Candidates for `post`: crawled pictures of the date window, then its defaults."""
    settings = settings or CrawlSettings()
    out_dir = Path(out_dir)
    result = CrawlResult()
    date = dt.date.fromisoformat(post.date)
    found: dict[str, Found] = {}
    covering = [s for s in sources.sources
                if any(s.covers(p, c) for p in post.all_programme_names
                       for c in post.all_channel_names)]
    for source in covering:
        for item in _gather(source, fetcher, settings, result):
            if item.image_url in found:
                continue
            if item.published and not _in_window(item.published, date, settings):
                result.rejected.append((item.image_url, f"published {item.published}"))
                continue
            found[item.image_url] = item

    crawled: list[Candidate] = []
    for item in list(found.values())[: settings.max_images]:
        try:
            image = fetcher.get(item.image_url)
        except FetchError as exc:
            result.rejected.append((item.image_url, exc.outcome))
            continue
        if not item.published and image.last_modified:
            item = replace(item, published=to_date(image.last_modified))
            if item.published and not _in_window(item.published, date, settings):
                result.rejected.append((item.image_url, f"published {item.published}"))
                continue
        try:
            crawled.append(_candidate(item, image.body, out_dir, settings))
        except ValueError as exc:
            result.rejected.append((item.image_url, str(exc)))
    result.candidates = _dedup(crawled, settings.phash_distance, result.rejected)
    result.candidates += default_candidates(post, sources, fetcher, out_dir, result)
    fetcher.save_index()
    return result
