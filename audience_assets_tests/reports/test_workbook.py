"""The workbooks, read back with openpyxl: sheets, figures equal to the report (itself
traced to SQL in test_figures), the client's rows highlighted, gaps left blank, and the
native charts counted."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from audience_assets.records import DEFAULT_TARGET, NATIONAL_REGION
from audience_assets.reports.html import render_html
from audience_assets.reports.workbook import SUMMARY, write_workbook

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def books(day_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("wb")
    out = {}
    for name, report in day_data["reports"].items():
        path = write_workbook(report, folder / f"{name}.xlsx")
        out[name] = (path, openpyxl.load_workbook(path))
    return out


def table_rows(sheet, name):
    cells = sheet[sheet.tables[name].ref]
    header = [c.value for c in cells[0]]
    return [dict(zip(header, [c.value for c in row], strict=True)) for row in cells[1:]]


def test_sheets_are_the_summary_then_one_minute_sheet_per_shown_channel(books, day_data):
    market = day_data["reports"]["mercado"]
    assert books["mercado"][1].sheetnames == [SUMMARY, *[f"Min {m.name}" for m in
                                                         market.minutes]]
    assert len(market.minutes) == 10
    assert books["atresmedia"][1].sheetnames == [SUMMARY, "Min Antena 3", "Min laSexta"]


@pytest.mark.parametrize("name", ["mercado", "atresmedia"])
def test_summary_tables_hold_the_reports_figures(books, day_data, name):
    report = day_data["reports"][name]
    sheet = books[name][1][SUMMARY]
    assert sheet["A1"].value.endswith(f"{report.long_date} · {report.profile.client}")
    top = table_rows(sheet, "top_overall")
    assert [(r["Programa"], r["Cadena"], r["Espectadores únicos"], r["Audiencia media"],
             r["Cuota (%)"]) for r in top] == [
        (r.name, r.channel, r.unique_viewers, r.avg_audience, r.share)
        for r in report.top_overall]
    shares = table_rows(sheet, "channel_shares")
    assert [(r["Cadena"], r["Cuota (%)"], r["Minutos"]) for r in shares] == [
        (s.name, s.share, s.minutes) for s in report.channel_shares]
    headline = table_rows(sheet, "headline")
    assert [(r["Grupo o cadena"], r["Cuota (%)"]) for r in headline] == [
        (h.subject, h.share.value) for h in report.headline]
    first = report.headline[0].share.comparisons
    assert headline[0]["Cuota día anterior"] == first[0].value
    assert headline[0]["Cambio cuota día anterior (%)"] == first[0].change
    assert headline[0]["Cuota mismo día semana pasada"] == "sin datos (miércoles 11 de " \
                                                            "noviembre)"
    assert headline[0]["Cambio cuota mismo día semana pasada (%)"] is None  # not 0
    notable = table_rows(sheet, "notable")
    assert [r["Evidencia"] for r in notable] == ["\n".join(n.evidence) for n in report.notable]
    assert not any(r["Evidencia"].startswith("{") for r in notable)


def test_the_clients_rows_are_highlighted(books, day_data):
    sheet = books["atresmedia"][1][SUMMARY]
    colour = day_data["profiles"]["atresmedia"].colours.highlight.lstrip("#").upper()
    ref = sheet.tables["per_channel"].ref
    rows = sheet[ref][1:]
    fills = [row[0].fill.fgColor.rgb[-6:] if row[0].fill.fill_type else "" for row in rows]
    clients = [r.client for r in day_data["reports"]["atresmedia"].per_channel]
    assert [f == colour for f in fills] == clients and any(clients)


def test_minute_sheets_leave_gaps_blank_and_carry_the_competitors(books, day_data):
    report = day_data["reports"]["atresmedia"]
    a3 = report.minutes[0]
    sheet = books["atresmedia"][1]["Min Antena 3"]
    curve = table_rows(sheet, next(iter(sheet.tables)))
    assert len(curve) == 1440
    assert [(r["Minuto"], r["Audiencia media"]) for r in curve] == [
        (clock, am) for clock, am, _ in a3.curve]
    points = {p.minute[11:16]: p.avg_audience for p in day_data["points"]
              if p.channel == "A3" and (p.target, p.region) == (DEFAULT_TARGET,
                                                                NATIONAL_REGION)}
    blank = [r["Minuto"] for r in curve if r["Audiencia media"] is None]
    assert blank and all(points[m] == 0 for m in blank)
    assert [k for k in curve[0] if k.startswith("AM ")] == [f"AM {n}" for n, _ in a3.rivals]


def test_native_charts_are_counted(books):
    for name, (path, wb) in books.items():
        with zipfile.ZipFile(path) as z:
            charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
            xml = [z.read(n).decode() for n in charts]
        assert len(charts) == len(wb.sheetnames), name  # shares + one per minute sheet
        assert sum("<c:barChart>" in x for x in xml) == 1
        assert sum("<c:lineChart>" in x for x in xml) == len(wb.sheetnames) - 1
        assert len(wb[SUMMARY]._charts) == 1
    with zipfile.ZipFile(books["atresmedia"][0]) as z:
        atres_line = z.read("xl/charts/chart2.xml").decode()
    assert atres_line.count("<c:ser>") == 8 + 2  # competitors, the channel, its marks
    # blanks shown as gaps: XlsxWriter writes dispBlanksAs only for "zero" or "span"
    assert "dispBlanksAs" not in atres_line


def test_html_is_self_contained_and_escapes_the_data(day_data):
    import dataclasses

    report = day_data["report"]
    hostile = dataclasses.replace(report.top_overall[0],
                                  name="<script>alert(1)</script>{{7*7}}")
    page = render_html(dataclasses.replace(report, top_overall=[hostile]))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
