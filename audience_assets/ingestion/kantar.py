"""Kantar programmes deliveries (tab-separated text or .xlsx) -> normalised records.

Real deliveries vary: preamble rows of varying number, Windows-1252 or UTF-8,
CRLF or LF, decimal commas, thousands separators, Excel dates or text dates,
TV-day times past 24:00, blank rows, extra columns. Everything this module
cannot read raises `KantarParseError`, which names file, row, column and reason:
operators read it in the sensor log, the quarantine folder and the CLI.

By concern: `cells` reads one value, `layout` finds rows, header and preamble, this
module turns a delivery's rows into records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from audience_assets.ingestion.cells import (
    DISPLAY,
    REQUIRED,
    Cell,
    KantarParseError,
    cell_text,
    is_blank,
    parse_date,
    parse_number,
    thousands_to_persons,
    tv_datetime,
)
from audience_assets.ingestion.layout import (
    XlsxEngine,
    find_header,
    read_preamble,
    read_text_rows,
    read_xlsx_rows,
)
from audience_assets.records import DEFAULT_TARGET, AudienceRecord

__all__ = ["Delivery", "KantarParseError", "XlsxEngine", "parse_bytes", "parse_file",
           "parse_rows", "sha256_of"]


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
        if is_blank(row):
            continue
        # A note or footer ("Fuente: Kantar Media") fills no data column: not a broadcast.
        # A short row is only a note when it says so; otherwise it is a cut-off line.
        if all(cell_text(row[j]) == "" for j in data_cols if j < len(row)) and (
            len(row) >= width or _FOOTER_RE.match(cell_text(row[0]) if row else "")
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
            value = cell_text(get(canon))
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
        extra = {label: cell_text(row[j]) for label, j in extra_cols.items() if j < len(row)}
        yield AudienceRecord(
            broadcast_date=day.isoformat(),
            channel=channel,
            title=title,
            description=cell_text(get("description")),
            start=start.isoformat(timespec="seconds"),
            end=end.isoformat(timespec="seconds"),
            genre=cell_text(get("genre")),
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
