"""One cell of a Kantar delivery: the columns' names, and dates, TV-day times and
figures as the client's files write them (decimal commas, thousands separators, Excel
serial dates, times past 24:00). Whatever cannot be read raises `KantarParseError`,
which names file, row, column and reason."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

Cell = Any  # str, int, float, datetime, date, time, timedelta or None, as the readers give them

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


def norm(text: str) -> str:
    """Column-name key: no accents, lower case, single spaces."""
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )
    return " ".join(stripped.lower().split())


# Canonical column -> accepted spellings (normalised by `norm`).
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
def cell_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def is_blank(row: Sequence[Cell]) -> bool:
    return all(cell_text(c) == "" for c in row)


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
    text = cell_text(cell)
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
        text = cell_text(cell)
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
    text = cell_text(cell).replace("\u00a0", "").replace(" ", "").rstrip("%")
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
        raise KantarParseError(name, f"not a number: {cell_text(cell)!r}", row, column) from None
    if not value.is_finite():
        raise KantarParseError(name, f"not a number: {cell_text(cell)!r}", row, column)
    return value


def thousands_to_persons(cell: Cell, name: str, row: int, which: str) -> int:
    value = parse_number(cell, name, row, which, thousands=True)
    if value < 0:
        raise KantarParseError(name, f"negative audience {value}", row, DISPLAY[which])
    return int((value * 1000).to_integral_value(rounding=ROUND_HALF_UP))
