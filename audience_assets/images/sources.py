"""The client's image sources and default pictures (data/config/images.yaml), validated on load.

Schema (every key but `sources` optional):

    allow_private_addresses: false      # true only for tests on loopback
    defaults:                           # up to three per programme (title or handle)
      "@laruletasuerte": [data/images/ruleta-1.jpg, https://example.org/ruleta-2.jpg]
    sources:                            # pages, RSS/Atom feeds or sitemaps
      - url: https://example.org/programas/la-ruleta/
        channels: ["@antena3com"]       # optional: which channels / programmes it covers
        programmes: ["@laruletasuerte"]

Errors read `<file>: <key path>: <problem>` so the client can fix the file by hand.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from audience_assets.paths import DEFAULT_IMAGES_SOURCES

DEFAULT_SOURCES_PATH = DEFAULT_IMAGES_SOURCES
MAX_DEFAULTS = 3


class SourcesError(ValueError):
    """The sources file cannot be used; the message names file, key and problem."""


def fold(text: str) -> str:
    """Comparison key: no accents, case-folded, letters and digits ("@La_Ruleta" -> "laruleta")."""
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    return "".join(c for c in stripped.casefold() if c.isalnum())


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    channels: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()

    _check_url = field_validator("url")(lambda cls, v: _http_url(v))

    @property
    def host(self) -> str:
        return host_of(self.url)

    def covers(self, programme: str, channel: str) -> bool:
        """A source without channels or programmes covers every post; otherwise one must match."""
        if not self.channels and not self.programmes:
            return True
        keys = {fold(programme), fold(channel)} - {""}
        return any(fold(name) in keys for name in (*self.channels, *self.programmes))


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    allow_private_addresses: bool = False
    defaults: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    sources: tuple[Source, ...] = ()

    @field_validator("defaults")
    @classmethod
    def _at_most_three(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for programme, pictures in value.items():
            if len(pictures) > MAX_DEFAULTS:
                raise ValueError(f"{programme!r}: {len(pictures)} pictures, at most "
                                 f"{MAX_DEFAULTS}")
        return value


def host_of(url: str) -> str:
    """host[:port] in lower case: the unit of politeness and of the allow-list."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


@dataclass(frozen=True)
class ImageSources:
    """The validated file: sources, default pictures (resolved) and the private-address switch."""

    path: Path
    sources: tuple[Source, ...]
    defaults: dict[str, tuple[str, ...]]
    allow_private_addresses: bool = False

    @property
    def hosts(self) -> frozenset[str]:
        """Hosts the crawler may fetch from: the sources' and the default pictures' URLs."""
        urls = [s.url for s in self.sources]
        urls += [d for pics in self.defaults.values() for d in pics if "://" in d]
        return frozenset(host_of(u) for u in urls)

    def sources_for(self, programme: str, channel: str) -> list[Source]:
        return [s for s in self.sources if s.covers(programme, channel)]

    def defaults_for(self, *names: str) -> tuple[str, ...]:
        """The default pictures of the first of `names` (title, handle...) configured."""
        by_key = {fold(k): v for k, v in self.defaults.items()}
        for name in names:
            if fold(name) in by_key:
                return by_key[fold(name)]
        return ()


def _where(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def _resolve_picture(value: str, base: Path) -> str:
    """URLs stay; a path resolves against the working directory, else the file's folder."""
    if "://" in value:
        return _http_url(value)
    path = Path(value)
    for candidate in (path, base / path):
        if candidate.is_file():
            return str(candidate.resolve())
    raise ValueError(f"{value!r}: no such file (relative paths resolve against the working "
                     f"directory or {base})")


def parse_sources(data: Any, path: Path) -> ImageSources:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SourcesError(f"{path}: (top level): expected a mapping, got {type(data).__name__}")
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise SourcesError(f"{path}: {_where(err['loc'])}: {err['msg']}") from None
    defaults: dict[str, tuple[str, ...]] = {}
    for programme, pictures in parsed.defaults.items():
        try:
            defaults[programme] = tuple(_resolve_picture(p, path.parent) for p in pictures)
        except ValueError as exc:
            raise SourcesError(f"{path}: defaults.{programme}: {exc}") from None
    return ImageSources(path=path, sources=parsed.sources, defaults=defaults,
                        allow_private_addresses=parsed.allow_private_addresses)


def load_sources(path: str | Path = DEFAULT_SOURCES_PATH) -> ImageSources:
    """Read and validate the sources file; SourcesError with file, key and problem otherwise."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{path}: cannot read: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourcesError(f"{path}: not valid YAML: {str(exc).splitlines()[0]}") from None
    return parse_sources(data, path)
