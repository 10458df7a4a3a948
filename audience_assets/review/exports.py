"""The day's approved posts as the client downloads them: XLSX (the desk's default
download), CSV for Spanish Excel (`posts-es.csv`: semicolon, decimal comma), plain CSV,
JSON, and the chosen images, in <output>/exports/YYYY-MM-DD/ (no Dagster; the asset and
the desk share it).

Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return as a formula, and post texts really start
with `@` (handles). Following OWASP's guidance, every text cell of both CSV files that
starts with one of those characters is prefixed with a single quote (`'`) and every field
is quoted, so the cell shows as text; in the XLSX such cells are written as strings with
Excel's own quote-prefix flag, so the text stays exactly the editor's; JSON, read by
programs rather than spreadsheets, keeps every text exactly as approved. Numbers stay
numbers in every file.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import xlsxwriter

from audience_assets.paths import resolve_stored
from audience_assets.review.views import ReviewItem, approved_fingerprint, approved_posts

# Spanish column names: the client opens these files.
COLUMNS = ("fecha", "red", "orden", "programa", "cadena", "evento", "espectadores_unicos",
           "audiencia_media", "cuota", "texto", "imagen", "imagen_url", "revisor",
           "credito_imagen", "aprobado_en", "motivo_excepcion")
EXPORT_NAMES = ("posts.xlsx", "posts-es.csv", "posts.csv", "posts.json")
DEFAULT_EXPORT = "posts.xlsx"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FINGERPRINT = ".approved-fingerprint"


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    rows: list[dict[str, Any]]
    files: list[Path]
    missing_images: list[str]


def export_folder(output_dir: str | Path, date: str) -> Path:
    return Path(output_dir) / "exports" / dt.date.fromisoformat(date).isoformat()


def _iso(ts: float | None) -> str:
    if ts is None:
        return ""
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="seconds")


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, made inert (OWASP): prefixed
    with a single quote. Numbers and other texts are returned as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _row(item: ReviewItem, image_name: str, image_url: str,
         credit: str = "") -> dict[str, Any]:
    sheet = item.fact_sheet
    return {
        "fecha": item.key.date, "red": item.key.network, "orden": item.rank,
        "programa": sheet.get("title", ""), "cadena": sheet.get("channel", ""),
        "evento": sheet.get("event", ""),
        "espectadores_unicos": int(sheet.get("unique_viewers", 0)),
        "audiencia_media": int(sheet.get("avg_audience", 0)),
        "cuota": float(sheet.get("share", 0.0)), "texto": item.text,
        "imagen": image_name, "imagen_url": image_url, "credito_imagen": credit,
        "revisor": item.reviewer,
        "aprobado_en": _iso(item.decided_at), "motivo_excepcion": item.override_reason,
    }


def write_exports(engine: sa.Engine, date: str, output_dir: str | Path) -> ExportResult:
    """Replace the date's export folder with the current approved posts (all at once:
    files are written aside, then swapped in, so a download never sees half an export)."""
    final = export_folder(output_dir, date)
    final.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=final.parent))
    rows, missing = [], []
    fingerprint = approved_fingerprint(engine, date)[1]
    for item in approved_posts(engine, date):
        name, url, credit = "", "", ""
        chosen = next((i for i in item.images if i.sha256 == item.chosen_image), None)
        if chosen is not None:
            url, credit = chosen.image_url, chosen.credit
            source = resolve_stored(chosen.path, output_dir)
            if source is not None:
                name = f"images/{item.rank:02d}-{item.key.network}-{chosen.sha256[:12]}" \
                       f"{source.suffix.lower() or '.jpg'}"
                (work / "images").mkdir(exist_ok=True)
                shutil.copyfile(source, work / name)
            else:
                missing.append(chosen.path or chosen.image_url)
        rows.append(_row(item, name, url, credit))
    _write_csv(work / "posts.csv", rows)
    _write_csv(work / "posts-es.csv", rows, spanish=True)
    (work / "posts.json").write_text(
        json.dumps({"fecha": date, "posts": rows}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8")
    _write_xlsx(work / "posts.xlsx", rows)
    (work / FINGERPRINT).write_text(fingerprint, encoding="utf-8")
    old = final.with_name(f".{final.name}-old")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    work.rename(final)
    if old.exists():
        shutil.rmtree(old)
    files = sorted(p for p in final.rglob("*") if p.is_file() and p.name != FINGERPRINT)
    return ExportResult(final, rows, files, missing)


def _spanish_number(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value}".replace(".", ",")
    return value


def _write_csv(path: Path, rows: list[dict[str, Any]], spanish: bool = False) -> None:
    # utf-8-sig: Excel opens the accents right when the client double-clicks the file.
    # Spanish Excel splits on ';' and reads '16,5' as a number.
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, delimiter=";" if spanish else ",",
                                quoting=csv.QUOTE_NONNUMERIC if not spanish
                                else csv.QUOTE_ALL)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: neutralise(_spanish_number(v) if spanish else v)
                             for k, v in row.items()})


def _write_xlsx(path: Path, rows: list[dict[str, Any]]) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                           "strings_to_urls": False})
    sheet = book.add_worksheet("Posts")
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    wrap_quoted = book.add_format({"text_wrap": True, "valign": "top", "quote_prefix": True})
    quoted = book.add_format({"quote_prefix": True})
    thousands = book.add_format({"num_format": "#,##0"})
    for col, name in enumerate(COLUMNS):
        sheet.write_string(0, col, name, bold)
    for r, row in enumerate(rows, start=1):
        for col, name in enumerate(COLUMNS):
            value = row[name]
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(r, col, value, thousands if isinstance(value, int) else None)
            else:
                text = str(value)
                risky = text.startswith(FORMULA_STARTS)
                style = (wrap_quoted if risky else wrap) if name == "texto" else (
                    quoted if risky else None)
                sheet.write_string(r, col, text, style)
    sheet.set_column(COLUMNS.index("texto"), COLUMNS.index("texto"), 70)
    sheet.set_column(0, 2, 11)
    sheet.freeze_panes(1, 0)
    book.close()


def ensure_current(engine: sa.Engine, date: str, output_dir: str | Path) -> Path:
    """The date's export folder, rewritten first if approvals changed since it was made
    (the desk offers downloads even when no Dagster daemon runs the sensor)."""
    folder = export_folder(output_dir, date)
    mark = folder / FINGERPRINT
    current = approved_fingerprint(engine, date)[1]
    if not mark.exists() or mark.read_text(encoding="utf-8") != current:
        write_exports(engine, date, output_dir)
    return folder
