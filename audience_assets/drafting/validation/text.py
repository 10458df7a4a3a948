"""Text primitives shared by the rules: folding, tokens, emojis, masking, phrase lists.

Every helper keeps character offsets: folding and masking map one character to
one character, so a span found in a folded or masked copy is a span of the post.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import regex

from .model import Span

# A private-use character: not a letter, digit, space or punctuation, so masked
# text never triggers a rule by itself.
MASK = "\ue000"

HANDLE_RE = re.compile(r"(?<![\w@])@(\w+)")
HASHTAG_RE = re.compile(r"(?<![\w#&])#(\w*[^\W\d_]\w*)")
URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_GRAPHEME_RE = regex.compile(r"\X")
_EMOJI_MARK_RE = regex.compile(
    r"\p{Emoji_Presentation}|\ufe0f|\u20e3|\p{Regional_Indicator}|[\U0001F000-\U0010FFFF]"
)
_PICTO_RE = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3")
_EMOJI_VARIANTS_RE = regex.compile(r"[\ufe0e\ufe0f\U0001F3FB-\U0001F3FF]")


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch)
    base = decomposed[0] if decomposed else ch
    lowered = base.lower()
    return lowered[0] if lowered else base


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Lower case without accents, same length as `text` (ñ -> n, Á -> a)."""
    return "".join(fold_char(ch) for ch in text)


def fold_word(text: str) -> str:
    """Folded and stripped of anything but letters and digits: names, hashtags."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    span: Span

    @property
    def body(self) -> str:
        """The token without its leading '#' or '@'."""
        return self.text[1:] if self.text[:1] in "#@" else self.text


def handles(text: str) -> list[Token]:
    return [Token(m.group(0), m.span()) for m in HANDLE_RE.finditer(text)]


def hashtags(text: str) -> list[Token]:
    return [Token(m.group(0), m.span()) for m in HASHTAG_RE.finditer(text)]


def urls(text: str) -> list[Token]:
    return [Token(m.group(0), m.span()) for m in URL_RE.finditer(text)]


def emojis(text: str) -> list[Token]:
    """Emojis as grapheme clusters: a flag, a skin-toned hand or a ZWJ family is one."""
    found = []
    for m in _GRAPHEME_RE.finditer(text):
        cluster = m.group(0)
        if _PICTO_RE.search(cluster) and _EMOJI_MARK_RE.search(cluster):
            found.append(Token(cluster, m.span()))
    return found


def emoji_identity(cluster: str) -> str:
    """What makes two emojis 'the same': variation selectors and skin tones ignored."""
    return _EMOJI_VARIANTS_RE.sub("", cluster)


def graphemes(text: str) -> int:
    return sum(1 for _ in _GRAPHEME_RE.finditer(text))


def mask_spans(text: str, spans: Iterable[Span]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(max(start, 0), min(end, len(chars))):
            if chars[i] not in "\r\n":
                chars[i] = MASK
    return "".join(chars)


def find_literal(text: str, needle: str) -> list[Span]:
    """Case- and accent-insensitive occurrences of `needle` in `text`."""
    needle_f = fold(needle).strip()
    if len(needle_f) < 2:
        return []
    left = r"(?<!\w)" if needle_f[0].isalnum() or needle_f[0] == "_" else ""
    right = r"(?!\w)" if needle_f[-1].isalnum() or needle_f[-1] == "_" else ""
    pattern = re.compile(left + re.escape(needle_f) + right)
    return [m.span() for m in pattern.finditer(fold(text))]


_CAMEL_RE = regex.compile(r"\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\d+|[^\W\d_]+")


def split_hashtag(body: str) -> list[str]:
    """'RécordHistórico' -> ['récord', 'histórico']; 'TVRatings' -> ['tv', 'ratings']."""
    return [w.lower() for w in _CAMEL_RE.findall(body)]


@lru_cache(maxsize=4096)
def phrase_regex(phrase: str) -> re.Pattern[str]:
    """A client-written phrase as a pattern over folded text.

    Words match whole words; a trailing '*' on a word matches any ending
    ('lider*' matches 'lideró', 'liderazgo'); spaces match any run of spaces.
    """
    words = fold(phrase).split()
    if not words:
        raise ValueError("empty phrase")
    parts = []
    for word in words:
        if word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"\w*")
        else:
            parts.append(re.escape(word))
    body = r"\s+".join(parts)
    left = r"(?<!\w)" if re.match(r"\w", words[0]) else ""
    right = r"(?!\w)" if re.search(r"[\w*]$", words[-1]) else ""
    return re.compile(left + body + right)


@lru_cache(maxsize=256)
def _any_phrase(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{phrase_regex(p).pattern})" for p in phrases))


def find_phrases(folded: str, phrases: Iterable[str]) -> list[tuple[str, Span]]:
    phrases = tuple(phrases)
    # One combined search first: most lists have no hit in a post, and one regex
    # over the text is far cheaper than one per phrase.
    if not phrases or (len(phrases) > 8 and not _any_phrase(phrases).search(folded)):
        return []
    hits = []
    for phrase in phrases:
        for m in phrase_regex(phrase).finditer(folded):
            hits.append((phrase, m.span()))
    hits.sort(key=lambda h: h[1])
    return hits
