"""The data contracts shared by every stage: normalised record, fact sheet, draft.

Field names here are contracts (see docs/ARCHITECTURE.md): the SQL tables, the
Solr schema, the CLI's JSON lines and later stages all use them verbatim.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

# Columns of SQL table `audience_records`, in order.
RECORD_FIELDS: tuple[str, ...] = (
    "broadcast_date",
    "channel",
    "title",
    "description",
    "start",
    "end",
    "genre",
    "share",
    "avg_audience",
    "unique_viewers",
    "target",
    "region",
    "extra",
    "source_file",
    "source_sha256",
)

# What makes a broadcast unique within a delivery (used for de-duplication checks
# and for deterministic search-index ids).
BROADCAST_KEY: tuple[str, ...] = ("broadcast_date", "channel", "start", "title", "target", "region")

DEFAULT_TARGET = "Total Individuos (4+)"
NATIONAL_REGION = "Total España"


def sheet_key(broadcast_date: str, channel: str, start: str, title: str, target: str,
              region: str) -> str:
    """The one identity of a fact sheet: its broadcast (as delivered: channel code and
    title from the file), target and region. Every stage, the desk and the exports join
    on it; a title rewritten for a post never changes it."""
    return "|".join((broadcast_date, channel, start, title, target, region))


def story_key(broadcast_date: str, channel: str, title: str) -> str:
    """The one identity of a story: one programme of one channel and day, whatever its
    targets, regions and broadcasts. `title` is compared folded, so "PASAPALABRA" and
    "Pasapalabra" are one story."""
    return "|".join((broadcast_date, channel, fold_text(title)))


def fold_text(text: str) -> str:
    """Lookup form of titles, channel codes and names: no accents, case-folded, single
    spaces ("ANDALUCÍA  Total" -> "andalucia total")."""
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


@dataclass(frozen=True, slots=True)
class AudienceRecord:
    """One broadcast (emisión) of one target and region, normalised.

    `start`/`end` are ISO local datetimes; after-midnight times of a TV day carry
    the next calendar date but keep the TV day's `broadcast_date`.
    """

    broadcast_date: str
    channel: str
    title: str
    description: str
    start: str
    end: str
    genre: str
    share: float
    avg_audience: int
    unique_viewers: int
    target: str
    region: str
    extra: dict[str, str] = field(default_factory=dict)
    source_file: str = ""
    source_sha256: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(str(getattr(self, name)) for name in BROADCAST_KEY)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AudienceRecord:
        extra = data.get("extra") or {}
        if isinstance(extra, str):
            import json

            extra = json.loads(extra) if extra else {}
        return cls(
            broadcast_date=str(data["broadcast_date"]),
            channel=str(data["channel"]),
            title=str(data["title"]),
            description=str(data.get("description") or ""),
            start=str(data["start"]),
            end=str(data["end"]),
            genre=str(data.get("genre") or ""),
            share=float(data["share"]),
            avg_audience=int(data["avg_audience"]),
            unique_viewers=int(data["unique_viewers"]),
            target=str(data["target"]),
            region=str(data["region"]),
            extra={str(k): str(v) for k, v in dict(extra).items()},
            source_file=str(data.get("source_file") or ""),
            source_sha256=str(data.get("source_sha256") or ""),
        )


@dataclass(frozen=True, slots=True)
class FactSheet:
    """What one post must say: the data a draft is written from and validated against.

    `title` and `channel` carry @handles where known; figures are in persons,
    share in %; `event` is a Spanish phrase, "" when there is none.
    """

    title: str
    channel: str
    unique_viewers: int
    avg_audience: int
    share: float
    event: str = ""
    description: str = ""
    channel_code: str = ""
    rules: tuple[str, ...] = ()
    target: str = DEFAULT_TARGET
    region: str = NATIONAL_REGION
    evidence: dict[str, Any] = field(default_factory=dict)
    genre: str = ""
    hashtag_hint: str = ""
    broadcast_date: str = ""
    start: str = ""
    priority: int = 0
    # The post's hashtags (programme's, channel's), chosen by the day's plan; empty:
    # the writer derives them.
    hashtags: tuple[str, ...] = ()
    # The title as delivered when `title` was rewritten for the post (a display name):
    # the sheet's key stays the delivered broadcast's.
    source_title: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["rules"] = list(self.rules)
        data["hashtags"] = list(self.hashtags)
        return data

    @property
    def key(self) -> str:
        """Stable identity of the broadcast+target+region this sheet is about."""
        return sheet_key(self.broadcast_date, self.channel_code or self.channel, self.start,
                         self.source_title or self.title, self.target, self.region)

    @property
    def story_key(self) -> str:
        """The story (programme of the day) this sheet belongs to."""
        return story_key(self.broadcast_date, self.channel_code or self.channel,
                         self.source_title or self.title)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FactSheet:
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        missing = [
            k
            for k in ("title", "channel", "unique_viewers", "avg_audience", "share")
            if k not in values
        ]
        if missing:
            raise ValueError(f"fact sheet lacks {', '.join(missing)}")
        values["unique_viewers"] = int(values["unique_viewers"])
        values["avg_audience"] = int(values["avg_audience"])
        values["share"] = float(values["share"])
        values["event"] = str(values.get("event") or "")
        values["rules"] = tuple(values.get("rules") or ())
        values["hashtags"] = tuple(values.get("hashtags") or ())
        values["evidence"] = dict(values.get("evidence") or {})
        return cls(**values)
