"""The workbook, read back with openpyxl: its sheets, figures equal to the records, the
native charts; and the HTML page, rendered in Chromium without any outside request."""

from __future__ import annotations

import zipfile
from collections import defaultdict

import openpyxl
import pytest

from audience_assets.ingestion.minutes import tv_clock
from audience_assets.records import DEFAULT_TARGET, NATIONAL_REGION
from audience_assets.reports.html import render_html
from audience_assets.reports.workbook import SUMMARY, write_workbook
from audience_assets_tests.review.helpers import DAY


@pytest.fixture(scope="module")
def book(day_data, tmp_path_factory):
    path = write_workbook(day_data["report"], tmp_path_factory.mktemp("wb") / "r.xlsx")
    return path, openpyxl.load_workbook(path)


def table_rows(sheet, name):
    ref = sheet.tables[name].ref
    cells = sheet[ref]
    header = [c.value for c in cells[0]]
    return [dict(zip(header, [c.value for c in row], strict=True)) for row in cells[1:]]


def national(records):
    return [r for r in records if (r.target, r.region) == (DEFAULT_TARGET, NATIONAL_REGION)]


def test_sheets_are_the_summary_then_one_minute_sheet_per_channel(book, day_data):
    _, wb = book
    channels = sorted({p.channel for p in day_data["points"]})
    assert wb.sheetnames == [SUMMARY, *[f"Min {c}" for c in channels]]


def test_top_table_equals_the_records_ranked_by_unique_viewers(book, day_data):
    rows = table_rows(book[1][SUMMARY], "top_overall")
    expected = sorted(national(day_data["records"]), key=lambda r: -r.unique_viewers)[:10]
    assert [(r["Programa"], r["Cadena"], r["Espectadores únicos"], r["Audiencia media"],
             r["Cuota (%)"]) for r in rows] == [
        (r.title, r.channel, r.unique_viewers, r.avg_audience, r.share) for r in expected]


def test_per_channel_and_per_group_leaders_equal_the_records(book, day_data):
    sheet = book[1][SUMMARY]
    best = defaultdict(int)
    for r in national(day_data["records"]):
        best[r.channel] = max(best[r.channel], r.unique_viewers)
    per_channel = table_rows(sheet, "per_channel")
    assert {r["Cadena"]: r["Espectadores únicos"] for r in per_channel} == dict(best)
    group_best = defaultdict(int)
    for r in day_data["records"]:
        group_best[(r.target, r.region)] = max(group_best[(r.target, r.region)],
                                               r.unique_viewers)
    rows = table_rows(sheet, "per_target_region")
    assert {(r["Público"], r["Región"]): r["Espectadores únicos"] for r in rows} == dict(
        group_best)


def test_notable_items_carry_event_and_evidence(book, day_data):
    rows = table_rows(book[1][SUMMARY], "notable")
    with_event = [s for s in day_data["sheets"] if s.event]
    assert [(r["Programa"], r["Evento"], r["Espectadores únicos"]) for r in rows] == [
        (s.title, s.event, s.unique_viewers) for s in with_event]
    assert all(r["Evidencia"] and r["Evidencia"] != "{}" for r in rows)


def test_minute_sheets_hold_the_curve_and_its_golden_minute(book, day_data):
    wb = book[1]
    points = [p for p in day_data["points"] if (p.target, p.region) == (
        DEFAULT_TARGET, NATIONAL_REGION)]
    for channel in sorted({p.channel for p in points})[:3]:
        series = sorted((p for p in points if p.channel == channel), key=lambda p: p.minute)
        sheet = wb[f"Min {channel}"]
        name = next(iter(sheet.tables))
        curve = table_rows(sheet, name)
        assert [(r["Minuto"], r["Audiencia media"]) for r in curve] == [
            (tv_clock(p.minute, DAY), p.avg_audience) for p in series]
        assert sheet["F5"].value == "Minuto de oro"
        assert sheet["I5"].value == max(p.avg_audience for p in series)
        marked = [r for r in curve if r["Marcas"] is not None]
        assert marked and all(r["Marcas"] == r["Audiencia media"] for r in marked)


def test_native_charts_exist(book):
    path, wb = book
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        first = z.read("xl/charts/chart1.xml").decode()
        second = z.read("xl/charts/chart2.xml").decode()
    assert len(charts) == len(wb.sheetnames)  # shares chart + one line chart per channel
    assert "<c:barChart>" in first and "<c:lineChart>" in second
    assert len(wb[SUMMARY]._charts) == 1


def test_html_is_self_contained_and_escapes_the_data(day_data):
    import dataclasses

    report = day_data["report"]
    hostile = dataclasses.replace(report.top_overall[0], title="<script>alert(1)</script>{{7*7}}")
    page = render_html(dataclasses.replace(report, top_overall=[hostile]))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
