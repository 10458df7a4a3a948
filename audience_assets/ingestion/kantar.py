"""Kantar programmes deliveries (tab-separated text or .xlsx) -> normalised records.

Real deliveries vary: preamble rows of varying number, Windows-1252 or UTF-8,
CRLF or LF, decimal commas, thousands separators, Excel dates or text dates,
TV-day times past 24:00, blank rows, extra columns. Everything this module
cannot read raises `KantarParseError`, which names file, row, column and reason:
operators read it in the sensor log, the quarantine folder and the CLI.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from audience_assets.records import DEFAULT_TARGET, NATIONAL_REGION, AudienceRecord

Cell = Any  # str, int, float, datetime, date, time, timedelta or None, as the readers give them
XlsxEngine = Literal["calamine", "openpyxl"]

# The TV day starts at about 02:30: earlier clock times belong to the previous date's day.
TV_DAY_START = dt.time(2, 30)
EXCEL_EPOCH = dt.date(1899, 12, 30)


class KantarParseError(ValueError):
    """A delivery that cannot be read, with where and why."""

    def __init__(self, file: str, reason: str, row: int | None = None, column: str | None = None):
        self.file = file
        self.row = row
        self.column = column
        self.reason = reason
        where = file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {reason}")


def _norm(text: str) -> str:
    """Column-name key: no accents, lower case, single spaces."""
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )
    return " ".join(stripped.lower().split())


# Canonical column -> accepted spellings (normalised by `_norm`).
COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("titulo", "programa"),
    "description": ("descripcion", "episodio"),
    "channel": ("cadena", "canal"),
    "date": ("fecha",),
    "weekday": ("dia semana", "dia de la semana", "dia"),
    "start": ("hora de inicio", "hora inicio", "inicio"),
    "end": ("hora de fin", "hora fin", "fin"),
    "genre": ("genero",),
    "share": ("cuota", "cuota %", "cuota (%)", "shr %"),
    "avg_audience": ("am(000)", "am (000)", "am"),
    "unique_viewers": ("maa(000)", "maa (000)", "maa"),
}
REQUIRED = ("title", "channel", "date", "start", "end", "share", "avg_audience", "unique_viewers")
# Headers shown in errors, as the client's files spell them.
DISPLAY = {
    "title": "Título",
    "description": "Descripción",
    "channel": "Cadena",
    "date": "Fecha",
    "start": "Hora de Inicio",
    "end": "Hora de Fin",
    "genre": "Género",
    "share": "Cuota",
    "avg_audience": "AM(000)",
    "unique_viewers": "MAA(000)",
}
_ALIASES = {alias: canon for canon, names in COLUMNS.items() for alias in names}
# A row is the header when it names at least this many of the required columns.
_HEADER_MIN_MATCH = 4


@dataclass(frozen=True)
class Delivery:
    """One parsed file: its provenance, preamble and records."""

    path: str
    sha256: str
    format: Literal["tsv", "xlsx"]
    kind: str
    population: str
    target: str
    region: str
    header_row: int
    records: list[AudienceRecord] = field(default_factory=list)

    @property
    def dates(self) -> list[str]:
        return sorted({r.broadcast_date for r in self.records})

    @property
    def channels(self) -> list[str]:
        return sorted({r.channel for r in self.records})


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_file(
    path: str | Path, engine: XlsxEngine = "calamine", delivered_as: str | None = None
) -> Delivery:
    """Parse one programmes delivery. Raises KantarParseError for anything unreadable.

    `delivered_as`: the name the client gave the file, when `path` is its archived copy.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KantarParseError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    return parse_bytes(data, name=delivered_as or str(path), engine=engine)


def parse_bytes(data: bytes, name: str, engine: XlsxEngine = "calamine") -> Delivery:
    if not data.strip():
        raise KantarParseError(name, "file is empty")
    if data[:4] == b"PK\x03\x04":
        return parse_rows(read_xlsx_rows(data, name, engine), name, sha256_of(data), "xlsx")
    return parse_rows(read_text_rows(data), name, sha256_of(data), "tsv")


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


def _cell_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _is_blank(row: Sequence[Cell]) -> bool:
    return all(_cell_text(c) == "" for c in row)


def header_index(rows: Sequence[Sequence[Cell]]) -> int | None:
    """The first row naming enough of the required columns to be the header."""
    for i, row in enumerate(rows):
        canon = {_ALIASES.get(_norm(_cell_text(c))) for c in row}
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
        canon = [_ALIASES.get(_norm(_cell_text(c))) for c in row]
        columns: dict[str, int] = {}
        extra: dict[str, int] = {}
        for j, (c, raw) in enumerate(zip(canon, row, strict=False)):
            label = _cell_text(raw)
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
            text = _cell_text(cell)
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
            k = _norm(key)
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
    while base and _norm(base[-1]) in UNIVERSE_WORDS:
        base.pop()
    norm = _norm(" ".join(base))
    if not norm or norm.startswith("espana") or norm.endswith("espana") or norm in (
            "total", "peninsula", "nacional"):
        return NATIONAL_REGION
    text = " ".join(base)
    return " ".join(w.capitalize() for w in text.lower().split()) if text.isupper() else text


def region_of_population(population: str) -> str:
    """'ESPAÑA[+2] TOTAL' -> national; 'ANDALUCÍA TOTAL' -> 'Andalucía'."""
    return clean_region(population)


def parse_rows(
    rows: Sequence[Sequence[Cell]], name: str, sha256: str, fmt: Literal["tsv", "xlsx"]
) -> Delivery:
    header_idx, columns, extra_cols = find_header(rows, name)
    info = read_preamble(rows[:header_idx])
    target = info["target"] or DEFAULT_TARGET
    records = list(
        _records(rows, header_idx, columns, extra_cols, name, sha256, target, info["region"])
    )
    if not records:
        raise KantarParseError(name, "no broadcast rows after the header", row=header_idx + 1)
    return Delivery(
        path=name,
        sha256=sha256,
        format=fmt,
        kind=info["kind"] or "PROGRAMAS",
        population=info["population"],
        target=target,
        region=info["region"],
        header_row=header_idx + 1,
        records=records,
    )


def _records(
    rows: Sequence[Sequence[Cell]],
    header_idx: int,
    columns: dict[str, int],
    extra_cols: dict[str, int],
    name: str,
    sha256: str,
    target: str,
    region: str,
) -> Iterator[AudienceRecord]:
    source = Path(name).name
    data_cols = [columns[c] for c in REQUIRED if c not in ("title",)]
    width = max(data_cols) + 1
    for i in range(header_idx + 1, len(rows)):
        row = rows[i]
        if _is_blank(row):
            continue
        # A note or footer ("Fuente: Kantar Media") fills no data column: not a broadcast.
        # A short row is only a note when it says so; otherwise it is a cut-off line.
        if all(_cell_text(row[j]) == "" for j in data_cols if j < len(row)) and (
            len(row) >= width or _FOOTER_RE.match(_cell_text(row[0]) if row else "")
        ):
            continue
        rownum = i + 1

        def get(canon: str, row: Sequence[Cell] = row, rownum: int = rownum) -> Cell:
            j = columns.get(canon)
            if j is None:
                return None
            if j >= len(row):
                if canon in REQUIRED:
                    raise KantarParseError(
                        name, "row is cut short (truncated file?)", rownum, DISPLAY[canon]
                    )
                return None
            return row[j]

        def required_text(canon: str, rownum: int = rownum) -> str:
            value = _cell_text(get(canon))
            if not value:
                raise KantarParseError(name, "empty value", rownum, DISPLAY[canon])
            return value

        title = required_text("title")
        channel = required_text("channel")
        day = parse_date(get("date"), name, rownum)
        start = tv_datetime(day, get("start"), name, rownum, "start")
        end = tv_datetime(day, get("end"), name, rownum, "end")
        if end < start:
            end += dt.timedelta(days=1)
        share = parse_number(get("share"), name, rownum, "share", thousands=False)
        if not 0 <= share <= 100:
            raise KantarParseError(name, f"share {share} outside 0..100", rownum, DISPLAY["share"])
        avg = thousands_to_persons(get("avg_audience"), name, rownum, "avg_audience")
        reach = thousands_to_persons(get("unique_viewers"), name, rownum, "unique_viewers")
        extra = {label: _cell_text(row[j]) for label, j in extra_cols.items() if j < len(row)}
        yield AudienceRecord(
            broadcast_date=day.isoformat(),
            channel=channel,
            title=title,
            description=_cell_text(get("description")),
            start=start.isoformat(timespec="seconds"),
            end=end.isoformat(timespec="seconds"),
            genre=_cell_text(get("genre")),
            share=float(share),
            avg_audience=avg,
            unique_viewers=reach,
            target=target,
            region=region,
            extra={k: v for k, v in extra.items() if v != ""},
            source_file=source,
            source_sha256=sha256,
        )


_FOOTER_RE = re.compile(r"^\s*(fuente|source|nota|notas|©|\*|total)", re.IGNORECASE)
_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")


def parse_date(cell: Cell, name: str, row: int) -> dt.date:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if 20000 < cell < 80000:  # Excel serial day number (1954..2119)
            return EXCEL_EPOCH + dt.timedelta(days=int(cell))
        raise KantarParseError(name, f"not a date: {cell!r}", row, "Fecha")
    text = _cell_text(cell)
    if not text:
        raise KantarParseError(name, "empty value", row, "Fecha")
    text = text.split(" ")[0]  # "2024-01-15 00:00:00" from a spreadsheet export
    day = _date_of_text(text)
    if day is None:
        raise KantarParseError(name, f"not a date: {text!r} (expected dd/mm/yyyy)", row, "Fecha")
    return day


@lru_cache(maxsize=1024)
def _date_of_text(text: str) -> dt.date | None:
    # A file repeats one or two dates on every row: parse each spelling once.
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def tv_datetime(day: dt.date, cell: Cell, name: str, row: int, which: str) -> dt.datetime:
    """Clock time of the TV day `day` -> local datetime.

    25:40:00 is 01:40 of the next calendar date; 00:00-02:29 written as such is
    after midnight too, since the TV day starts at 02:30.
    """
    column = DISPLAY[which]
    if isinstance(cell, dt.datetime):
        cell = cell.time()
    if isinstance(cell, dt.time):
        seconds = cell.hour * 3600 + cell.minute * 60 + cell.second
    elif isinstance(cell, dt.timedelta):
        seconds = int(cell.total_seconds())
    elif isinstance(cell, int | float) and not isinstance(cell, bool) and 0 <= cell < 2:
        seconds = round(cell * 86400)  # Excel time as a fraction of a day
    else:
        text = _cell_text(cell)
        match = _TIME_RE.match(text)
        if not match:
            raise KantarParseError(name, f"not a time: {text!r} (expected hh:mm:ss)", row, column)
        h, m, s = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
        if m > 59 or s > 59 or h > 30:
            raise KantarParseError(name, f"not a time of a TV day: {text!r}", row, column)
        seconds = h * 3600 + m * 60 + s
    if seconds < 0 or seconds > 30 * 3600:
        raise KantarParseError(name, f"not a time of a TV day: {cell!r}", row, column)
    tv_start = TV_DAY_START.hour * 3600 + TV_DAY_START.minute * 60
    if seconds < tv_start:
        seconds += 86400
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)


_THOUSANDS_RE = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_number(cell: Cell, name: str, row: int, which: str, thousands: bool) -> Decimal:
    """A figure as Decimal. `thousands`: a lone '.' grouping digits by three is a separator.

    "15,7" and "15.7" are 15.7; "1.630" is 1630 where `thousands`; "1.206,5" is 1206.5.
    """
    column = DISPLAY.get(which, which)
    if isinstance(cell, bool):
        raise KantarParseError(name, f"not a number: {cell!r}", row, column)
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        if cell != cell or cell in (float("inf"), float("-inf")):
            raise KantarParseError(name, f"not a number: {cell!r}", row, column)
        return Decimal(repr(cell))
    text = _cell_text(cell).replace("\u00a0", "").replace(" ", "").rstrip("%")
    if not text:
        raise KantarParseError(name, "empty value", row, column)
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".") if text.count(",") == 1 else text.replace(",", "")
    elif thousands and _THOUSANDS_RE.match(text):
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise KantarParseError(name, f"not a number: {_cell_text(cell)!r}", row, column) from None
    if not value.is_finite():
        raise KantarParseError(name, f"not a number: {_cell_text(cell)!r}", row, column)
    return value


def thousands_to_persons(cell: Cell, name: str, row: int, which: str) -> int:
    value = parse_number(cell, name, row, which, thousands=True)
    if value < 0:
        raise KantarParseError(name, f"negative audience {value}", row, DISPLAY[which])
    return int((value * 1000).to_integral_value(rounding=ROUND_HALF_UP))


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
