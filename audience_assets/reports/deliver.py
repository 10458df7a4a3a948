"""Writing one profile's deliverables for a date (no Dagster): the XLSX and HTML always
first, then the PDF printed from that HTML; a PDF that cannot be printed is reported as
one line and leaves the other files in place.

    report_folder(output_dir, profile, date) -> <output>/reports/<profile>/<date>/
    write_deliverables(report, folder) -> Delivered
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .html import write_html
from .parts import DailyReport
from .pdf import ChromiumMissing, print_pdfs
from .workbook import write_workbook


@dataclass
class Delivered:
    profile: str
    files: dict[str, Path] = field(default_factory=dict)  # kind -> path
    failures: dict[str, str] = field(default_factory=dict)  # kind -> one line


def report_folder(output_dir: str | Path, profile: str, date: str) -> Path:
    return Path(output_dir) / "reports" / profile / date


def file_name(profile: str, date: str, kind: str) -> str:
    return f"informe-{profile}-{date}.{kind}"


def write_documents(report: DailyReport, folder: str | Path) -> Delivered:
    """XLSX and HTML (the HTML is always written: the PDF is printed from it)."""
    folder = Path(folder)
    name = report.profile.name
    done = Delivered(name)
    if "xlsx" in report.profile.deliverables:
        done.files["xlsx"] = write_workbook(report, folder / file_name(name, report.date,
                                                                         "xlsx"))
    done.files["html"] = write_html(report, folder / file_name(name, report.date, "html"))
    return done


def add_pdfs(delivered: list[Delivered], wanted: dict[str, bool]) -> None:
    """Print the PDFs of the profiles that want one, with one browser for all."""
    pairs = [(d, d.files["html"], d.files["html"].with_suffix(".pdf"))
             for d in delivered if wanted.get(d.profile)]
    if not pairs:
        return
    try:
        print_pdfs([(html, pdf) for _, html, pdf in pairs])
    except ChromiumMissing as exc:
        for d, _, _ in pairs:
            d.failures["pdf"] = f"PDF not written: {exc}"
        return
    for d, _, pdf in pairs:
        d.files["pdf"] = pdf


def write_deliverables(report: DailyReport, folder: str | Path) -> Delivered:
    done = write_documents(report, folder)
    add_pdfs([done], {done.profile: "pdf" in report.profile.deliverables})
    return done
