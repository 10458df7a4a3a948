"""What every rule needs about one post: the fact sheet, tokens and masked copies."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .config import ValidatorConfig
from .model import Span
from .text import (
    HANDLE_RE,
    Token,
    emojis,
    find_literal,
    fold,
    fold_word,
    handles,
    hashtags,
    mask_spans,
    split_hashtag,
    urls,
)

# What an event or a target names with digits, which a post may write inside its own
# clause rather than quoting the whole label: a clock time ("a las 20:56") and an age
# range ("de 25 a 44 años"; the target "Individuos 25-44").
_EVENT_NUMBERS_RE = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2} a \d{1,2} años\b")
_TARGET_AGES_RE = re.compile(r"\b(\d{1,2})\s*-\s*(\d{1,2})\b")
_STOPWORDS = frozenset({"el", "la", "los", "las", "de", "del", "y", "o", "e", "en", "a", "vs"})


@dataclass(frozen=True, slots=True)
class Facts:
    """The fields of a fact sheet the validator reads (FactSheet or a dict alike)."""

    title: str
    channel: str
    unique_viewers: int
    avg_audience: int
    share: float
    event: str = ""
    description: str = ""
    channel_code: str = ""
    genre: str = ""
    hashtag_hint: str = ""
    target: str = ""
    region: str = ""
    # The story's own hashtags (plan: the client's configured ones): never "misspelled".
    hashtags: tuple[str, ...] = ()

    @classmethod
    def of(cls, sheet: Any) -> Facts:
        if isinstance(sheet, Facts):
            return sheet
        data: Mapping[str, Any]
        if isinstance(sheet, Mapping):
            data = sheet
        elif hasattr(sheet, "to_dict"):
            data = sheet.to_dict()
        else:
            raise TypeError(
                f"fact sheet must be a FactSheet or a mapping, not {type(sheet).__name__}")
        missing = [k for k in ("title", "channel", "unique_viewers", "avg_audience", "share")
                   if data.get(k) in (None, "")]
        if missing:
            raise ValueError(f"fact sheet lacks {', '.join(missing)}")
        try:
            return cls(
                title=str(data["title"]),
                channel=str(data["channel"]),
                unique_viewers=int(data["unique_viewers"]),
                avg_audience=int(data["avg_audience"]),
                share=float(data["share"]),
                event=str(data.get("event") or ""),
                description=str(data.get("description") or ""),
                channel_code=str(data.get("channel_code") or ""),
                genre=str(data.get("genre") or ""),
                hashtag_hint=str(data.get("hashtag_hint") or ""),
                target=str(data.get("target") or ""),
                region=str(data.get("region") or ""),
                hashtags=tuple(str(h) for h in (data.get("hashtags") or ())
                               if isinstance(h, str)),
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(f"fact sheet has a malformed figure: {exc}") from None

    @property
    def title_handles(self) -> list[str]:
        return [m.group(0) for m in HANDLE_RE.finditer(self.title)]

    @property
    def channel_handle(self) -> str:
        return self.channel.strip() if self.channel.strip().startswith("@") else ""

    @property
    def required_handles(self) -> list[str]:
        found = [*self.title_handles]
        if self.channel_handle:
            found.append(self.channel_handle)
        return list(dict.fromkeys(found))

    @property
    def title_segments(self) -> list[str]:
        """The title's plain words between handles ('Final Supercopa de España', 'vs')."""
        return [s.strip() for s in HANDLE_RE.split(self.title)[::2] if s.strip()]

    @property
    def literal_strings(self) -> list[str]:
        """Fact-sheet strings that are data, never instructions: masked before style rules."""
        out = [self.title, *self.title_segments, self.description, self.channel_code]
        if not self.channel_handle:
            out.append(self.channel)
        return [s for s in out if len(s.strip()) >= 2]

    @property
    def search_text(self) -> str:
        """Everything the fact sheet says, folded: keywords of emoji and claim rules."""
        return fold(" ".join((self.title, self.description, self.event, self.channel,
                              self.channel_code, self.hashtag_hint, self.target, self.region,
                              self.genre)))


def without_stopwords(words: list[str]) -> str:
    kept = [w for w in words if fold(w) not in _STOPWORDS]
    return "".join(fold_word(w) for w in kept)


@dataclass
class Post:
    """One post under validation and everything derived from it, computed once."""

    text: str
    facts: Facts
    network: str
    config: ValidatorConfig
    _cache: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def handles(self) -> list[Token]:
        return handles(self.text)

    @cached_property
    def hashtags(self) -> list[Token]:
        # A '#' inside the title as written is data, not a hashtag of the post.
        fact_spans = self.fact_spans_with_hash
        return [h for h in hashtags(self.text)
                if not any(s <= h.span[0] < e for s, e in fact_spans)]

    @cached_property
    def urls(self) -> list[Token]:
        return urls(self.text)

    @cached_property
    def emojis(self) -> list[Token]:
        return emojis(self.text)

    @cached_property
    def fact_spans(self) -> list[Span]:
        spans: list[Span] = []
        for literal in self.facts.literal_strings:
            spans.extend(find_literal(self.text, literal))
        return spans

    @cached_property
    def fact_spans_with_hash(self) -> list[Span]:
        spans: list[Span] = []
        for literal in (self.facts.title, *self.facts.title_segments, self.facts.description):
            if "#" in literal:
                spans.extend(find_literal(self.text, literal))
        return spans

    @cached_property
    def event_spans(self) -> list[Span]:
        return find_literal(self.text, self.facts.event) if self.facts.event else []

    @cached_property
    def event_number_spans(self) -> list[Span]:
        """The event's clock times and the event's or target's age ranges, wherever the
        post writes them ("marcó el minuto de oro del día a las 20:56", "un 16.1% de cuota
        entre los espectadores de 25 a 44 años"): the sheet's data, not an invented
        time, nor a figure to check against the metrics."""
        parts = [m.group(0) for m in _EVENT_NUMBERS_RE.finditer(self.facts.event)]
        parts += [f"{a} a {b} años" for a, b in _TARGET_AGES_RE.findall(self.facts.target)]
        return [span for part in dict.fromkeys(parts) for span in find_literal(self.text, part)]

    def _token_spans(self, *, emojis_too: bool) -> list[Span]:
        spans = [t.span for t in (*self.handles, *hashtags(self.text), *self.urls)]
        if emojis_too:
            spans.extend(t.span for t in self.emojis)
        return spans

    @cached_property
    def number_text(self) -> str:
        """The post with handles, hashtags, URLs, emojis and fact strings masked."""
        return mask_spans(self.text, [*self.fact_spans, *self.event_spans,
                                      *self.event_number_spans,
                                      *self._token_spans(emojis_too=True)])

    @cached_property
    def style_text(self) -> str:
        """What style rules read: the writer's own words. The event phrase, where the post
        quotes it, is the client's own configured wording ("Minuto de oro del día a las
        20:58", "Muy por encima de la media diaria de la cadena"): data, like the title;
        so are its clock time and age range written inside the post's own clause."""
        return mask_spans(self.text, [*self.fact_spans, *self.event_spans,
                                      *self.event_number_spans,
                                      *self._token_spans(emojis_too=True)])

    @cached_property
    def style_folded(self) -> str:
        return fold(self.style_text)

    @cached_property
    def claim_text(self) -> str:
        """Folded writer's words (event included: a claim copied from it is still checked)."""
        return fold(mask_spans(self.text, [*self.fact_spans, *self._token_spans(emojis_too=True)]))

    @cached_property
    def claim_raw(self) -> str:
        """claim_text before folding: morphology and spelling need case and accents."""
        return mask_spans(self.text, [*self.fact_spans, *self._token_spans(emojis_too=True)])

    @cached_property
    def hashtag_words(self) -> str:
        return " ".join(" ".join(split_hashtag(h.body)) for h in self.hashtags)

    @cached_property
    def name_candidates(self) -> set[str]:
        """Folded names a hashtag may legitimately spell: programme, teams, channel."""
        names = self.config.names
        out: set[str] = set()
        bodies = [h[1:] for h in self.facts.required_handles]
        for body in bodies:
            key = fold_word(body)
            out.add(key)
            for suffix in names.handle_suffixes:
                suffix_f = fold_word(suffix)
                if suffix_f and key.endswith(suffix_f) and len(key) - len(suffix_f) >= 3:
                    out.add(key[: -len(suffix_f)])
            for name in names.handles.get(body.lower(), []):
                out.add(fold_word(name))
                out.add(without_stopwords(re.findall(r"\w+", name)))
        for text in (*self.facts.title_segments, self.facts.description, self.facts.channel_code,
                     self.facts.hashtag_hint.lstrip("#")):
            if text and not text.startswith("@"):
                out.add(fold_word(text))
                words = re.findall(r"\w+", text)
                out.add(without_stopwords(words))
                out.update(fold_word(w) for w in words if len(w) >= 6)
        if not self.facts.channel_handle:
            out.add(fold_word(self.facts.channel))
        return {n for n in out if len(n) >= 2}


NUMBER_BOUNDARY_RE = re.compile(
    r",|;|\.(?!\d)|\n|\(|\)|\||—|–|\s-\s|\s(?:y|e|con|ademas|mientras|frente|junto)\s"
)
