"""What happened inside broadcasts, minute by minute: golden minutes, peaks and drops.

Detector (`detect`): within one broadcast, the baseline is a centred rolling
median of the minute audience (window `window_minutes`); the relative residual
`(x - baseline) / baseline` is turned into a robust z-score with the median and
MAD of the broadcast's own residuals. A minute is anomalous when |z| reaches
`z_threshold` and the residual is at least `min_relative` of the baseline;
consecutive anomalous minutes of one sign form one event.

Why this method: a rolling median follows a programme's level, its slow drift
and its start ramp but ignores any event shorter than half its window, so a
goal or a reveal stands out in the residual; the MAD adapts the threshold to
each broadcast's noise (regular ad-break dips on commercial channels widen it,
so they are not reported as drops), and the relative floor keeps tiny wiggles of
very flat curves out. A change-point method would report level shifts (the start
of the next segment of a show) rather than the short events the client posts
about. Programme boundaries are handled by analysing each broadcast on its own
and skipping `edge_guard_minutes` at both ends, where audiences ramp by design.
`audience_lab.minutes.evaluate` measures precision and recall on synthetic curves
with injected events (benchmarks/anomalies_eval.py prints them).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from audience_assets.analysis.config import AnalysisConfig
from audience_assets.analysis.config_sections import AnomalySettings
from audience_assets.analysis.rules import Candidate
from audience_assets.ingestion.minutes import MinutePoint, wall_clock
from audience_assets.records import AudienceRecord

Kind = Literal["peak", "drop"]


@dataclass(frozen=True, slots=True)
class Detection:
    """An event found in a series, by index."""

    kind: Kind
    start: int
    end: int  # inclusive
    at: int  # the most extreme minute
    value: float
    baseline: float
    relative: float
    z: float


@dataclass(frozen=True, slots=True)
class BroadcastMinute:
    """A notable minute attached to its broadcast."""

    kind: Literal["golden_minute", "peak", "drop"]
    broadcast_date: str
    channel: str
    title: str
    broadcast_start: str
    minute: str
    avg_audience: int
    share: float
    baseline: float = 0.0
    relative: float = 0.0
    z: float = 0.0
    length_minutes: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DayAnomalies:
    """The day's golden minute, each broadcast's golden minute, and the peaks and drops."""

    golden_minute: BroadcastMinute | None
    broadcast_golden_minutes: list[BroadcastMinute] = field(default_factory=list)
    events: list[BroadcastMinute] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "golden_minute": self.golden_minute.to_dict() if self.golden_minute else None,
            "broadcast_golden_minutes": [m.to_dict() for m in self.broadcast_golden_minutes],
            "events": [e.to_dict() for e in self.events],
        }


# ---- the detector ----------------------------------------------------------------------


def rolling_median(values: Sequence[float], window: int) -> list[float]:
    """Centred rolling median; the window shrinks symmetrically at the ends."""
    half = window // 2
    n = len(values)
    out = []
    for i in range(n):
        reach = min(half, i, n - 1 - i)
        out.append(statistics.median(values[i - reach:i + reach + 1]))
    return out


def detect(values: Sequence[float], settings: AnomalySettings) -> list[Detection]:
    """Peaks and drops of one broadcast's minute series (see the module docstring)."""
    n = len(values)
    if n < settings.min_broadcast_minutes:
        return []
    baseline = rolling_median(values, settings.window_minutes)
    relative = [(x - b) / b if b > 0 else 0.0 for x, b in zip(values, baseline, strict=True)]
    centre = statistics.median(relative)
    mad = statistics.median(abs(r - centre) for r in relative)
    scale = max(1.4826 * mad, 0.005)  # a flat curve must not make every wiggle infinite
    z = [(r - centre) / scale for r in relative]
    guard = settings.edge_guard_minutes
    flags: list[int] = []
    for i in range(guard, n - guard):
        if abs(z[i]) >= settings.z_threshold and abs(relative[i]) >= settings.min_relative:
            flags.append(1 if z[i] > 0 else -1)
        else:
            flags.append(0)
    detections = []
    i = 0
    while i < len(flags):
        sign = flags[i]
        if sign == 0:
            i += 1
            continue
        j = i
        while j + 1 < len(flags) and flags[j + 1] == sign:
            j += 1
        first, last = i + guard, j + guard
        at = max(range(first, last + 1), key=lambda k: abs(relative[k]))
        detections.append(Detection("peak" if sign > 0 else "drop", first, last, at,
                                    values[at], baseline[at], relative[at], z[at]))
        i = j + 1
    return detections


# ---- a day of minutes ------------------------------------------------------------------


def _moment(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso)


def broadcast_series(points: Sequence[MinutePoint], record: AudienceRecord) -> list[MinutePoint]:
    """The minutes of `points` (one channel) inside the broadcast, in order."""
    start, end = _moment(record.start), _moment(record.end)
    return sorted((p for p in points if start <= _moment(p.minute) < end),
                  key=lambda p: p.minute)


def _best_minute(points: Iterable[MinutePoint]) -> MinutePoint | None:
    # ties: the earliest minute, then the channel, so the choice is reproducible
    ordered = sorted(points, key=lambda p: (-p.avg_audience, p.minute, p.channel))
    return ordered[0] if ordered else None


def analyse_day(points: Sequence[MinutePoint], records: Sequence[AudienceRecord],
                settings: AnomalySettings) -> DayAnomalies:
    """Golden minutes and events of the day, each attached to the broadcast it fell in.

    `records` are the programmes of the same day, target and region as `points`;
    minutes outside every broadcast count for no programme.
    """
    by_channel: dict[str, list[MinutePoint]] = defaultdict(list)
    for point in points:
        by_channel[point.channel].append(point)
    golden: list[BroadcastMinute] = []
    events: list[BroadcastMinute] = []
    for record in sorted(records, key=lambda r: (r.channel, r.start)):
        series = broadcast_series(by_channel.get(record.channel, []), record)
        best = _best_minute(series)
        if best is None:
            continue
        golden.append(_attach("golden_minute", best, record))
        for found in detect([p.avg_audience for p in series], settings):
            events.append(_attach(found.kind, series[found.at], record, found))
    day_best = _best_minute(points)
    day_golden = None
    if day_best is not None:
        day_golden = next((g for g in golden if g.minute == day_best.minute
                           and g.channel == day_best.channel), None)
    return DayAnomalies(day_golden, golden, events)


def _attach(kind: Literal["golden_minute", "peak", "drop"], point: MinutePoint,
            record: AudienceRecord, found: Detection | None = None) -> BroadcastMinute:
    return BroadcastMinute(
        kind=kind, broadcast_date=record.broadcast_date, channel=record.channel,
        title=record.title, broadcast_start=record.start, minute=point.minute,
        avg_audience=point.avg_audience, share=point.share,
        baseline=round(found.baseline, 1) if found else 0.0,
        relative=round(found.relative, 4) if found else 0.0,
        z=round(found.z, 2) if found else 0.0,
        length_minutes=found.end - found.start + 1 if found else 1,
    )


def golden_minute_candidates(day: DayAnomalies, records: Sequence[AudienceRecord],
                             config: AnalysisConfig) -> list[Candidate]:
    """The "Minuto de oro" fact-sheet candidate: the broadcast holding the day's most
    watched minute (its figures are the broadcast's; the minute is evidence)."""
    golden = day.golden_minute
    if golden is None or config.rule("golden_minute") is None:
        return []
    for record in records:
        if (record.channel, record.start, record.title) == (
                golden.channel, golden.broadcast_start, golden.title):
            clock = wall_clock(golden.minute)
            return [Candidate("golden_minute", record, {
                "minute": golden.minute, "time": clock, "avg_audience": golden.avg_audience,
                "share": golden.share,
            }, time=clock)]
    return []
