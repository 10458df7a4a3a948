"""The daily report as one self-contained HTML page (no Dagster): tables and inline SVG
charts, CSS in the page, no script and no external resource of any kind, so it opens
offline and can be mailed as is. Rendered by Jinja2 with autoescape."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import jinja2

from audience_assets.drafting.validation import format_share, format_viewers

from .daily import ChannelMinutes, DailyReport
from .workbook import KIND_LABELS

TEMPLATES = Path(__file__).resolve().parent / "templates"
WIDTH, HEIGHT, PAD = 900, 260, 40


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str


@dataclass(frozen=True)
class Curve:
    channel: str
    points: str  # SVG polyline points
    marks: list[tuple[float, float, str, str]]  # x, y, kind, tooltip
    ticks: list[tuple[float, str]]
    peak_value: int


def share_bars(report: DailyReport) -> list[Bar]:
    shares = report.channel_shares
    if not shares:
        return []
    top = max(s.share for s in shares) or 1.0
    step = (WIDTH - 2 * PAD) / len(shares)
    return [Bar(PAD + i * step + step * 0.1, HEIGHT - PAD - (s.share / top) * (HEIGHT - 2 * PAD),
                step * 0.8, (s.share / top) * (HEIGHT - 2 * PAD), s.channel,
                format_share(s.share)) for i, s in enumerate(shares)]


def curve(channel: ChannelMinutes) -> Curve:
    values = [am for _, am, _ in channel.curve]
    top = max(values) if values else 1
    n = max(1, len(values) - 1)

    def xy(i: int, am: int) -> tuple[float, float]:
        return (PAD + i * (WIDTH - 2 * PAD) / n,
                HEIGHT - PAD - am / (top or 1) * (HEIGHT - 2 * PAD))

    index = {clock: i for i, (clock, _, _) in enumerate(channel.curve)}
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in enumerate(values)))
    marks = []
    for m in [channel.golden, *channel.marks] if channel.golden else channel.marks:
        if m.clock in index:
            x, y = xy(index[m.clock], m.avg_audience)
            marks.append((x, y, m.kind, f"{KIND_LABELS.get(m.kind, m.kind)} {m.clock} "
                                        f"{m.title} {format_viewers(m.avg_audience)}"))
    ticks = [(xy(i, 0)[0], clock) for i, (clock, _, _) in enumerate(channel.curve)
             if clock.endswith(":00") and int(clock[:2]) % 3 == 0]
    return Curve(channel.channel, points, marks, ticks, top)


def render_html(report: DailyReport) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["viewers"] = lambda v: format_viewers(int(v))
    env.filters["share"] = lambda v: format_share(float(v))
    env.filters["tojson_text"] = lambda v: json.dumps(v, ensure_ascii=False)
    return env.get_template("daily.html").render(
        report=report, bars=share_bars(report), curves=[curve(c) for c in report.minutes],
        kinds=KIND_LABELS, width=WIDTH, height=HEIGHT, pad=PAD)


def write_html(report: DailyReport, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")
    return path
