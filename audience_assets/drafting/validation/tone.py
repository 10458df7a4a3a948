"""Rule style.promotional by category (praise, emotional appeal, invitation to watch).

Lexicon entries and named regular expressions from data/config/validator/tone.yaml
read the writer's own words (style_folded: fact-sheet strings, event, handles,
hashtags masked). Each violation says which category and which entry fired, so a
reviewer sees why and the client can tune the file.
"""

from __future__ import annotations

from .context import Post
from .model import Span, Violation
from .text import find_phrases


def check(post: Post) -> list[Violation]:
    found: list[Violation] = []
    text = post.style_folded
    # Model chatter ("Aquí tienes el tuit") is words.banned, not an invitation.
    taken: list[Span] = [span for _, span in find_phrases(text, post.config.words.banned)]
    for category in post.config.tone.categories:
        hits: list[tuple[Span, str]] = [
            (span, f"léxico «{phrase}»") for phrase, span in find_phrases(text, category.lexicon)]
        for pattern in category.patterns:
            hits.extend((m.span(), f"patrón «{pattern.id}»")
                        for m in pattern.compiled.finditer(text))
        for span, why in sorted(hits):
            if any(s < span[1] and span[0] < e for s, e in taken):
                continue
            taken.append(span)
            found.append(Violation(
                "style.promotional",
                f"«{post.text[span[0]:span[1]]}»: {category.name} ({why}); el texto debe ser "
                "neutro e informativo.", span))
    return found
