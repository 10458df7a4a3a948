"""The daily report as an Excel workbook with native charts, written with XlsxWriter
(no Dagster). XlsxWriter writes real Excel charts and tables, which the client can
restyle; openpyxl's chart support is thinner and pandas' writer makes none.

Sheets: "Resumen" (named tables top_overall, per_channel, per_target_region,
channel_shares, notable, and a column chart of shares per channel), then one
"Min <channel>" sheet per channel with the minute curve, its golden minute, peaks
and drops, and a line chart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from .daily import BroadcastRow, DailyReport

SUMMARY = "Resumen"
BROADCAST_COLUMNS = ("Programa", "Cadena", "Inicio", "Género", "Espectadores únicos",
                     "Audiencia media", "Cuota (%)")
KIND_LABELS = {"golden_minute": "Minuto de oro", "peak": "Pico", "drop": "Caída"}


def minute_sheet_name(channel: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", f"Min {channel}")[:31]
    name, n = base, 2
    while name.lower() in taken:
        name = f"{base[:28]}-{n}"
        n += 1
    taken.add(name.lower())
    return name


def _broadcast_values(row: BroadcastRow, with_group: bool) -> list[Any]:
    values: list[Any] = [row.title, row.channel, row.start, row.genre, row.unique_viewers,
                         row.avg_audience, row.share]
    return [row.target, row.region, *values] if with_group else values


class _Writer:
    def __init__(self, path: Path) -> None:
        # Strings from the data are never formulas or links (a title "=..." stays text).
        self.book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                                    "strings_to_urls": False})
        self.title = self.book.add_format({"bold": True, "font_size": 14})
        self.heading = self.book.add_format({"bold": True, "font_size": 12})
        self.thousands = self.book.add_format({"num_format": "#,##0"})
        self.share = self.book.add_format({"num_format": "0.0"})

    def table(self, sheet: Worksheet, row: int, name: str, heading: str,
              columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
        """A named Excel table under a heading; returns the next free row."""
        sheet.write_string(row, 0, heading, self.heading)
        first = row + 1
        formats = [self.thousands if c in ("Espectadores únicos", "Audiencia media")
                   else self.share if c.startswith("Cuota") else None for c in columns]
        data = [list(r) for r in rows] or [[""] * len(columns)]
        sheet.add_table(first, 0, first + len(data), len(columns) - 1, {
            "name": name, "data": data, "style": "Table Style Light 9",
            "columns": [{"header": c, "format": f} for c, f in zip(columns, formats,
                                                                    strict=True)]})
        return first + len(data) + 2


def write_workbook(report: DailyReport, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    w = _Writer(path)
    summary = w.book.add_worksheet(SUMMARY)
    summary.write_string(0, 0, f"Informe diario de audiencias · {report.date}", w.title)
    summary.set_column(0, 0, 42)
    summary.set_column(1, 3, 16)
    summary.set_column(4, 8, 18)
    row = 2
    row = w.table(summary, row, "top_overall",
                  "Lo más visto del día (Total Individuos 4+, Total España)",
                  BROADCAST_COLUMNS, [_broadcast_values(r, False) for r in report.top_overall])
    row = w.table(summary, row, "per_channel", "Lo más visto por cadena", BROADCAST_COLUMNS,
                  [_broadcast_values(r, False) for r in report.per_channel])
    row = w.table(summary, row, "per_target_region", "Lo más visto por público y región",
                  ("Público", "Región", *BROADCAST_COLUMNS),
                  [_broadcast_values(r, True) for r in report.per_target_region])
    share_row = row
    row = w.table(summary, row, "channel_shares",
                  "Cuota por cadena (media de sus emisiones ponderada por minutos)",
                  ("Cadena", "Cuota (%)", "Minutos"),
                  [(s.channel, s.share, s.minutes) for s in report.channel_shares])
    if report.channel_shares:
        chart = w.book.add_chart({"type": "column"})
        last = share_row + 1 + len(report.channel_shares)
        chart.add_series({
            "name": "Cuota (%)",
            "categories": [SUMMARY, share_row + 2, 0, last, 0],
            "values": [SUMMARY, share_row + 2, 1, last, 1],
            "data_labels": {"value": True, "num_format": "0.0"},
        })
        chart.set_title({"name": "Cuota por cadena"})
        chart.set_legend({"none": True})
        chart.set_y_axis({"name": "%"})
        summary.insert_chart(share_row, 4, chart, {"x_scale": 1.3, "y_scale": 1.1})
        row = max(row, share_row + 18)
    w.table(summary, row, "notable", "Hechos destacados",
            ("Programa", "Cadena", "Evento", "Público", "Región", "Espectadores únicos",
             "Audiencia media", "Cuota (%)", "Evidencia"),
            [(s.title, s.channel, s.event, s.target, s.region, s.unique_viewers,
              s.avg_audience, s.share, json.dumps(s.evidence, ensure_ascii=False))
             for s in report.notable])
    taken = {SUMMARY.lower()}
    for index, channel in enumerate(report.minutes, start=1):
        sheet = w.book.add_worksheet(minute_sheet_name(channel.channel, taken))
        sheet.write_string(0, 0, f"{channel.channel} · minuto a minuto · {report.date}",
                           w.title)
        sheet.set_column(0, 3, 14)
        sheet.set_column(5, 10, 16)
        marks = [channel.golden, *channel.marks] if channel.golden else channel.marks
        marked = {m.clock for m in marks}
        # the marks' column repeats the audience at marked minutes only: a marker series
        curve = [(clock, am, share, am if clock in marked else None)
                 for clock, am, share in channel.curve]
        w.table(sheet, 2, f"minutes_{index}", "Curva",
                ("Minuto", "Audiencia media", "Cuota (%)", "Marcas"), curve)
        mark_start = 2
        sheet.write_string(mark_start, 5, "Minuto de oro, picos y caídas", w.heading)
        headers = ("Tipo", "Minuto", "Programa", "Audiencia media", "Cuota (%)",
                   "Variación")
        for col, header in enumerate(headers):
            sheet.write_string(mark_start + 1, 5 + col, header, w.heading)
        for i, m in enumerate(marks, start=mark_start + 2):
            sheet.write_string(i, 5, KIND_LABELS.get(m.kind, m.kind))
            sheet.write_string(i, 6, m.clock)
            sheet.write_string(i, 7, m.title)
            sheet.write_number(i, 8, m.avg_audience, w.thousands)
            sheet.write_number(i, 9, m.share, w.share)
            sheet.write_number(i, 10, m.relative)
        if curve:
            chart = w.book.add_chart({"type": "line"})
            name = sheet.get_name()
            chart.add_series({"name": "Audiencia media",
                              "categories": [name, 4, 0, 3 + len(curve), 0],
                              "values": [name, 4, 1, 3 + len(curve), 1],
                              "line": {"width": 1.25}})
            chart.add_series({"name": "Minuto de oro, picos y caídas",
                              "categories": [name, 4, 0, 3 + len(curve), 0],
                              "values": [name, 4, 3, 3 + len(curve), 3],
                              "line": {"none": True},
                              "marker": {"type": "circle", "size": 6}})
            chart.show_blanks_as("gap")
            chart.set_title({"name": f"{channel.channel}: audiencia media por minuto"})
            chart.set_legend({"position": "bottom"})
            chart.set_x_axis({"interval_unit": 60, "num_font": {"rotation": -45}})
            sheet.insert_chart(mark_start + 4 + len(marks), 5, chart,
                               {"x_scale": 2.0, "y_scale": 1.3})
    w.book.close()
    return path
