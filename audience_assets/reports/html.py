"""The daily report as one self-contained HTML page (no Dagster): tables and inline SVG
charts, CSS in the page, no script and no external resource of any kind, so it opens
offline, can be mailed as is and prints to PDF (pdf.py) from the same file.

On a phone (< 700 px) every table turns into one card per row, each cell labelled by
its column, so nothing is cut off; in print, tables, cards and charts are never split
across pages. Rendered by Jinja2 with autoescape.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from .parts import ChannelMinutes, Comparison, DailyReport

TEMPLATES = Path(__file__).resolve().parent / "templates"
WIDTH, HEIGHT, PAD = 900, 280, 44
KIND_LABELS = {"golden_minute": "Minuto de oro", "peak": "Pico", "drop": "Caída"}


def spanish_number(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def pct(value: float | None) -> str:
    return "—" if value is None else f"{spanish_number(value, 1)} %"


def persons(value: float | None) -> str:
    return "—" if value is None else spanish_number(value)


def signed(value: float, decimals: int = 1) -> str:
    value = round(value, decimals) + 0.0  # no "-0,0"
    if value == 0:
        return spanish_number(0.0, decimals)
    return ("+" if value > 0 else "−") + spanish_number(abs(value), decimals)


def change(c: Comparison, unit: str) -> str:
    """'▲ +0,8 p.p. (+6,7 %)' for a share, '▼ −3,1 %' for an audience; the missing
    reference said as such."""
    if c.value is None:
        return "sin datos"
    if c.change is None:
        return "—"
    rel = f"{signed(c.change)} %"
    if unit == "pp" and c.points is not None:
        return f"{c.arrow} {signed(c.points)} p.p. ({rel})"
    return f"{c.arrow} {rel}"


def trend(c: Comparison) -> str:
    """CSS class of a comparison: up, down, flat or none."""
    return {"▲": "up", "▼": "down", "=": "flat"}.get(c.arrow, "none")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    client: bool


@dataclass(frozen=True)
class Curve:
    name: str
    path: str                                     # the client channel's line, broken at gaps
    rivals: list[tuple[str, str]]                 # (name, path)
    marks: list[tuple[float, float, str, str]]    # x, y, kind, tooltip
    gaps: list[tuple[float, float, str]]          # x, width, label
    ticks: list[tuple[float, str]]
    top: int


def share_bars(report: DailyReport) -> list[Bar]:
    shares = report.channel_shares
    if not shares:
        return []
    top = max(s.share for s in shares) or 1.0
    step = (WIDTH - 2 * PAD) / len(shares)
    scale = HEIGHT - 2 * PAD
    return [Bar(PAD + i * step + step * 0.12, HEIGHT - PAD - s.share / top * scale,
                step * 0.76, s.share / top * scale, s.name, pct(s.share), s.client)
            for i, s in enumerate(shares)]


def _path(values: list[int | None], top: int) -> str:
    """An SVG path through the values, lifted at every None (a gap is drawn as a gap)."""
    n = max(1, len(values) - 1)
    out, pen = [], False
    for i, v in enumerate(values):
        if v is None:
            pen = False
            continue
        x = PAD + i * (WIDTH - 2 * PAD) / n
        y = HEIGHT - PAD - v / (top or 1) * (HEIGHT - 2 * PAD)
        out.append(f"{'L' if pen else 'M'}{x:.1f},{y:.1f}")
        pen = True
    return " ".join(out)


def curve(channel: ChannelMinutes) -> Curve:
    values = [am for _, am, _ in channel.curve]
    everything = [v for v in values if v is not None] + [
        v for _, vs in channel.rivals for v in vs if v is not None]
    top = max(everything) if everything else 1
    n = max(1, len(values) - 1)

    def x_of(i: int) -> float:
        return PAD + i * (WIDTH - 2 * PAD) / n

    index = {clock: i for i, (clock, _, _) in enumerate(channel.curve)}
    marks = []
    for m in [channel.golden, *channel.marks] if channel.golden else channel.marks:
        if m.clock in index:
            y = HEIGHT - PAD - m.avg_audience / (top or 1) * (HEIGHT - 2 * PAD)
            marks.append((x_of(index[m.clock]), y, m.kind,
                          f"{KIND_LABELS.get(m.kind, m.kind)} {m.clock} {m.name} "
                          f"{persons(m.avg_audience)}"))
    gaps = [(x_of(index[g.start]), max(2.0, x_of(index[g.end]) - x_of(index[g.start])),
             f"sin datos {g.start}–{g.end}") for g in channel.gaps
            if g.start in index and g.end in index]
    ticks = [(x_of(i), clock) for i, (clock, _, _) in enumerate(channel.curve)
             if clock.endswith(":00") and int(clock[:2]) % 3 == 0]
    return Curve(channel.name, _path(values, top),
                 [(name, _path(vs, top)) for name, vs in channel.rivals], marks, gaps,
                 ticks, top)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    env.filters["persons"] = persons
    env.filters["pct"] = pct
    env.filters["change"] = change
    env.filters["trend"] = trend
    env.filters["f1"] = lambda v: f"{v:.1f}"
    return env


def render_html(report: DailyReport) -> str:
    return _environment().get_template("daily.html").render(
        report=report, profile=report.profile, colours=report.profile.colours,
        sections=report.profile.sections, bars=share_bars(report),
        curves=[curve(c) for c in report.minutes], kinds=KIND_LABELS, width=WIDTH,
        height=HEIGHT, pad=PAD)


def write_html(report: DailyReport, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")
    return path
