"""Polite and safe HTTP for the image crawler.

One `Fetcher` per crawl: it fetches only from the configured hosts, honours each
host's robots.txt (protego), sends one request at a time per host with a delay
between them, gives up after a timeout or a size cap, refuses private and loopback
addresses unless allowed, follows redirects itself so that one leaving the hosts is
refused, identifies itself, and revalidates what it fetched before (ETag /
Last-Modified) so that a re-run downloads nothing new. Bodies are kept under
`<cache_dir>/<sha256>` and the validators in `<cache_dir>/index.json`; nothing is
written anywhere else.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from protego import Protego

from audience_assets import settings
from audience_assets.images.sources import host_of

USER_AGENT = settings.DEFAULT_USER_AGENT
MAX_REDIRECTS = 5


class FetchError(Exception):
    """The URL was not fetched; `outcome` says why in one word (refused-host, robots...)."""

    def __init__(self, outcome: str, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str = USER_AGENT
    delay_s: float = 1.0          # between two requests to the same host
    timeout_s: float = 10.0       # connect and read, each
    max_bytes: int = 8_000_000    # pages and pictures alike
    allow_private_addresses: bool = False


@dataclass(frozen=True)
class Fetched:
    url: str                      # after redirects
    status: int
    body: bytes
    content_type: str
    last_modified: str
    sha256: str
    revalidated: bool             # True: 304, the body comes from the cache


@dataclass
class Fetcher:
    hosts: frozenset[str]
    cache_dir: Path
    settings: FetchSettings = field(default_factory=FetchSettings)
    log: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.cache_dir = Path(self.cache_dir)
        self._session = requests.Session()
        self._session.headers["User-Agent"] = self.settings.user_agent
        self._robots: dict[str, Protego | None] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}
        self._guard = threading.Lock()
        self._index_path = self.cache_dir / "index.json"
        try:
            self._index: dict[str, dict[str, str]] = json.loads(self._index_path.read_text())
        except (OSError, ValueError):
            self._index = {}
        self._memo: dict[str, Fetched] = {}

    # -- public ---------------------------------------------------------------------------
    def get(self, url: str) -> Fetched:
        """The body of `url`, from the network or revalidated from the cache; FetchError if refused
        or failed. Each URL is fetched at most once per Fetcher."""
        if url in self._memo:
            return self._memo[url]
        try:
            result = self._get(url)
        except FetchError as exc:
            self.log.append((url, exc.outcome))
            raise
        self.log.append((url, "not-modified" if result.revalidated else "fetched"))
        self._memo[url] = result
        return result

    def downloaded(self) -> list[str]:
        return [u for u, outcome in self.log if outcome == "fetched"]

    def save_index(self) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = self._index_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._index, indent=1, sort_keys=True))
        tmp.replace(self._index_path)

    # -- steps ----------------------------------------------------------------------------
    def _get(self, url: str) -> Fetched:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            self._check_allowed(current)
            response = self._request(current)
            if response.status_code in (301, 302, 303, 307, 308):
                location = response.headers.get("Location", "")
                response.close()
                target = urljoin(current, location)
                if host_of(target) not in self.hosts:
                    raise FetchError("refused-redirect",
                                     f"{current} redirects to {target}, outside the sources")
                current = target
                continue
            return self._finish(url, current, response)
        raise FetchError("too-many-redirects", f"{url}: more than {MAX_REDIRECTS} redirects")

    def _check_allowed(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError("refused-scheme", f"{url}: not http(s)")
        host = host_of(url)
        if host not in self.hosts:
            raise FetchError("refused-host", f"{url}: host {host} is not in the sources")
        if not self.settings.allow_private_addresses:
            self._check_public(parts.hostname, parts.port or 0)
        robots = self._robots_for(parts.scheme, host)
        if robots is not None and not robots.can_fetch(url, self.settings.user_agent):
            raise FetchError("refused-robots", f"{url}: disallowed by robots.txt")

    @staticmethod
    def _check_public(hostname: str, port: int) -> None:
        try:
            infos = socket.getaddrinfo(hostname, port or None, proto=socket.IPPROTO_TCP)
        except OSError as exc:
            raise FetchError("dns", f"{hostname}: {exc}") from None
        for info in infos:
            address = ipaddress.ip_address(info[4][0])
            if not address.is_global:
                raise FetchError("refused-private",
                                 f"{hostname} resolves to {address}, a private address "
                                 "(allow_private_addresses is false)")

    def _robots_for(self, scheme: str, host: str) -> Protego | None:
        with self._guard:
            if host in self._robots:
                return self._robots[host]
        robots_url = f"{scheme}://{host}/robots.txt"
        parser: Protego | None = None
        try:
            response = self._request(robots_url, conditional=False)
            if response.status_code == 200:
                body = self._read(robots_url, response, 500_000)
                parser = Protego.parse(body.decode("utf-8", "replace"))
            else:
                response.close()
        except FetchError:
            parser = None  # no robots.txt or unreachable: the standard says allowed
        self.log.append((robots_url, "robots"))
        with self._guard:
            self._robots[host] = parser
        return parser

    def _lock(self, host: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(host, threading.Lock())

    def _request(self, url: str, conditional: bool = True) -> requests.Response:
        host = host_of(url)
        headers = {}
        cached = self._index.get(url) if conditional else None
        if cached and (self.cache_dir / cached["sha256"]).is_file():
            if cached.get("etag"):
                headers["If-None-Match"] = cached["etag"]
            if cached.get("last_modified"):
                headers["If-Modified-Since"] = cached["last_modified"]
        # One request at a time per host, spaced by the delay.
        with self._lock(host):
            wait = self._last.get(host, 0.0) + self.settings.delay_s - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                return self._session.get(
                    url, headers=headers, stream=True, allow_redirects=False,
                    timeout=(self.settings.timeout_s, self.settings.timeout_s))
            except requests.Timeout:
                raise FetchError("timeout", f"{url}: no answer in "
                                 f"{self.settings.timeout_s:g} s") from None
            except requests.RequestException as exc:
                raise FetchError("network", f"{url}: {exc}") from None
            finally:
                self._last[host] = time.monotonic()

    def _read(self, url: str, response: requests.Response, limit: int) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            response.close()
            raise FetchError("too-large", f"{url}: {declared} bytes, over the {limit} cap")
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise FetchError("too-large", f"{url}: over the {limit} bytes cap")
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise FetchError("timeout" if "timed out" in str(exc) else "network",
                             f"{url}: {exc}") from None
        finally:
            response.close()
        return b"".join(chunks)

    def _finish(self, url: str, final: str, response: requests.Response) -> Fetched:
        cached = self._index.get(url)
        if response.status_code == 304 and cached:
            response.close()
            body = (self.cache_dir / cached["sha256"]).read_bytes()
            return Fetched(final, 304, body, cached.get("content_type", ""),
                           cached.get("last_modified", ""), cached["sha256"], True)
        if response.status_code != 200:
            response.close()
            raise FetchError(f"http-{response.status_code}", f"{url}: HTTP {response.status_code}")
        body = self._read(url, response, self.settings.max_bytes)
        sha = hashlib.sha256(body).hexdigest()
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        stored = self.cache_dir / sha
        if not stored.exists():
            stored.write_bytes(body)
        entry = {"sha256": sha, "content_type": response.headers.get("Content-Type", ""),
                 "etag": response.headers.get("ETag", ""),
                 "last_modified": response.headers.get("Last-Modified", "")}
        self._index[url] = entry
        return Fetched(final, 200, body, entry["content_type"], entry["last_modified"], sha, False)
