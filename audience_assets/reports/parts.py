"""The parts of a client's daily report: plain dataclasses that daily.py fills and
workbook.py, html.py and deliver.py read (no Dagster, no SQL)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from audience_assets.records import DEFAULT_TARGET, NATIONAL_REGION

from .profiles import Profile


@dataclass(frozen=True)
class BroadcastRow:
    name: str          # display name
    channel: str       # display name
    title: str         # as delivered (SQL)
    channel_code: str  # as delivered (SQL)
    start: str         # TV-day clock, e.g. 25:10 after midnight
    genre: str
    unique_viewers: int
    avg_audience: int
    share: float
    target: str = DEFAULT_TARGET
    region: str = NATIONAL_REGION
    client: bool = False


@dataclass(frozen=True)
class Comparison:
    label: str            # "Día anterior", "Mismo día semana pasada", "Media 28 días"
    reference: str        # "domingo 15 de noviembre", "6 días con datos de 28"
    value: float | None   # None: no data to compare with (said, never compared with 0)
    change: float | None  # relative change, % of the reference
    points: float | None  # difference in the figure's unit (p.p. for shares)

    @property
    def arrow(self) -> str:
        if self.change is None:
            return ""
        return "▲" if self.change > 0.05 else "▼" if self.change < -0.05 else "="


@dataclass(frozen=True)
class Figure:
    value: float
    comparisons: tuple[Comparison, ...]


@dataclass(frozen=True)
class Headline:
    subject: str          # display name of a channel or group
    code: str             # channel code, or group name
    kind: str             # "channel" | "group"
    share: Figure         # day share, %
    avg_audience: Figure  # day average audience, persons
    client: bool


@dataclass(frozen=True)
class ChannelShare:
    name: str
    channel: str   # code
    share: float   # the channel's broadcasts' shares weighted by their minutes
    minutes: int
    avg_audience: int
    group: str = ""
    client: bool = False


@dataclass(frozen=True)
class GroupShare:
    name: str
    share: float   # sum of its channels' shares (same universe, so shares add up)
    channels: tuple[str, ...]
    client: bool = False


@dataclass(frozen=True)
class Notable:
    name: str
    channel: str
    event: str
    target: str
    region: str
    unique_viewers: int
    avg_audience: int
    share: float
    evidence: tuple[str, ...]  # Spanish sentences
    sheet_title: str           # as stored (SQL)
    client: bool = False


@dataclass(frozen=True)
class MinuteMark:
    kind: str  # golden_minute | peak | drop
    clock: str
    name: str
    avg_audience: int
    share: float
    relative: float


@dataclass(frozen=True)
class Gap:
    start: str     # TV clock of the first missing/zero minute
    end: str       # TV clock of the last one
    minutes: int
    missing: bool  # True: minutes absent from the file; False: delivered as 0


@dataclass
class ChannelMinutes:
    name: str
    channel: str
    # (TV clock, average audience or None inside a gap, share or None)
    curve: list[tuple[str, int | None, float | None]]
    golden: MinuteMark | None
    marks: list[MinuteMark] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    dropped_drops: int = 0  # drops the analysis found inside or at the edge of a gap
    # competitors' curves on the same clock: (display name, values or None)
    rivals: list[tuple[str, list[int | None]]] = field(default_factory=list)
    client: bool = False


@dataclass(frozen=True)
class Excluded:
    name: str
    channel: str
    why: str
    broadcasts: int


@dataclass
class DailyReport:
    date: str
    profile: Profile
    long_date: str
    headline: list[Headline]
    groups: list[GroupShare]
    top_overall: list[BroadcastRow]
    per_channel: list[BroadcastRow]
    per_target_region: list[BroadcastRow]
    channel_shares: list[ChannelShare]
    notable: list[Notable]
    minutes: list[ChannelMinutes]
    records: int                  # broadcasts delivered for the day, every target and region
    ranked: int                   # broadcasts compared in the main ranking
    ranked_channels: int
    excluded: list[Excluded]      # left out of rankings, one line per title and channel
    notices: list[str]            # missing deliveries, channels without data, gaps

    @property
    def universe(self) -> str:
        return f"{DEFAULT_TARGET}, {NATIONAL_REGION}"

    @property
    def excluded_broadcasts(self) -> int:
        return sum(e.broadcasts for e in self.excluded)

    def counts_line(self) -> str:
        """What the ranking compared, said with what it counts."""
        left = (f"; {self.excluded_broadcasts} franjas de continuidad o relleno excluidas"
                if self.excluded else "")
        return (f"{self.ranked} emisiones de {self.ranked_channels} cadenas comparadas "
                f"({self.universe}){left}. El fichero del día trae {self.records} filas "
                f"contando todos los públicos y regiones.")

    def summary_rows(self) -> list[dict[str, Any]]:
        """The top table as plain dicts (asset metadata preview)."""
        return [{"programa": r.name, "cadena": r.channel, "inicio": r.start,
                 "espectadores únicos": r.unique_viewers, "audiencia media": r.avg_audience,
                 "cuota": r.share} for r in self.top_overall]
