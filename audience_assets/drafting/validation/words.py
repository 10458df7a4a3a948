"""Rule words.banned: apologies, greetings, congratulations, model chatter (editable list)."""

from __future__ import annotations

from .context import Post
from .model import Violation
from .text import find_phrases


def check(post: Post) -> list[Violation]:
    return [Violation("words.banned", f"«{post.text[s:e]}»: expresión prohibida.", (s, e))
            for _, (s, e) in find_phrases(post.style_folded, post.config.words.banned)]
