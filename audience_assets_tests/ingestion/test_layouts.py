"""The two delivery layouts seen in the field: a region named with its universe appended,
and a workbook whose data sit behind a notes or cover sheet."""

import io

import openpyxl
import pytest

from audience_assets.analysis.config import load_analysis_config
from audience_assets.ingestion.kantar import KantarParseError, parse_bytes
from audience_assets.ingestion.layout import clean_region, read_text_rows
from audience_assets_tests.ingestion.conftest import SAMPLES

REGIONAL = SAMPLES / "programas_2026-11-16_andalucia.tsv"


def regional_with_preamble(first_line: str, region_line: str | None) -> bytes:
    lines = REGIONAL.read_bytes().decode("cp1252").split("\r\n")
    lines[0] = first_line
    lines = [line for line in lines if not line.startswith("Regi")]
    if region_line is not None:
        lines.insert(2, region_line)
    return "\r\n".join(lines).encode("cp1252")


@pytest.mark.parametrize("first_line, region_line", [
    ("[PROGRAMAS] (ANDALUCÍA TOTAL)[lineal]TSD)", None),
    ("[PROGRAMAS] (ANDALUCIA)[lineal]TSD)", "Región: ANDALUCÍA TOTAL"),
    ("[PROGRAMAS] (ANDALUCÍA[+2] TOTAL)[lineal]TSD)", None),
])
def test_a_region_with_its_universe_appended_is_the_region_the_analysis_knows(
        first_line, region_line):
    delivery = parse_bytes(regional_with_preamble(first_line, region_line), "andalucia.tsv")
    config = load_analysis_config()
    assert config.resolve_region(delivery.region) == "Andalucía"
    assert {r.region for r in delivery.records} == {delivery.region}


@pytest.mark.parametrize("label, clean", [
    ("ANDALUCÍA TOTAL", "Andalucía"), ("ESPAÑA[+2] TOTAL", "Total España"),
    ("Total España", "Total España"), ("CATALUÑA", "Cataluña"), ("Madrid", "Madrid"),
])
def test_clean_region(label, clean):
    assert clean_region(label) == clean


def test_names_match_across_case_accents_suffixes_and_configured_aliases():
    config = load_analysis_config()
    assert config.resolve_region("andalucia") == "Andalucía"
    assert config.resolve_region("CATALUNYA TOTAL") == "Cataluña"  # alias in the config
    assert config.resolve_region("ESPAÑA[+2] TOTAL") == "Total España"
    assert config.resolve_target("TOTAL INDIVIDUOS (4+)") == "Total Individuos (4+)"
    assert config.resolve_target("jovenes 13-24") == "Jóvenes 13-24"
    assert config.resolve_region("Galicia") is None
    assert config.unknown_names([("Niños 4-12", "Galicia"), ("Total Individuos (4+)",
                                                            "Andalucía")]) == [
        "region: Galicia", "target: Niños 4-12"]


def workbook(sheets: list[tuple[str, list[list[object]]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_the_programmes_sheet_is_found_behind_a_notes_sheet(engine):
    source = SAMPLES / "programas_2026-11-16_total.tsv"
    rows = [list(r) for r in read_text_rows(source.read_bytes())]
    notes = [["Notas de la entrega"], ["Datos provisionales; Kantar Media"], [],
             ["Fecha", "16/11/2026"]]
    data = workbook([("Notas", notes), ("Portada", [["Audiencias"]]), ("Datos", rows)])
    delivery = parse_bytes(data, "entrega.xlsx", engine=engine)
    expected = parse_bytes(source.read_bytes(), "entrega.tsv")
    assert [(r.title, r.start, r.avg_audience) for r in delivery.records] == [
        (r.title, r.start, r.avg_audience) for r in expected.records]
    assert delivery.region == "Total España"


def test_a_workbook_without_the_header_on_any_sheet_names_the_problem():
    data = workbook([("Notas", [["nada"]]), ("Otra", [["tampoco"]])])
    with pytest.raises(KantarParseError, match="no header row"):
        parse_bytes(data, "entrega.xlsx")
