"""PNG charts of minute curves with their golden minute, peaks and drops marked."""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from audience_assets.analysis.anomalies import BroadcastMinute
from audience_assets.ingestion.minutes import MinutePoint

MARKS = {"golden_minute": ("gold", "*", "minuto de oro"), "peak": ("tab:green", "^", "pico"),
         "drop": ("tab:red", "v", "caída")}


def pyplot() -> tuple[Any, Any]:
    """(matplotlib.pyplot, matplotlib.dates), imported on the first chart: about 1 s of
    every Dagster run's start otherwise (each run process loads the definitions), and
    only the analysis draws."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers; must precede pyplot
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    return plt, mdates


def curve_png(points: Sequence[MinutePoint], marks: Sequence[BroadcastMinute], title: str,
              dpi: int = 80) -> bytes:
    """The broadcast's minute audience (thousands) with `marks` drawn on it."""
    plt, mdates = pyplot()
    times = [mdates.date2num(dt.datetime.fromisoformat(p.minute)) for p in points]
    values = [p.avg_audience / 1000 for p in points]
    fig, ax = plt.subplots(figsize=(7, 2.6), dpi=dpi)
    try:
        ax.plot(times, values, color="tab:blue", linewidth=1.2)
        seen: set[str] = set()
        for mark in marks:
            color, marker, label = MARKS[mark.kind]
            at = mdates.date2num(dt.datetime.fromisoformat(mark.minute))
            ax.scatter([at], [mark.avg_audience / 1000],
                       color=color, marker=marker, s=90, zorder=3, edgecolors="black",
                       label=None if mark.kind in seen else label)
            seen.add(mark.kind)
        ax.set_title(title, fontsize=9)
        ax.set_ylabel("AM (miles)", fontsize=8)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        if seen:
            ax.legend(fontsize=7, loc="lower right")
        return figure_png(fig)
    finally:
        plt.close(fig)


def figure_png(fig: Any) -> bytes:
    """A drawn figure as PNG bytes, laid out tight; the caller closes it."""
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def markdown_image(png: bytes, alt: str) -> str:
    return f"![{alt}](data:image/png;base64,{base64.b64encode(png).decode('ascii')})"
