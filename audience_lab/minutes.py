"""Synthetic minute curves for tests, the demo's sample week and benchmarks (not production)."""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audience_assets.analysis.anomalies import Detection, detect
from audience_assets.analysis.config import AnomalySettings
from audience_assets.ingestion.minutes import (
    TV_DAY_FIRST_MINUTE,
    TV_DAY_MINUTES,
    MinutePoint,
    write_minutes_file,
)
from audience_assets.records import DEFAULT_TARGET, NATIONAL_REGION, AudienceRecord
from audience_assets.samples import viewers_at

# ---- synthetic curves ------------------------------------------------------------------

# Channels that cut to advertising inside programmes (public La1/La2 do not).
COMMERCIAL = frozenset({"A3", "T5", "CUATRO", "LA SEXTA", "NEOX", "FDF", "TRECE", "DMAX"})


@dataclass(frozen=True, slots=True)
class Injected:
    """A genuine event put into a synthetic curve: where, how long, how big (relative)."""

    start: int
    length: int
    size: float  # +0.3 = 30% above the programme's level, -0.3 = 30% below


def programme_curve(level: float, length: int, rng: random.Random, *, commercial: bool,
                    previous_level: float | None = None, noise: float = 0.015) -> list[float]:
    """One broadcast's minutes around `level`: a ramp from the previous programme's
    level, a slow drift, ad-break dips (commercial channels) and small noise."""
    ramp = min(8, max(2, length // 8))
    drift = rng.uniform(-0.08, 0.12)
    values = []
    for i in range(length):
        x = level * (1 + drift * (i / max(length - 1, 1) - 0.5))
        if previous_level is not None and i < ramp:
            x = previous_level + (x - previous_level) * (i + 1) / (ramp + 1)
        values.append(x)
    if commercial and length >= 25:
        at = rng.randint(12, 18)
        while at + 6 < length - 4:
            dip_len, depth = rng.randint(3, 6), rng.uniform(0.05, 0.10)
            for k in range(dip_len):
                values[at + k] *= 1 - depth * math.sin(math.pi * (k + 0.5) / dip_len)
            at += dip_len + rng.randint(14, 22)
    return [max(0.0, v * (1 + rng.gauss(0, noise))) for v in values]


def inject(values: list[float], event: Injected) -> None:
    """Add a bell-shaped event of `event.size` (relative to the local level) in place."""
    for k in range(event.length):
        weight = math.sin(math.pi * (k + 0.5) / event.length) ** 0.5
        values[event.start + k] *= 1 + event.size * weight


def generate_day_minutes(records: Sequence[AudienceRecord], seed: str = "",
                         peaks: int = 3) -> tuple[list[MinutePoint], list[tuple[str, str]]]:
    """Minute curves for the channels of `records` (one day, one target and region),
    each programme's minutes averaging its record's AM, plus `peaks` genuine peaks in
    prime-time programmes. Returns the points and the (channel, minute) of each peak."""
    if not records:
        return [], []
    date = records[0].broadcast_date
    rng = random.Random(f"minutes|{date}|{seed}")
    day_start = dt.datetime.combine(dt.date.fromisoformat(date), dt.time()) + dt.timedelta(
        minutes=TV_DAY_FIRST_MINUTE)
    by_channel: dict[str, list[AudienceRecord]] = defaultdict(list)
    for record in records:
        by_channel[record.channel].append(record)
    prime = [r for r in records if "20:30" <= r.start[11:16] <= "23:00"
             and _length(r, day_start) >= 40]
    peak_at = {r.key for r in rng.sample(prime, min(peaks, len(prime)))}
    points, truth = [], []
    for channel in sorted(by_channel):
        curve = [0.0] * TV_DAY_MINUTES
        previous: float | None = None
        for record in sorted(by_channel[channel], key=lambda r: r.start):
            first = _offset(record.start, day_start)
            length = min(_length(record, day_start), TV_DAY_MINUTES - first)
            if length <= 0:
                continue
            values = programme_curve(record.avg_audience, length, rng,
                                     commercial=channel in COMMERCIAL, previous_level=previous)
            if record.key in peak_at:
                event = Injected(rng.randint(length // 3, 2 * length // 3), rng.randint(2, 4),
                                 rng.uniform(0.25, 0.4))
                inject(values, event)
                truth.append((channel, (day_start + dt.timedelta(
                    minutes=first + event.start + event.length // 2)).isoformat()))
            scale = record.avg_audience / (sum(values) / len(values)) if sum(values) else 0
            curve[first:first + length] = [v * scale for v in values]
            previous = record.avg_audience
        for i, value in enumerate(curve):
            total = viewers_at(i) * 1000
            moment = (day_start + dt.timedelta(minutes=i)).isoformat()
            am = int(round(value / 100) * 100)  # the file carries AM(000) with one decimal
            points.append(MinutePoint(date, channel, moment, am,
                                      round(min(100.0, 100 * am / total), 1),
                                      records[0].target, records[0].region))
    return points, truth


def _offset(start: str, day_start: dt.datetime) -> int:
    return int((dt.datetime.fromisoformat(start) - day_start).total_seconds() // 60)


def _length(record: AudienceRecord, day_start: dt.datetime) -> int:
    return _offset(record.end, day_start) - _offset(record.start, day_start)


def write_sample_minutes(folder: Path, dates: Iterable[str] | None = None) -> list[Path]:
    """Write `minutes_<date>.tsv` beside each national total programmes file
    (`programas_<date>_total.*`) of `folder`, following that day's schedule."""
    from audience_assets.ingestion.kantar import parse_file

    paths = []
    wanted = set(dates) if dates is not None else None
    for programmes in sorted(folder.glob("programas_*_total.*")):
        date = programmes.name.split("_")[1]
        if wanted is not None and date not in wanted:
            continue
        records = [r for r in parse_file(programmes).records
                   if r.target == DEFAULT_TARGET and r.region == NATIONAL_REGION]
        points, _ = generate_day_minutes(records)
        if points:
            paths.append(write_minutes_file(folder / f"minutes_{date}.tsv", points))
    return paths


# ---- evaluation on synthetic curves ------------------------------------------------------


def synthetic_cases(curves: int, seed: int = 7, sizes: Sequence[float] = (
        0.15, 0.2, 0.3, 0.4, -0.15, -0.2, -0.3, -0.4)
        ) -> list[tuple[list[float], list[Injected]]]:
    """Broadcast-like curves (ramp, drift, ad breaks on half of them, noise) each with
    one to three injected events of known size, length and position."""
    rng = random.Random(seed)
    cases = []
    for _ in range(curves):
        length = rng.randint(45, 150)
        level = rng.uniform(2e5, 4e6)
        values = programme_curve(level, length, rng, commercial=rng.random() < 0.5,
                                 previous_level=level * rng.uniform(0.4, 1.6))
        events: list[Injected] = []
        for _ in range(rng.randint(1, 3)):
            event_len = rng.randint(1, 5)
            for _attempt in range(20):
                start = rng.randint(8, length - 8 - event_len)
                if all(abs(start - e.start) > 14 for e in events):
                    events.append(Injected(start, event_len, rng.choice(list(sizes))))
                    break
        for event in events:
            inject(values, event)
        cases.append((values, events))
    return cases


def evaluate(settings: AnomalySettings, curves: int = 400, seed: int = 7,
             detector: Any = None) -> tuple[float, float, dict[str, tuple[int, int]], int]:
    """Precision, recall, hits/total per injected size, and detections, on synthetic
    curves. A detection is right when it overlaps an injected event (±1 minute) of the
    same sign; `detector` (values, settings) -> list[Detection] defaults to `detect`."""
    detector = detector or detect
    detected = correct = injected = found = 0
    by_size: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for values, events in synthetic_cases(curves, seed):
        detections = detector(values, settings)
        detected += len(detections)
        matched: set[int] = set()
        for d in detections:
            hit = next((k for k, e in enumerate(events)
                        if d.start <= e.start + e.length and d.end >= e.start - 1
                        and (d.kind == "peak") == (e.size > 0)), None)
            if hit is not None:
                correct += 1
                matched.add(hit)
        for k, event in enumerate(events):
            injected += 1
            bucket = by_size[f"{event.size:+.0%}"]
            bucket[1] += 1
            if k in matched:
                found += 1
                bucket[0] += 1
    precision = correct / detected if detected else 1.0
    recall = found / injected if injected else 0.0
    return precision, recall, {k: (v[0], v[1]) for k, v in sorted(by_size.items())}, detected


def zscore_detector(values: Sequence[float], settings: AnomalySettings) -> list[Detection]:
    """Baseline for the evaluation: plain z-score of the raw minutes of the broadcast
    (mean and standard deviation), same threshold and edge guard."""
    n = len(values)
    if n < settings.min_broadcast_minutes:
        return []
    mean = statistics.fmean(values)
    std = statistics.pstdev(values) or 1.0
    out = []
    guard = settings.edge_guard_minutes
    i = guard
    threshold = min(settings.z_threshold, 3.0)
    while i < n - guard:
        z = (values[i] - mean) / std
        if abs(z) >= threshold:
            j = i
            while j + 1 < n - guard and abs((values[j + 1] - mean) / std) >= threshold and \
                    math.copysign(1, values[j + 1] - mean) == math.copysign(1, z):
                j += 1
            out.append(Detection("peak" if z > 0 else "drop", i, j, i, values[i], mean,
                                 (values[i] - mean) / mean, z))
            i = j + 1
        else:
            i += 1
    return out
