"""The daily report as an Excel workbook with native charts, written with XlsxWriter
(no Dagster). XlsxWriter writes real Excel charts and tables, which the client can
restyle; openpyxl's chart support is thinner and pandas' writer makes none.

Sheets: "Resumen" (the day's notices, then named tables in the profile's section order:
headline (each figure against the day before, the same weekday last week and the
period's mean), top_overall (+ excluded), per_channel, per_target_region, group_shares,
channel_shares with a column chart (the client's bars in its colour), notable), then one
"Min <channel>" sheet per client channel (every channel for a market profile) with its
minute curve, the competitors' curves, golden minute, peaks, drops and data gaps, and a
line chart that draws gaps as gaps (blank cells), never as a fall to zero.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from .html import KIND_LABELS
from .parts import BroadcastRow, Comparison, DailyReport

SUMMARY = "Resumen"
BROADCAST_COLUMNS = ("Programa", "Cadena", "Inicio", "Género", "Espectadores únicos",
                     "Audiencia media", "Cuota (%)")
COUNT_COLUMNS = ("Espectadores únicos", "Audiencia media", "Audiencia media día")
RIVAL_GREY = "#b9bfcc"


def minute_sheet_name(channel: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", f"Min {channel}")[:31]
    name, n = base, 2
    while name.lower() in taken:
        name = f"{base[:28]}-{n}"
        n += 1
    taken.add(name.lower())
    return name


def _broadcast_values(row: BroadcastRow, with_group: bool) -> list[Any]:
    values: list[Any] = [row.name, row.channel, row.start, row.genre.capitalize(),
                         row.unique_viewers, row.avg_audience, row.share]
    return [row.target, row.region, *values] if with_group else values


def _comparison_values(c: Comparison) -> list[Any]:
    """The reference value and the change in %, blank (not 0) when there is no reference."""
    return [c.value if c.value is not None else f"sin datos ({c.reference})",
            c.change if c.change is not None else None]


class _Writer:
    def __init__(self, path: Path, report: DailyReport) -> None:
        # Strings from the data are never formulas or links (a title "=..." stays text).
        self.book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                                    "strings_to_urls": False})
        colours = report.profile.colours
        self.colours = colours
        self.title = self.book.add_format({"bold": True, "font_size": 14,
                                           "font_color": colours.primary})
        self.heading = self.book.add_format({"bold": True, "font_size": 12,
                                             "font_color": colours.primary})
        self.note = self.book.add_format({"italic": True, "font_color": "#555555"})
        self.warning = self.book.add_format({"font_color": "#b3261e"})
        self.thousands = self.book.add_format({"num_format": "#,##0"})
        self.share = self.book.add_format({"num_format": "0.0"})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.formats = {None: None, "thousands": self.thousands, "share": self.share}

    def highlighted(self, kind: str | None) -> Any:
        props: dict[str, Any] = {"bg_color": self.colours.highlight, "bold": True}
        if kind == "thousands":
            props["num_format"] = "#,##0"
        elif kind == "share":
            props["num_format"] = "0.0"
        return self.book.add_format(props)

    def table(self, sheet: Worksheet, row: int, name: str, heading: str,
              columns: Sequence[str], rows: Sequence[Sequence[Any]],
              highlight: Sequence[bool] = ()) -> int:
        """A named Excel table under a heading, the client's rows highlighted; returns the
        next free row."""
        sheet.write_string(row, 0, heading, self.heading)
        first = row + 1
        kinds = ["thousands" if c in COUNT_COLUMNS or c.startswith("Audiencia ") else "share"
                 if c.startswith(("Cuota", "Cambio")) else None for c in columns]
        data = [list(r) for r in rows] or [[""] * len(columns)]
        sheet.add_table(first, 0, first + len(data), len(columns) - 1, {
            "name": name, "data": data, "style": "Table Style Light 9",
            "columns": [{"header": c, "format": self.formats[k]}
                        for c, k in zip(columns, kinds, strict=True)]})
        for i, (values, lit) in enumerate(zip(data, highlight, strict=False)):
            if lit:
                for col, (value, kind) in enumerate(zip(values, kinds, strict=True)):
                    sheet.write(first + 1 + i, col, value, self.highlighted(kind))
        return first + len(data) + 2


def write_workbook(report: DailyReport, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    w = _Writer(path, report)
    profile = report.profile
    summary = w.book.add_worksheet(SUMMARY)
    summary.write_string(0, 0, f"{profile.title} · {report.long_date} · {profile.client}",
                         w.title)
    summary.write_string(1, 0, report.counts_line(), w.note)
    summary.set_column(0, 0, 40)
    summary.set_column(1, 3, 16)
    summary.set_column(4, 12, 18)
    row = 3
    for notice in report.notices:
        summary.write_string(row, 0, notice, w.warning)
        row += 1
    row += 1
    for section in profile.sections:
        if section == "headline" and report.headline:
            labels = [c.label for c in report.headline[0].share.comparisons]
            columns = ["Grupo o cadena", "Cuota (%)"]
            for label in labels:
                columns += [f"Cuota {label.lower()}", f"Cambio cuota {label.lower()} (%)"]
            columns.append("Audiencia media día")
            for label in labels:
                columns += [f"Audiencia {label.lower()}",
                            f"Cambio audiencia {label.lower()} (%)"]
            rows = []
            for h in report.headline:
                values: list[Any] = [h.subject, h.share.value]
                for c in h.share.comparisons:
                    values += _comparison_values(c)
                values.append(h.avg_audience.value)
                for c in h.avg_audience.comparisons:
                    values += _comparison_values(c)
                rows.append(values)
            row = w.table(summary, row, "headline", "Cifras del día y comparación", columns,
                          rows, [h.client for h in report.headline])
        elif section == "top":
            row = w.table(summary, row, "top_overall",
                          f"Lo más visto del día ({report.universe}; {report.ranked} "
                          f"emisiones comparadas)", BROADCAST_COLUMNS,
                          [_broadcast_values(r, False) for r in report.top_overall],
                          [r.client for r in report.top_overall])
            if report.excluded:
                row = w.table(summary, row, "excluded", "Fuera de los rankings",
                              ("Título", "Cadena", "Motivo", "Franjas"),
                              [(e.name, e.channel, e.why, e.broadcasts)
                               for e in report.excluded])
        elif section == "per_channel":
            row = w.table(summary, row, "per_channel", "Lo más visto de cada cadena",
                          BROADCAST_COLUMNS,
                          [_broadcast_values(r, False) for r in report.per_channel],
                          [r.client for r in report.per_channel])
        elif section == "per_target_region":
            row = w.table(summary, row, "per_target_region",
                          "Lo más visto por público y región",
                          ("Público", "Región", *BROADCAST_COLUMNS),
                          [_broadcast_values(r, True) for r in report.per_target_region],
                          [r.client for r in report.per_target_region])
        elif section == "shares":
            row = _shares(w, summary, row, report)
        elif section == "notable":
            row = w.table(summary, row, "notable", "Hechos destacados",
                          ("Programa", "Cadena", "Evento", "Público", "Región",
                           "Espectadores únicos", "Audiencia media", "Cuota (%)",
                           "Evidencia"),
                          [(s.name, s.channel, s.event, s.target, s.region, s.unique_viewers,
                            s.avg_audience, s.share, "\n".join(s.evidence))
                           for s in report.notable],
                          [s.client for s in report.notable])
    if "minutes" in profile.sections:
        _minute_sheets(w, report)
    w.book.close()
    return path


def _shares(w: _Writer, summary: Worksheet, row: int, report: DailyReport) -> int:
    if report.groups:
        row = w.table(summary, row, "group_shares",
                      "Cuota por grupo (suma de las cuotas de sus cadenas)",
                      ("Grupo", "Cuota (%)", "Cadenas con datos"),
                      [(g.name, g.share, len(g.channels)) for g in report.groups],
                      [g.client for g in report.groups])
    share_row = row
    row = w.table(summary, row, "channel_shares",
                  f"Cuota por cadena (media de sus emisiones ponderada por minutos; "
                  f"{report.universe})",
                  ("Cadena", "Cuota (%)", "Audiencia media día", "Minutos"),
                  [(s.name, s.share, s.avg_audience, s.minutes) for s in report.channel_shares],
                  [s.client for s in report.channel_shares])
    if report.channel_shares:
        chart = w.book.add_chart({"type": "column"})
        last = share_row + 1 + len(report.channel_shares)
        chart.add_series({
            "name": "Cuota (%)",
            "categories": [SUMMARY, share_row + 2, 0, last, 0],
            "values": [SUMMARY, share_row + 2, 1, last, 1],
            "data_labels": {"value": True, "num_format": "0.0"},
            "points": [{"fill": {"color": w.colours.accent if s.client else "#9aa7c7"}}
                       for s in report.channel_shares],
        })
        chart.set_title({"name": "Cuota por cadena"})
        chart.set_legend({"none": True})
        chart.set_y_axis({"name": "%"})
        summary.insert_chart(share_row, 5, chart, {"x_scale": 1.3, "y_scale": 1.1})
        row = max(row, share_row + 18)
    return row


def _minute_sheets(w: _Writer, report: DailyReport) -> None:
    taken = {SUMMARY.lower()}
    for index, channel in enumerate(report.minutes, start=1):
        sheet = w.book.add_worksheet(minute_sheet_name(channel.name, taken))
        sheet.write_string(0, 0, f"{channel.name} · minuto a minuto · {report.long_date}",
                           w.title)
        sheet.set_column(0, 3, 14)
        sheet.set_column(4, 4 + len(channel.rivals), 12)
        marks = [channel.golden, *channel.marks] if channel.golden else channel.marks
        marked = {m.clock for m in marks}
        # the marks' column repeats the audience at marked minutes only: a marker series;
        # minutes inside a gap stay blank so the chart draws a gap, not a fall to 0
        rivals = [values for _, values in channel.rivals]
        curve = [(clock, am, share, am if clock in marked else None,
                  *[values[i] for values in rivals])
                 for i, (clock, am, share) in enumerate(channel.curve)]
        columns = ("Minuto", "Audiencia media", "Cuota (%)", "Marcas",
                   *[f"AM {name}" for name, _ in channel.rivals])
        w.table(sheet, 2, f"minutes_{index}", "Curva (en blanco: hueco de datos)", columns,
                curve)
        side = 6 + len(channel.rivals)
        sheet.set_column(side, side + 5, 16)
        sheet.write_string(2, side, "Minuto de oro, picos, caídas y huecos", w.heading)
        headers = ("Tipo", "Minuto", "Programa", "Audiencia media", "Cuota (%)",
                   "Variación")
        for col, header in enumerate(headers):
            sheet.write_string(3, side + col, header, w.heading)
        line = 4
        for m in marks:
            sheet.write_string(line, side, KIND_LABELS.get(m.kind, m.kind))
            sheet.write_string(line, side + 1, m.clock)
            sheet.write_string(line, side + 2, m.name)
            sheet.write_number(line, side + 3, m.avg_audience, w.thousands)
            sheet.write_number(line, side + 4, m.share, w.share)
            sheet.write_number(line, side + 5, m.relative)
            line += 1
        for g in channel.gaps:
            sheet.write_string(line, side, "Hueco de datos", w.warning)
            sheet.write_string(line, side + 1, f"{g.start}-{g.end}")
            sheet.write_string(line, side + 2, f"{g.minutes} minutos "
                               f"{'sin datos' if g.missing else 'a cero en el fichero'}")
            line += 1
        if channel.dropped_drops:
            sheet.write_string(line, side, f"{channel.dropped_drops} caídas junto a un hueco "
                               "no se cuentan como caídas", w.note)
            line += 1
        if curve:
            name = sheet.get_name()
            last = 3 + len(curve)
            chart = w.book.add_chart({"type": "line"})
            for col, (rival, _) in enumerate(channel.rivals, start=4):
                chart.add_series({"name": rival, "categories": [name, 4, 0, last, 0],
                                  "values": [name, 4, col, last, col],
                                  "line": {"width": 0.5, "color": RIVAL_GREY}})
            chart.add_series({"name": channel.name, "categories": [name, 4, 0, last, 0],
                              "values": [name, 4, 1, last, 1],
                              "line": {"width": 1.5, "color": w.colours.primary}})
            chart.add_series({"name": "Minuto de oro, picos y caídas",
                              "categories": [name, 4, 0, last, 0],
                              "values": [name, 4, 3, last, 3],
                              "line": {"none": True},
                              "marker": {"type": "circle", "size": 6}})
            chart.show_blanks_as("gap")
            chart.set_title({"name": f"{channel.name}: audiencia media por minuto"})
            chart.set_legend({"position": "bottom"})
            chart.set_x_axis({"interval_unit": 60, "num_font": {"rotation": -45}})
            sheet.insert_chart(line + 2, side, chart, {"x_scale": 2.0, "y_scale": 1.4})
