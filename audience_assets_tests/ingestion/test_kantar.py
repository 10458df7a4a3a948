import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from audience_assets.ingestion.kantar import KantarParseError, parse_bytes, parse_file
from audience_assets.records import DEFAULT_TARGET, NATIONAL_REGION

HEADER = (
    "Título\tDescripción\tCadena\tFecha\tDía semana\tHora de Inicio\tHora de Fin\tGénero"
    "\tCuota\tAM(000)\tMAA(000)\tACaPL\tFdM"
)
RULETA = (
    "LA RULETA DE LA SUERTE\t\tA3\t15/01/2024\tlunes\t12:45:00\t14:00:00\tCONCURSOS"
    "\t15,7\t1.206\t2.620\t55,1\t46,0"
)
LATE = (
    "LA NAVE DEL MISTERIO\tLos enigmas\tCUATRO\t15/01/2024\tlunes\t22:45:00\t25:40:00"
    "\tDIVULGACION\t7,4\t794\t4.624\t40,0\t17,2"
)


def tsv(*lines: str, encoding: str = "cp1252", newline: str = "\r\n") -> bytes:
    return newline.join(lines).encode(encoding)


PREAMBLE = ("[PROGRAMAS] (ESPAÑA[+2] TOTAL)[lineal]TSD)", "Target: Total Individuos (4+)", "")


def test_exact_values_of_a_windows_1252_crlf_file():
    delivery = parse_bytes(tsv(*PREAMBLE, HEADER, RULETA, LATE), "a.tsv")
    assert delivery.kind == "PROGRAMAS"
    assert delivery.target == "Total Individuos (4+)"
    assert delivery.region == NATIONAL_REGION
    assert delivery.header_row == 4
    ruleta, nave = delivery.records
    assert ruleta.title == "LA RULETA DE LA SUERTE"
    assert ruleta.description == ""
    assert ruleta.channel == "A3"
    assert ruleta.broadcast_date == "2024-01-15"
    assert ruleta.start == "2024-01-15T12:45:00"
    assert ruleta.end == "2024-01-15T14:00:00"
    assert ruleta.share == 15.7
    assert ruleta.avg_audience == 1_206_000
    assert ruleta.unique_viewers == 2_620_000
    assert ruleta.extra == {"ACaPL": "55,1", "FdM": "46,0"}
    assert nave.description == "Los enigmas"
    # 25:40 is 01:40 of the next calendar day, same broadcast date
    assert nave.end == "2024-01-16T01:40:00"
    assert nave.broadcast_date == "2024-01-15"
    assert ruleta.source_sha256 == delivery.sha256


def test_utf8_lf_file_with_bom_reads_the_same():
    cp = parse_bytes(tsv(*PREAMBLE, HEADER, RULETA), "a.tsv").records
    utf = parse_bytes(
        b"\xef\xbb\xbf" + tsv(*PREAMBLE, HEADER, RULETA, encoding="utf-8", newline="\n"), "b.tsv"
    ).records
    assert [r.to_dict() | {"source_file": "", "source_sha256": ""} for r in cp] == [
        r.to_dict() | {"source_file": "", "source_sha256": ""} for r in utf
    ]
    assert utf[0].title == "LA RULETA DE LA SUERTE"


def test_accents_survive_windows_1252():
    line = RULETA.replace("LA RULETA DE LA SUERTE", "SUEÑOS DE LIBERTAD").replace(
        "CONCURSOS", "FICCIÓN"
    )
    record = parse_bytes(tsv(*PREAMBLE, HEADER, line), "a.tsv").records[0]
    assert record.title == "SUEÑOS DE LIBERTAD"
    assert record.genre == "FICCIÓN"


def test_early_clock_time_belongs_to_the_same_tv_day():
    line = RULETA.replace("12:45:00\t14:00:00", "00:30:00\t02:10:00")
    record = parse_bytes(tsv(*PREAMBLE, HEADER, line), "a.tsv").records[0]
    assert record.broadcast_date == "2024-01-15"
    assert record.start == "2024-01-16T00:30:00"
    assert record.end == "2024-01-16T02:10:00"


def test_end_before_start_rolls_over_midnight():
    line = RULETA.replace("12:45:00\t14:00:00", "23:50:00\t02:30:00")
    record = parse_bytes(tsv(*PREAMBLE, HEADER, line), "a.tsv").records[0]
    assert record.end == "2024-01-16T02:30:00"


def test_preamble_variants_region_and_extra_rows():
    preamble = (
        "Informe generado 16/01/2024",
        "[PROGRAMAS] (ANDALUCÍA)[lineal]TSD)",
        "Target: Jóvenes 13-24",
        "",
        "",
    )
    delivery = parse_bytes(tsv(*preamble, HEADER, RULETA), "a.tsv")
    assert delivery.region == "Andalucía"
    assert delivery.target == "Jóvenes 13-24"
    assert delivery.records[0].region == "Andalucía"
    assert delivery.header_row == 6


def test_no_target_row_defaults_to_total_population():
    delivery = parse_bytes(tsv(PREAMBLE[0], HEADER, RULETA), "a.tsv")
    assert delivery.target == DEFAULT_TARGET


def test_decimal_comma_thousands_and_decimal_thousands():
    line = RULETA.replace("\t1.206\t2.620\t", "\t1.206,4\t2620\t")
    record = parse_bytes(tsv(*PREAMBLE, HEADER, line), "a.tsv").records[0]
    assert record.avg_audience == 1_206_400
    assert record.unique_viewers == 2_620_000
    small = RULETA.replace("\t15,7\t1.206\t2.620\t", "\t0,3\t4,8\t12\t")
    record = parse_bytes(tsv(*PREAMBLE, HEADER, small), "a.tsv").records[0]
    assert (record.share, record.avg_audience, record.unique_viewers) == (0.3, 4_800, 12_000)


def test_blank_rows_footer_and_extra_columns():
    header = HEADER + "\tNueva columna"
    line = RULETA + "\tx1"
    data = tsv(*PREAMBLE, header, "", line, "\t\t\t", LATE + "\t", "", "Fuente: Kantar Media")
    delivery = parse_bytes(data, "a.tsv")
    assert len(delivery.records) == 2
    assert delivery.records[0].extra["Nueva columna"] == "x1"


def test_columns_found_by_name_in_any_order():
    cols = HEADER.split("\t")
    vals = RULETA.split("\t")
    order = list(reversed(range(len(cols))))
    data = tsv(*PREAMBLE, "\t".join(cols[i] for i in order), "\t".join(vals[i] for i in order))
    record = parse_bytes(data, "a.tsv").records[0]
    assert (record.channel, record.unique_viewers, record.share) == ("A3", 2_620_000, 15.7)


def test_missing_column_names_the_column():
    header = HEADER.replace("\tMAA(000)", "")
    line = RULETA.replace("\t2.620", "")
    with pytest.raises(KantarParseError) as err:
        parse_bytes(tsv(*PREAMBLE, header, line), "a.tsv")
    assert err.value.column == "MAA(000)"
    assert err.value.row == 4
    assert "a.tsv" in str(err.value) and "MAA(000)" in str(err.value)


def test_bad_values_name_row_and_column():
    bad_share = RULETA.replace("15,7", "quince")
    with pytest.raises(KantarParseError) as err:
        parse_bytes(tsv(*PREAMBLE, HEADER, RULETA, bad_share), "a.tsv")
    assert (err.value.row, err.value.column) == (6, "Cuota")
    with pytest.raises(KantarParseError) as err:
        parse_bytes(tsv(*PREAMBLE, HEADER, RULETA.replace("15/01/2024", "31/02/2024")), "a.tsv")
    assert err.value.column == "Fecha"
    with pytest.raises(KantarParseError) as err:
        parse_bytes(tsv(*PREAMBLE, HEADER, RULETA.replace("12:45:00", "12:75:00")), "a.tsv")
    assert err.value.column == "Hora de Inicio"


def test_truncated_text_line_is_an_error_not_a_silent_loss():
    cut = RULETA[:40]  # ends inside the row, before the figures
    with pytest.raises(KantarParseError) as err:
        parse_bytes(tsv(*PREAMBLE, HEADER, RULETA, cut), "a.tsv")
    assert err.value.row == 6


def test_empty_and_headerless_files():
    with pytest.raises(KantarParseError, match="empty"):
        parse_bytes(b"", "a.tsv")
    with pytest.raises(KantarParseError, match="empty"):
        parse_bytes(b"\r\n  \r\n", "a.tsv")
    with pytest.raises(KantarParseError, match="no header"):
        parse_bytes(tsv(*PREAMBLE), "a.tsv")
    with pytest.raises(KantarParseError, match="no broadcast rows"):
        parse_bytes(tsv(*PREAMBLE, HEADER), "a.tsv")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


XLSX_ROWS: list[list[object]] = [
    ["[PROGRAMAS] (ESPAÑA[+2] TOTAL)[lineal]TSD)"],
    ["Target: Total Individuos (4+)"],
    [],
    [*HEADER.split("\t")],
    [
        "LA RULETA DE LA SUERTE",
        None,
        "A3",
        dt.datetime(2024, 1, 15),
        "lunes",
        "12:45:00",
        "14:00:00",
        "CONCURSOS",
        15.7,
        1206,
        2620,
        55.1,
        46.0,
    ],
    [
        "LA NAVE DEL MISTERIO",
        "Los enigmas",
        "CUATRO",
        "15/01/2024",
        "lunes",
        dt.time(22, 45),
        "25:40:00",
        "DIVULGACION",
        7.4,
        794.0,
        4624.0,
        40.0,
        17.2,
    ],
]


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_xlsx_gives_the_same_records_as_text(engine):
    from_xlsx = parse_bytes(xlsx_bytes(XLSX_ROWS), "a.xlsx", engine=engine)
    from_tsv = parse_bytes(tsv(*PREAMBLE, HEADER, RULETA, LATE), "a.tsv")
    assert from_xlsx.format == "xlsx"
    keys = (
        "broadcast_date",
        "channel",
        "title",
        "description",
        "start",
        "end",
        "share",
        "avg_audience",
        "unique_viewers",
        "target",
        "region",
    )
    assert [[getattr(r, k) for k in keys] for r in from_xlsx.records] == [
        [getattr(r, k) for k in keys] for r in from_tsv.records
    ]


def test_excel_serial_date():
    rows = [r[:] for r in XLSX_ROWS]
    rows[4][3] = 45306  # 2024-01-15 as an Excel serial number
    record = parse_bytes(xlsx_bytes(rows), "a.xlsx").records[0]
    assert record.broadcast_date == "2024-01-15"


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_truncated_xlsx_is_a_parse_error(engine):
    data = xlsx_bytes(XLSX_ROWS)
    with pytest.raises(KantarParseError, match="xlsx"):
        parse_bytes(data[: len(data) // 2], "a.xlsx", engine=engine)


def test_parse_file_reads_from_disk_and_names_the_file(tmp_path: Path):
    path = tmp_path / "entrega.tsv"
    path.write_bytes(tsv(*PREAMBLE, HEADER, RULETA))
    delivery = parse_file(path)
    assert delivery.records[0].source_file == "entrega.tsv"
    with pytest.raises(KantarParseError) as err:
        parse_file(tmp_path / "missing.tsv")
    assert "missing.tsv" in str(err.value)
