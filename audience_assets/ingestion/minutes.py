"""Minute-by-minute deliveries ("minutados"): parser and writer.

The layout (data/README-minutes.md) follows the programmes file: preamble rows
naming the kind `[MINUTADOS]`, the population, target and region, then a header
row found by its column names, then one row per channel and minute of the TV
day (02:30-26:29) with average audience AM(000) and share. Everything this
module cannot read raises `KantarParseError`, like the programmes parser, so
the sensor, the quarantine and the CLI treat both kinds alike.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from audience_assets.ingestion.cells import parse_date, parse_number
from audience_assets.ingestion.kantar import KantarParseError, sha256_of
from audience_assets.ingestion.layout import decode_text, read_preamble, sniff_kind
from audience_assets.records import DEFAULT_TARGET, NATIONAL_REGION

KIND = "MINUTADOS"
HEADER = ("Cadena", "Fecha", "Minuto", "AM(000)", "Cuota")
TV_DAY_FIRST_MINUTE = 2 * 60 + 30  # 02:30
TV_DAY_MINUTES = 24 * 60

# Accepted spellings of each column, compared without accents and case.
_COLUMNS = {
    "channel": ("cadena", "canal"),
    "date": ("fecha",),
    "minute": ("minuto", "hora", "min"),
    "avg_audience": ("am(000)", "am (000)", "am"),
    "share": ("cuota", "cuota %", "cuota (%)", "shr %"),
}
_MINUTE_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::00)?$")


@dataclass(frozen=True, slots=True)
class MinutePoint:
    """Average audience (persons) and share (%) of one channel in one minute."""

    broadcast_date: str
    channel: str
    minute: str  # ISO local datetime of the minute's start; after midnight: next date
    avg_audience: int
    share: float
    target: str = DEFAULT_TARGET
    region: str = NATIONAL_REGION


@dataclass(frozen=True)
class MinuteDelivery:
    path: str
    sha256: str
    target: str
    region: str
    points: list[MinutePoint] = field(default_factory=list)

    @property
    def dates(self) -> list[str]:
        return sorted({p.broadcast_date for p in self.points})


def tv_clock(minute: str, broadcast_date: str) -> str:
    """'2026-03-02T01:10:00' of TV day 2026-03-01 -> '25:10' (the files' notation)."""
    moment = dt.datetime.fromisoformat(minute)
    days = (moment.date() - dt.date.fromisoformat(broadcast_date)).days
    return f"{days * 24 + moment.hour:02d}:{moment.minute:02d}"


def wall_clock(minute: str) -> str:
    """'2026-03-02T01:10:00' -> '01:10' (what a reader's clock showed)."""
    return dt.datetime.fromisoformat(minute).strftime("%H:%M")


def is_minutes_file(path: str | Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return sniff_kind(handle.read(4096)) == KIND
    except OSError:
        return False


def parse_minutes_file(path: str | Path) -> MinuteDelivery:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KantarParseError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    return parse_minutes_bytes(data, str(path))


def _norm(text: str) -> str:
    from audience_assets.analysis.config import normalise_title

    return normalise_title(text)


def parse_minutes_bytes(data: bytes, name: str) -> MinuteDelivery:
    if not data.strip():
        raise KantarParseError(name, "file is empty")
    if data[:4] == b"PK\x03\x04":
        raise KantarParseError(name, "minute-by-minute deliveries are tab-separated text, "
                                     "not .xlsx")
    rows = [line.split("\t") for line in decode_text(data).splitlines()]
    aliases = {alias: canon for canon, names in _COLUMNS.items() for alias in names}
    header_idx, columns = -1, {}
    for i, row in enumerate(rows):
        canon = [aliases.get(_norm(cell)) for cell in row]
        if sum(1 for c in set(canon) if c) >= 3:
            header_idx = i
            columns = {c: j for j, c in reversed(list(enumerate(canon))) if c}
            break
    if header_idx < 0:
        raise KantarParseError(name, "no header row naming " + ", ".join(HEADER))
    missing = [HEADER[k] for k, c in enumerate(_COLUMNS) if c not in columns]
    if missing:
        raise KantarParseError(name, "required column missing from the header",
                               header_idx + 1, missing[0])
    info = read_preamble(rows[:header_idx])
    if info["kind"] and info["kind"] != KIND:
        raise KantarParseError(name, f"a [{info['kind']}] delivery, not [{KIND}]")
    target = info["target"] or DEFAULT_TARGET
    region = info["region"]
    rows_read: list[tuple[int, str, dt.date, int, Decimal, Decimal]] = []
    days: dict[str, dt.date] = {}
    for i, row in enumerate(rows[header_idx + 1:], start=header_idx + 2):
        if all(not cell.strip() for cell in row):
            continue
        if len(row) <= max(columns.values()):
            raise KantarParseError(name, f"row has {len(row)} cells, the header "
                                         f"{max(columns.values()) + 1}", i)
        channel = row[columns["channel"]].strip()
        if not channel:
            raise KantarParseError(name, "empty value", i, "Cadena")
        date_text = row[columns["date"]]
        day = days.get(date_text) or days.setdefault(date_text, parse_date(date_text, name, i))
        clock = _clock(row[columns["minute"]].strip(), name, i)
        avg = _number(row[columns["avg_audience"]], name, i, "AM(000)", thousands=True)
        share = _number(row[columns["share"]], name, i, "Cuota", thousands=False)
        if avg < 0 or share < 0 or share > 100:
            raise KantarParseError(name, f"figure out of range: {avg} / {share}", i)
        rows_read.append((i, channel, day, clock, avg, share))
    tails = after_midnight_tails({(day, clock) for _, _, day, clock, _, _ in rows_read})
    points = []
    seen: set[tuple[str, str]] = set()
    for i, channel, day, clock, avg, share in rows_read:
        if day in tails:  # the calendar date after midnight: the TV day before it
            day, clock = day - dt.timedelta(days=1), clock + TV_DAY_MINUTES
        minute = _minute(day, clock, name, i)
        key = (channel, minute)
        if key in seen:
            raise KantarParseError(name, f"minute {minute} of {channel} appears twice", i)
        seen.add(key)
        points.append(MinutePoint(day.isoformat(), channel, minute,
                                  int((avg * 1000).to_integral_value()), float(share),
                                  target, region))
    if not points:
        raise KantarParseError(name, "no minute rows after the header (truncated?)")
    return MinuteDelivery(name, sha256_of(data), target, region, points)


_PLAIN_DECIMAL = re.compile(r"^\d{1,6}(,\d{1,3})?$")


def _number(text: str, name: str, row: int, column: str, thousands: bool) -> Decimal:
    # most cells are plain "123,4": skip the general parser's cases (a 100k-row file)
    text = text.strip()
    if _PLAIN_DECIMAL.match(text):
        return Decimal(text.replace(",", "."))
    return parse_number(text, name, row, column, thousands=thousands)


def _clock(text: str, name: str, row: int) -> int:
    """'25:10' -> 1510: minutes after the midnight the row's date starts."""
    match = _MINUTE_RE.match(text)
    if not match or int(match.group(2)) > 59:
        raise KantarParseError(name, f"not a minute: {text!r} (expected hh:mm)", row, "Minuto")
    return int(match.group(1)) * 60 + int(match.group(2))


def after_midnight_tails(clocks: set[tuple[dt.date, int]]) -> set[dt.date]:
    """Dates of a file that only carry the first minutes after midnight (00:00-02:29 written
    as such) of the TV day before them, which the file also carries: a file of TV day D
    whose last rows are dated D+1 as a calendar would (00:00-02:29). Those minutes belong
    to TV day D (DOMAIN.md: the TV day runs 02:30 to 26:29), not to D+1: else every such
    file would carry two TV days, and delivering or archiving it would change the next
    day's files (the sensor would run that day again)."""
    own = {day for day, clock in clocks if clock >= TV_DAY_FIRST_MINUTE}
    return {day for day, _ in clocks
            if day not in own and day - dt.timedelta(days=1) in own}


def _minute(day: dt.date, minutes: int, name: str, row: int) -> str:
    if minutes < TV_DAY_FIRST_MINUTE:
        minutes += TV_DAY_MINUTES  # 00:00-02:29 written as such still belong to this TV day
    if minutes >= TV_DAY_FIRST_MINUTE + TV_DAY_MINUTES:
        raise KantarParseError(name, f"minute {minutes // 60:02d}:{minutes % 60:02d} is past "
                               "the TV day's end (26:29)", row, "Minuto")
    moment = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
    return moment.isoformat()


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def minutes_file_text(points: Sequence[MinutePoint], population: str = "ESPAÑA[+2] TOTAL"
                      ) -> str:
    """The delivery text (before encoding) of `points`, all of one target and region."""
    first = points[0]
    lines = [f"[{KIND}] ({population})[lineal]TSD)", f"Target: {first.target}"]
    if first.region != NATIONAL_REGION:
        lines.append(f"Región: {first.region}")
    lines += [f"Periodo: {dt.date.fromisoformat(first.broadcast_date).strftime('%d/%m/%Y')}", "",
              "\t".join(HEADER)]
    for p in sorted(points, key=lambda p: (p.broadcast_date, p.channel, p.minute)):
        lines.append("\t".join((
            p.channel, dt.date.fromisoformat(p.broadcast_date).strftime("%d/%m/%Y"),
            tv_clock(p.minute, p.broadcast_date), _decimal(p.avg_audience / 1000),
            _decimal(p.share),
        )))
    return "\r\n".join(lines) + "\r\n"


def write_minutes_file(path: Path, points: Sequence[MinutePoint]) -> Path:
    """Windows-1252, CRLF, decimal comma: as Kantar's text exports."""
    path.write_bytes(minutes_file_text(points).encode("cp1252"))
    return path
