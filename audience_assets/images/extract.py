"""What a fetched page, feed or sitemap says about its pictures: URL, date, alt text,
caption, credit, and the article links to follow one level down.

Parsers: selectolax (HTML, Lexbor engine), feedparser (RSS/Atom with Media RSS and
enclosures), ElementTree (sitemaps and image sitemaps: plain XML). JSON-LD blocks are
read with json, since they are JSON.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import feedparser
from selectolax.lexbor import LexborHTMLParser

MADRID = ZoneInfo("Europe/Madrid")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif", ".bmp")
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_IMAGE_NS = "{http://www.google.com/schemas/sitemap-image/1.1}"


@dataclass(frozen=True)
class Found:
    """One picture as a page, feed or sitemap mentions it."""

    image_url: str
    page_url: str
    published: str = ""           # YYYY-MM-DD (Europe/Madrid) or "" when unknown
    alt: str = ""
    caption: str = ""
    credit: str = ""
    page_title: str = ""
    origin: str = ""              # og, twitter, json-ld, img, rss, sitemap
    position: int = 0             # order of appearance on its page


@dataclass
class Extracted:
    images: list[Found] = field(default_factory=list)
    links: list[str] = field(default_factory=list)   # article pages to follow
    published: str = ""


def to_date(value: Any) -> str:
    """YYYY-MM-DD in Madrid time from an ISO 8601 string, an RFC 822 date or a struct_time."""
    if not value:
        return ""
    moment: dt.datetime | None = None
    if isinstance(value, tuple) or hasattr(value, "tm_year"):
        y, m, d, hh, mm, ss = tuple(value)[:6]
        moment = dt.datetime(y, m, d, hh, mm, ss, tzinfo=dt.UTC)
    else:
        text = str(value).strip()
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                moment = email.utils.parsedate_to_datetime(text)
            except (TypeError, ValueError):
                return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(MADRID)
    return moment.date().isoformat()


def kind_of(url: str, content_type: str, body: bytes) -> str:
    """html | feed | sitemap | other, from the type and the first bytes (headers lie)."""
    head = body[:600].lstrip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    if b"<html" in head or b"<!doctype html" in head or "html" in content_type:
        return "html"
    return "other"


def _largest_from_srcset(srcset: str) -> str:
    best, best_w = "", -1.0
    for part in srcset.split(","):
        bits = part.strip().split()
        if not bits:
            continue
        width = 0.0
        if len(bits) > 1 and bits[1][:-1].replace(".", "", 1).isdigit():
            width = float(bits[1][:-1]) * (1000 if bits[1].endswith("x") else 1)
        if width > best_w:
            best, best_w = bits[0], width
    return best


def _json_ld(tree: LexborHTMLParser) -> Iterator[dict[str, Any]]:
    for node in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(node.text() or "")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                yield item
                stack.extend(v for k, v in item.items() if k == "@graph")
            elif isinstance(item, list):
                stack.extend(item)


def _ld_images(value: Any) -> Iterator[tuple[str, str, str]]:
    """(url, caption, credit) from a JSON-LD `image` value: URL, ImageObject or a list."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            yield item, "", ""
        elif isinstance(item, dict):
            url = item.get("contentUrl") or item.get("url") or ""
            credit = item.get("creditText") or item.get("copyrightHolder") or item.get("author")
            if isinstance(credit, dict):
                credit = credit.get("name", "")
            if isinstance(url, str) and url:
                yield url, str(item.get("caption") or item.get("name") or ""), str(credit or "")


def _text(node: Any) -> str:
    return " ".join((node.text(separator=" ") if node is not None else "").split())


def extract_html(page_url: str, body: bytes, last_modified: str = "") -> Extracted:
    tree = LexborHTMLParser(body)
    meta: dict[str, str] = {}
    for node in tree.css("meta"):
        key = node.attributes.get("property") or node.attributes.get("name") or ""
        if key and key.lower() not in meta:
            meta[key.lower()] = node.attributes.get("content") or ""
    title = meta.get("og:title") or _text(tree.css_first("title"))
    published = to_date(meta.get("article:published_time"))
    found: list[Found] = []

    for ld in _json_ld(tree):
        types = ld.get("@type", "")
        types = types if isinstance(types, list) else [types]
        if "ImageObject" in types:
            for url, caption, credit in _ld_images(ld):
                found.append(Found(url, page_url, to_date(ld.get("datePublished")),
                                   caption=caption, credit=credit, origin="json-ld"))
        elif {"NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle"} & set(types):
            date = to_date(ld.get("datePublished"))
            published = published or date
            title = title or str(ld.get("headline") or "")
            for url, caption, credit in _ld_images(ld.get("image")):
                found.append(Found(url, page_url, date, caption=caption, credit=credit,
                                   origin="json-ld"))
    published = published or to_date(last_modified)
    for key, origin in (("og:image", "og"), ("og:image:url", "og"), ("og:image:secure_url", "og"),
                        ("twitter:image", "twitter"), ("twitter:image:src", "twitter")):
        if meta.get(key):
            found.append(Found(meta[key], page_url, alt=meta.get(f"{origin}:image:alt", ""),
                               origin=origin))
    for img in tree.css("img"):
        attrs = img.attributes
        src = _largest_from_srcset(attrs.get("srcset") or "") or attrs.get("src") or ""
        if not src or src.startswith("data:"):
            continue
        figure, caption, credit = img.parent, "", ""
        while figure is not None and figure.tag not in ("figure", "body"):
            figure = figure.parent
        if figure is not None and figure.tag == "figure":
            caption = _text(figure.css_first("figcaption"))
            credit = _text(figure.css_first(".credit, .credito, [itemprop=creditText]"))
        found.append(Found(src, page_url, alt=attrs.get("alt") or "", caption=caption,
                           credit=credit, origin="img"))

    images: list[Found] = []
    seen: dict[str, int] = {}
    for item in found:
        url = urljoin(page_url, item.image_url.strip())
        merged = replace(item, image_url=url, published=item.published or published,
                         page_title=title)
        if url in seen:  # the same picture named twice: keep what each mention adds
            old = images[seen[url]]
            images[seen[url]] = replace(old, alt=old.alt or merged.alt,
                                        caption=old.caption or merged.caption,
                                        credit=old.credit or merged.credit,
                                        published=old.published or merged.published)
            continue
        seen[url] = len(images)
        images.append(replace(merged, position=len(images)))

    links: list[str] = []
    base_host = urlsplit(page_url).netloc
    for anchor in tree.css("a[href]"):
        href = urljoin(page_url, anchor.attributes.get("href") or "").split("#")[0]
        parts = urlsplit(href)
        if (parts.scheme in ("http", "https") and parts.netloc == base_host
                and href != page_url and not parts.path.lower().endswith(IMAGE_SUFFIXES)
                and href not in links):
            links.append(href)
    return Extracted(images, links, published)


def extract_feed(feed_url: str, body: bytes) -> Extracted:
    parsed = feedparser.parse(body)
    out = Extracted()
    for entry in parsed.entries:
        link = urljoin(feed_url, entry.get("link", "")) if entry.get("link") else ""
        date = to_date(entry.get("published_parsed") or entry.get("updated_parsed"))
        title = entry.get("title", "")
        urls = [m.get("url", "") for m in entry.get("media_content", [])]
        urls += [m.get("url", "") for m in entry.get("media_thumbnail", [])]
        urls += [e.get("href", "") for e in entry.get("enclosures", [])
                 if str(e.get("type", "image")).startswith("image")]
        caption = ""
        if entry.get("media_description"):
            caption = str(entry["media_description"])
        credit = ""
        if entry.get("media_credit"):
            credit = str(entry["media_credit"][0].get("content", ""))
        for position, url in enumerate(u for u in urls if u):
            out.images.append(Found(urljoin(feed_url, url), link or feed_url, date,
                                    caption=caption, credit=credit, page_title=title,
                                    origin="rss", position=position))
        if link and link not in out.links:
            out.links.append(link)
    return out


def extract_sitemap(sitemap_url: str, body: bytes) -> Extracted:
    out = Extracted()
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return out
    for entry in root.iter(f"{_SITEMAP_NS}url"):
        loc = (entry.findtext(f"{_SITEMAP_NS}loc") or "").strip()
        date = to_date((entry.findtext(f"{_SITEMAP_NS}lastmod") or "").strip())
        for position, image in enumerate(entry.iter(f"{_IMAGE_NS}image")):
            url = (image.findtext(f"{_IMAGE_NS}loc") or "").strip()
            if url:
                out.images.append(Found(
                    urljoin(sitemap_url, url), loc or sitemap_url, date,
                    caption=(image.findtext(f"{_IMAGE_NS}caption") or "").strip(),
                    page_title=(image.findtext(f"{_IMAGE_NS}title") or "").strip(),
                    origin="sitemap", position=position))
        if loc:
            out.links.append(loc)
    for entry in root.iter(f"{_SITEMAP_NS}sitemap"):
        loc = (entry.findtext(f"{_SITEMAP_NS}loc") or "").strip()
        if loc:
            out.links.append(loc)
    return out
