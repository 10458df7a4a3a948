"""The layout of a Kantar delivery: its bytes read as rows (text or any sheet of a
workbook), the header row found among preamble rows, and what the preamble says
(file kind, population, target, region)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from typing import Literal

from audience_assets.ingestion.cells import (
    COLUMNS,
    DISPLAY,
    REQUIRED,
    Cell,
    KantarParseError,
    cell_text,
    norm,
)
from audience_assets.records import NATIONAL_REGION

XlsxEngine = Literal["calamine", "openpyxl"]

_ALIASES = {alias: canon for canon, names in COLUMNS.items() for alias in names}
# A row is the header when it names at least this many of the required columns.
_HEADER_MIN_MATCH = 4


def decode_text(data: bytes) -> str:
    """UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), else Windows-1252.

    Windows-1252 leaves five bytes undefined; Latin-1 covers them so that a
    stray byte becomes a visible odd character rather than a crash.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_text_rows(data: bytes) -> list[list[Cell]]:
    text = decode_text(data)
    return [line.split("\t") for line in text.splitlines()]


def read_xlsx_rows(data: bytes, name: str, engine: XlsxEngine = "calamine") -> list[list[Cell]]:
    """Rows of the worksheet holding the programmes header, whichever sheet it is on (some
    deliveries open with a notes or cover sheet); the first sheet when none has it, so the
    header error names the file. Corrupt or truncated workbooks raise KantarParseError."""
    sheets = read_xlsx_sheets(data, name, engine)
    if not sheets:
        raise KantarParseError(name, "workbook has no sheet")
    for rows in sheets:
        if header_index(rows) is not None:
            return rows
    return sheets[0]


def read_xlsx_sheets(data: bytes, name: str, engine: XlsxEngine = "calamine"
                     ) -> list[list[list[Cell]]]:
    """Every worksheet's rows, in workbook order."""
    try:
        if engine == "calamine":
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            return [[list(r) for r in book.get_sheet_by_index(i).to_python(
                skip_empty_area=False)] for i in range(len(book.sheet_names))]
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return [[list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets]
        finally:
            wb.close()
    except KantarParseError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError) as exc:
        raise KantarParseError(name, f"not a readable .xlsx (truncated or corrupt): {exc}") from exc
    except Exception as exc:  # the readers raise their own types on corrupt archives
        raise KantarParseError(
            name, f"not a readable .xlsx (truncated or corrupt): {type(exc).__name__}: {exc}"
        ) from exc


def header_index(rows: Sequence[Sequence[Cell]]) -> int | None:
    """The first row naming enough of the required columns to be the header."""
    for i, row in enumerate(rows):
        canon = {_ALIASES.get(norm(cell_text(c))) for c in row}
        if sum(1 for c in canon if c in REQUIRED) >= _HEADER_MIN_MATCH:
            return i
    return None


def find_header(
    rows: Sequence[Sequence[Cell]], name: str
) -> tuple[int, dict[str, int], dict[str, int]]:
    """Index of the header row, canonical column -> index, extra column name -> index."""
    i = header_index(rows)
    if i is not None:
        row = rows[i]
        canon = [_ALIASES.get(norm(cell_text(c))) for c in row]
        columns: dict[str, int] = {}
        extra: dict[str, int] = {}
        for j, (c, raw) in enumerate(zip(canon, row, strict=False)):
            label = cell_text(raw)
            if c is not None and c not in columns:
                columns[c] = j
            elif label:
                extra[label] = j
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise KantarParseError(
                name,
                "required column missing from the header",
                row=i + 1,
                column=DISPLAY[missing[0]],
            )
        return i, columns, extra
    raise KantarParseError(
        name, "no header row naming Título, Cadena, Fecha, Hora de Inicio, Cuota, AM(000), MAA(000)"
    )


_PREAMBLE_RE = re.compile(r"^\s*\[(?P<kind>[^\]]+)\]\s*(?:\((?P<population>.*?)\)\s*(?:\[|$))?")


def read_preamble(rows: Sequence[Sequence[Cell]]) -> dict[str, str]:
    """File kind, population, target and region named before the header."""
    info = {"kind": "", "population": "", "target": "", "region": ""}
    for row in rows:
        for cell in row:
            text = cell_text(cell)
            if not text:
                continue
            match = _PREAMBLE_RE.match(text)
            if match and not info["kind"]:
                info["kind"] = match.group("kind").strip().upper()
                info["population"] = (match.group("population") or "").strip()
                continue
            key, sep, value = text.partition(":")
            if not sep:
                continue
            k = norm(key)
            if k in ("target", "publico", "público objetivo", "publico objetivo"):
                info["target"] = value.strip()
            elif k in ("region", "ambito", "area", "zona"):
                info["region"] = clean_region(value)
    if not info["region"]:
        info["region"] = region_of_population(info["population"])
    return info


# Words Kantar appends to a population or region to name its universe, e.g.
# "ANDALUCÍA TOTAL" or "ESPAÑA[+2] TOTAL": not part of the region's name.
UNIVERSE_WORDS = frozenset({"total", "universo", "lineal", "individuos"})


def clean_region(label: str) -> str:
    """A region as the analysis names it: bracketed universe codes and trailing universe
    words dropped, capitals turned to title case ('ANDALUCÍA TOTAL' -> 'Andalucía');
    any spelling of Spain as a whole -> the national region."""
    base = re.sub(r"\[.*?\]|\(.*?\)", " ", label).split()
    while base and norm(base[-1]) in UNIVERSE_WORDS:
        base.pop()
    folded = norm(" ".join(base))
    if not folded or folded.startswith("espana") or folded.endswith("espana") or folded in (
            "total", "peninsula", "nacional"):
        return NATIONAL_REGION
    text = " ".join(base)
    return " ".join(w.capitalize() for w in text.lower().split()) if text.isupper() else text


def region_of_population(population: str) -> str:
    """'ESPAÑA[+2] TOTAL' -> national; 'ANDALUCÍA TOTAL' -> 'Andalucía'."""
    return clean_region(population)


def sniff_kind(data: bytes) -> str:
    """The file kind named by the first preamble cell ('PROGRAMAS', 'MINUTADOS', ...), or ''."""
    if data[:4] == b"PK\x03\x04":
        return ""
    head = decode_text(data[:4096])
    for line in head.splitlines()[:10]:
        for cell in line.split("\t"):
            match = _PREAMBLE_RE.match(cell)
            if match:
                return match.group("kind").strip().upper()
    return ""
