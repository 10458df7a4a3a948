"""A fact sheet (and its draft) as the image stage sees it: the date, and every name the
programme and channel go by (title, @handle, hashtag, channel code and name)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from audience_assets.analysis.config import AnalysisConfig, normalise_title
from audience_assets.images.crawl import Post
from audience_assets.images.sources import fold


def post_from_sheet(sheet: Mapping[str, Any], date: str, text: str = "",
                    config: AnalysisConfig | None = None) -> Post:
    title, channel = str(sheet.get("title") or ""), str(sheet.get("channel") or "")
    programme_names = [str(sheet.get("hashtag_hint") or "").lstrip("#")]
    channel_names = [str(sheet.get("channel_code") or "")]
    if config is not None:
        for file_title, programme in config.programmes.items():
            if fold(programme.handle) == fold(title) or normalise_title(file_title) == \
                    normalise_title(title):
                # its short name too: pages say "El Desmarque", not the file's title
                programme_names += [file_title, programme.handle, programme.hashtag.lstrip("#"),
                                    programme.name]
        for code, chan in config.channels.items():
            if fold(chan.handle) == fold(channel) or fold(code) == fold(channel):
                channel_names += [code, chan.handle, chan.name]
    unique = lambda names, first: tuple(dict.fromkeys(  # noqa: E731
        n for n in names if n and fold(n) != fold(first)))
    return Post(date=date, programme=title, channel=channel, text=text,
                programme_names=unique(programme_names, title),
                channel_names=unique(channel_names, channel))
