"""A realistic local press site for the image crawler's tests, demo and benchmark.

`build_site(root)` writes channel press rooms: per programme an index page linking to
its articles (OpenGraph, Twitter card, JSON-LD NewsArticle / ImageObject with dates,
figures with srcset, alt text and captions), per channel an RSS feed with
media:content and an image sitemap, robots.txt disallowing /privado/, and Pillow-made
pictures of varied sizes and dates, some with Spanish text inside. A trap room
(/prensa/trampas/) adds a slow page, a huge image, a non-image served as image/jpeg,
an HTML error page and redirects to a host outside the list.

`serve(root)` serves it on 127.0.0.1 with a threaded http.server that sends ETag and
Last-Modified and answers conditional GETs with 304, and records every request path.

What the pages hold (the shows, the labelled cases `CASES` and `FOREIGN_CASES`, the
demo week's articles, default pictures) is in press_cases.py.

    python -m audience_lab.sample_site --root var/sample_site --port 8766
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import email.utils
import hashlib
import html
import json
import os
import random
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from audience_lab.press_cases import (
    CASES,
    DEMO_DAYS,
    SHOWS,
    Article,
    Case,
    Picture,
    Show,
    default_pictures,
    demo_articles,
    grid_defaults,
)

SLOW_SECONDS = 3.0
HUGE_BYTES = 30_000_000


# -- drawing ----------------------------------------------------------------------------
def draw_picture(pic: Picture) -> Image.Image:
    rng = random.Random(pic.seed)
    base = tuple(rng.randrange(20, 200) for _ in range(3))
    image = Image.new("RGB", (1200, 630) if pic.role == "dup" else (pic.width, pic.height), base)
    canvas = ImageDraw.Draw(image)
    w, h = image.size
    for _ in range(7):  # shapes make every picture's perceptual hash its own
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.randrange(h // 8, h // 2)
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            canvas.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        else:
            canvas.rectangle((x - r, y - r // 2, x + r, y + r // 2), fill=colour)
    if pic.text:
        size = int(max(28, min(64, w * 1.5 / max(len(pic.text), 1))))
        font = ImageFont.load_default(size=size)
        box = canvas.textbbox((0, 0), pic.text, font=font)
        left, top = (w - int(box[2] - box[0])) // 2, int(h * 0.72)
        canvas.rectangle((left - 20, top - 14, left + box[2] - box[0] + 20,
                          top + box[3] - box[1] + 24), fill=(0, 0, 0))
        canvas.text((left, top), pic.text, font=font, fill=(255, 255, 255))
    if pic.role == "dup":  # the same picture, published again at a smaller size
        image = image.resize((pic.width, pic.height))
    return image


def _stamp(path: Path, day: str) -> None:
    moment = dt.datetime.fromisoformat(f"{day}T09:00:00+01:00").timestamp()
    os.utime(path, (moment, moment))


def _write_picture(root: Path, pic: Picture, folder: str = "img") -> None:
    path = root / folder / pic.name
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        draw_picture(pic).save(path, "JPEG", quality=80)
    if pic.published:
        _stamp(path, pic.published)


def _srcset(pic: Picture) -> str:
    return f"/img/{pic.name} {pic.width}w"


def article_html(article: Article, show: Show) -> str:
    lead = article.pictures[0]
    ld = {"@context": "https://schema.org", "@type": "NewsArticle",
          "headline": article.title, "datePublished": f"{article.published}T10:30:00+01:00",
          "image": [{"@type": "ImageObject", "url": f"/img/{lead.name}",
                     "caption": lead.caption, "creditText": lead.credit}]}
    figures = "\n".join(
        f'<figure><img src="/img/{p.name}" srcset="{_srcset(p)}" '
        f'alt="{html.escape(p.alt)}" width="{p.width}" height="{p.height}">'
        + (f"<figcaption>{html.escape(p.caption)}"
           + (f' <span class="credit">{html.escape(p.credit)}</span>' if p.credit else "")
           + "</figcaption>" if p.caption else "")
        + "</figure>" for p in article.pictures)
    return f"""<!doctype html>
<html lang="es"><head><meta charset="utf-8">
<title>{html.escape(article.title)} | {html.escape(show.channel_name)}</title>
<meta property="og:title" content="{html.escape(article.title)}">
<meta property="og:type" content="article">
<meta property="og:image" content="/img/{lead.name}">
<meta property="og:image:alt" content="{html.escape(lead.alt)}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:image" content="/img/{lead.name}">
<meta property="article:published_time" content="{article.published}T10:30:00+01:00">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
</head><body><header><a href="/">{html.escape(show.channel_name)} Comunicación</a></header>
<article><h1>{html.escape(article.title)}</h1><p>{html.escape(article.description)}</p>
{figures}
</article></body></html>
"""


def index_html(show: Show, articles: list[Article]) -> str:
    links = "\n".join(f'<li><a href="{a.path}">{html.escape(a.title)}</a></li>'
                      for a in sorted(articles, key=lambda a: a.published, reverse=True))
    return (f'<!doctype html><html lang="es"><head><meta charset="utf-8"><title>'
            f"{html.escape(show.display)} | Sala de prensa</title></head><body>"
            f"<h1>{html.escape(show.display)}</h1><ul>{links}</ul></body></html>\n")


def feed_xml(channel_name: str, articles: list[tuple[Show, Article]], base: str = "") -> str:
    items = []
    for _show, art in articles:
        pic = art.pictures[0]
        date = email.utils.format_datetime(
            dt.datetime.fromisoformat(f"{art.published}T10:30:00+01:00"))
        items.append(
            f"<item><title>{html.escape(art.title)}</title><link>{base}{art.path}</link>"
            f"<pubDate>{date}</pubDate>"
            f'<media:content url="{base}/img/{pic.name}" medium="image" type="image/jpeg" '
            f'width="{pic.width}" height="{pic.height}">'
            f"<media:description>{html.escape(pic.caption)}</media:description>"
            f"</media:content></item>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>'
            f"<title>{html.escape(channel_name)} Comunicación</title>"
            f"<link>{base}/</link><description>Notas de prensa</description>"
            + "".join(items) + "</channel></rss>\n")


def sitemap_xml(articles: list[Article], base: str = "") -> str:
    urls = []
    for art in articles:
        images = "".join(
            f"<image:image><image:loc>{base}/img/{p.name}</image:loc>"
            f"<image:caption>{html.escape(p.caption or p.alt)}</image:caption></image:image>"
            for p in art.pictures)
        urls.append(f"<url><loc>{base}{art.path}</loc><lastmod>{art.published}</lastmod>"
                    f"{images}</url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">'
            + "".join(urls) + "</urlset>\n")


TRAPS_HTML = """<!doctype html><html lang="es"><head><meta charset="utf-8">
<title>Pruebas | Sala de prensa</title></head><body>
<a href="/prensa/trampas/articulo.html">Artículo</a>
<a href="/lento.html">Página lenta</a>
<a href="/error.html">Error</a>
<a href="/privado/interno.html">Interno</a>
<a href="/salir">Fuera</a>
</body></html>
"""
TRAP_ARTICLE = """<!doctype html><html lang="es"><head><meta charset="utf-8">
<title>Artículo con trampas</title>
<meta property="article:published_time" content="{date}T10:00:00+01:00"></head><body>
<img src="/img/enorme.jpg" alt="enorme">
<img src="/img/falsa.jpg" alt="falsa">
<img src="http://example.com/foto.jpg" alt="fuera de la lista">
<img src="/salir.jpg" alt="redirige fuera">
<img src="/privado/foto.jpg" alt="privada">
<img src="/img/{good}" alt="{alt}">
</body></html>
"""


def build_site(root: str | Path, cases: tuple[Case, ...] = CASES,
               demo: bool = True) -> Path:
    """Write the whole site under `root` (idempotent); returns root."""
    root = Path(root)
    (root / "img").mkdir(parents=True, exist_ok=True)
    per_show: dict[str, list[Article]] = {}
    for case in cases:
        per_show.setdefault(case.show.slug, []).extend(case.articles)
    if demo:
        for show in SHOWS:
            per_show.setdefault(show.slug, []).extend(demo_articles(show))
    by_slug = {s.slug: s for s in SHOWS}
    for slug, articles in per_show.items():
        show = by_slug[slug]
        for art in articles:
            for pic in art.pictures:
                _write_picture(root, pic)
            page = root / art.path.lstrip("/")
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(article_html(art, show), encoding="utf-8")
            _stamp(page, art.published)
        (root / "prensa" / slug / "index.html").write_text(index_html(show, articles),
                                                          encoding="utf-8")
    channels: dict[str, list[tuple[Show, Article]]] = {}
    for slug, articles in per_show.items():
        channels.setdefault(by_slug[slug].channel, []).extend(
            (by_slug[slug], a) for a in articles if a.path.endswith("-avance.html"))
    for channel, items in channels.items():
        name = channel.lstrip("@").lower()
        (root / "rss").mkdir(exist_ok=True)
        (root / "rss" / f"{name}.xml").write_text(feed_xml(items[0][0].channel_name, items),
                                                  encoding="utf-8")
        (root / "sitemaps").mkdir(exist_ok=True)
        (root / "sitemaps" / f"{name}-images.xml").write_text(
            sitemap_xml([a for _s, a in items]), encoding="utf-8")
    for show in SHOWS:
        for pic in default_pictures(show):
            _write_picture(root, pic, "defaults")
    if demo:
        for pictures in grid_defaults().values():
            for pic in pictures:
                _write_picture(root, pic, "defaults")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /privado/\n", encoding="utf-8")
    (root / "privado").mkdir(exist_ok=True)
    good = cases[0].articles[0].pictures[0] if cases else None
    (root / "privado" / "interno.html").write_text(TRAP_ARTICLE.format(
        date=DEMO_DAYS[0], good="none.jpg", alt=""), encoding="utf-8")
    (root / "prensa" / "trampas").mkdir(parents=True, exist_ok=True)
    (root / "prensa" / "trampas" / "index.html").write_text(TRAPS_HTML, encoding="utf-8")
    (root / "prensa" / "trampas" / "articulo.html").write_text(TRAP_ARTICLE.format(
        date=cases[0].date if cases else DEMO_DAYS[0], good=good.name if good else "none.jpg",
        alt=html.escape(good.alt) if good else ""), encoding="utf-8")
    (root / "img" / "falsa.jpg").write_text(
        "<!doctype html><html><body>No es una imagen</body></html>", encoding="utf-8")
    return root


def write_sources(root: str | Path, base_url: str, path: str | Path,
                  traps: bool = False, shows: tuple[Show, ...] = SHOWS,
                  demo: bool = False) -> Path:
    """An images.yaml for this site: one source per show, each channel's feed and sitemap,
    three default pictures per show (under its handle and its title; with `demo`, also for
    every other programme of the sample grid); loopback allowed (it is a local site)."""
    root, path = Path(root), Path(path)
    lines = ["# Written by audience_lab.sample_site for the local sample site.",
             "allow_private_addresses: true", "defaults:"]

    def defaults_line(name: str, pictures: list[Picture]) -> str:
        paths = ", ".join(str((root / "defaults" / p.name).resolve()) for p in pictures)
        return f'  "{name}": [{paths}]'
    for show in shows:
        lines.append(defaults_line(show.handle, default_pictures(show)))
        lines.append(defaults_line(show.title, default_pictures(show)))
    if demo:
        lines += [defaults_line(title, pics) for title, pics in grid_defaults().items()]
    lines.append("sources:")
    channels = []
    for show in shows:
        lines += [f"  - url: {base_url}/prensa/{show.slug}/",
                  f'    programmes: ["{show.handle}", "{show.title}"]']
        if show.channel not in channels:
            channels.append(show.channel)
    for channel in channels:
        name = channel.lstrip("@").lower()
        lines += [f"  - url: {base_url}/rss/{name}.xml", f'    channels: ["{channel}"]',
                  f"  - url: {base_url}/sitemaps/{name}-images.xml",
                  f'    channels: ["{channel}"]']
    if traps:
        lines += [f"  - url: {base_url}/prensa/trampas/", f'    channels: ["{shows[0].channel}"]']
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- serving ----------------------------------------------------------------------------
class _Handler(SimpleHTTPRequestHandler):
    server: SiteServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        route = self.path.split("?")[0]
        if route == "/lento.html":
            time.sleep(SLOW_SECONDS)
            return self._send(200, b"<html><body>tarde</body></html>", "text/html")
        if route == "/error.html":
            return self._send(500, b"<html><body><h1>Error interno</h1></body></html>",
                              "text/html")
        if route in ("/salir", "/salir.jpg"):
            self.send_response(302)
            self.send_header("Location", "http://example.com/foto.jpg")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if route == "/img/enorme.jpg":
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(HUGE_BYTES))
            self.end_headers()
            chunk = b"\xff" * 65536
            try:
                for _ in range(HUGE_BYTES // len(chunk)):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        path = Path(self.translate_path(route))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            return self._send(404, b"<html><body><h1>No encontrado</h1></body></html>",
                              "text/html")
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        modified = email.utils.formatdate(path.stat().st_mtime, usegmt=True)
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return None
        ctype = "image/jpeg" if path.suffix == ".jpg" else self.guess_type(str(path))
        if path.suffix == ".xml":
            ctype = "application/xml"
        self._send(200, body, ctype, {"ETag": etag, "Last-Modified": modified})
        return None

    def _send(self, status: int, body: bytes, ctype: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, port: int = 0) -> None:
        self.root = Path(root)
        self.requests: list[str] = []
        super().__init__(("127.0.0.1", port),
                         lambda *a: _Handler(*a, directory=str(self.root)))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def serve(root: str | Path, port: int = 0) -> tuple[SiteServer, threading.Thread]:
    server = SiteServer(Path(root), port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default="var/sample_site")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--sources", help="also write an images.yaml for the site here")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args(argv)
    root = build_site(args.root)
    base = f"http://127.0.0.1:{args.port}"
    if args.sources:
        write_sources(root, base, args.sources, demo=True)
    if args.build_only:
        return
    server = SiteServer(root, args.port)
    print(f"sample site on {server.url} (root {root})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
