"""Rule length.limit: X weighted length (twitter-text), Bluesky graphemes, Threads characters."""

from __future__ import annotations

from audience_assets.networks import network

from .context import Post
from .model import Violation
from .text import graphemes


def measure(text: str, network: str) -> int:
    """The length a network counts: X weighted, Bluesky graphemes, Threads code points."""
    if network == "x":
        # Imported on the first post measured: twitter_text compiles its emoji pattern and
        # loads pkg_resources on import, about 1 s of every Dagster run's start otherwise.
        from twitter_text import parse_tweet

        return int(parse_tweet(text).weightedLength)
    if network == "bluesky":
        return graphemes(text)
    if network == "threads":
        return len(text)
    raise ValueError(f"unknown network {network!r}: expected x, bluesky or threads")


def check(post: Post) -> list[Violation]:
    limit = getattr(post.config.settings.limits, post.network)
    length = measure(post.text, post.network)
    if length <= limit:
        return []
    unit = network(post.network).unit
    return [Violation("length.limit",
                      f"Demasiado largo para {post.network}: {length} {unit} "
                      f"(máximo {limit}).", None)]
