"""Time to build one day's reports, per client profile, from the SQL store.

Runs the sample week (data/samples, 2026-11-16..22) through the real chain in Dagster
(kantar_raw_file -> audience_records -> minute_audience -> audience_anomalies ->
relevant_broadcasts) into a fresh SQLite store, then for every date and every profile
in data/config/reports/ times what `daily_report` does: read the store (the day and its
28-day history), build the report, write XLSX + HTML; then the PDFs, timed apart (one
Chromium for the day's profiles). Baseline, in the same run: the previous generic
report (main's reports package before profiles, copied from git into a temporary
package) on the same store, XLSX + HTML, when it still imports.

    nice .venv/bin/python benchmarks/reports.py [--repeat 3] [--out DIR]

Prints per profile the median and the maximum seconds over the dates (each date's
figure the median of --repeat runs), the PDF seconds per profile, and the baseline.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
BASELINE_COMMIT = "f715b3d"  # main before report profiles


def load_week(tmp: Path) -> tuple[str, list[str]]:
    import dagster as dg

    from audience_assets.analysis.assets import (
        audience_anomalies,
        minute_audience,
        relevant_broadcasts,
    )
    from audience_assets.ingestion.assets import audience_records, kantar_raw_file
    from audience_assets.resources.analysis import AnalysisResource
    from audience_assets.resources.database import DatabaseResource
    from audience_assets.resources.solr import SolrResource
    from audience_assets.resources.storage import StorageResource

    url = f"sqlite:///{tmp / 'audience.db'}"
    hot = tmp / "hot"
    hot.mkdir()
    dates = sorted({p.name.split("_")[1][:10] for p in SAMPLES.iterdir()})
    storage = StorageResource(hot_folder=str(hot), archive_dir=str(tmp / "archive"),
                              quarantine_dir=str(tmp / "q"), output_dir=str(tmp / "out"),
                              settle_seconds=0)
    warnings.filterwarnings("ignore")
    for date in dates:
        for delivered in SAMPLES.glob(f"*{date}*"):
            shutil.copy(delivered, hot)
        result = dg.materialize(
            [kantar_raw_file, audience_records, minute_audience, audience_anomalies,
             relevant_broadcasts], partition_key=date,
            resources={"database": DatabaseResource(url=url), "storage": storage,
                       "solr": SolrResource(url="http://127.0.0.1:9/solr/none"),
                       "analysis": AnalysisResource(history="sql")})
        if not result.success:
            sys.exit(f"the chain failed for {date}")
        print(f"stored {date}", flush=True)
    return url, dates


def baseline_package(tmp: Path):
    """main's reports package before profiles, importable as `baseline_reports`."""
    root = tmp / "baseline"
    package = root / "baseline_reports"
    (package / "templates").mkdir(parents=True)
    for name in ("__init__.py", "daily.py", "html.py", "workbook.py", "templates/daily.html"):
        text = subprocess.run(
            ["git", "-C", str(REPO), "show", f"{BASELINE_COMMIT}:audience_assets/reports/{name}"],
            capture_output=True, text=True, check=True).stdout
        (package / name).write_text(text, encoding="utf-8")
    sys.path.insert(0, str(root))
    return (importlib.import_module("baseline_reports.daily"),
            importlib.import_module("baseline_reports.html"),
            importlib.import_module("baseline_reports.workbook"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=None, help="keep the reports in this folder")
    args = parser.parse_args()

    from audience_assets.analysis.config import load_analysis_config
    from audience_assets.reports.daily import gather_report
    from audience_assets.reports.deliver import add_pdfs, report_folder, write_documents
    from audience_assets.reports.names import display_names
    from audience_assets.reports.profiles import load_profiles
    from audience_assets.sql.engine import make_engine

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        out = Path(args.out) if args.out else tmp / "reports"
        url, dates = load_week(tmp)
        engine = make_engine(url)
        config = load_analysis_config()
        profiles = load_profiles()
        seconds: dict[str, list[float]] = {p: [] for p in profiles}
        pdf_seconds: dict[str, list[float]] = {p: [] for p in profiles}
        pages: dict[str, list[int]] = {p: [] for p in profiles}
        for date in dates:
            delivered = []
            for pname, profile in profiles.items():
                runs = []
                for _ in range(args.repeat):
                    began = time.perf_counter()
                    report = gather_report(engine, date, profile,
                                           display_names(profile, config))
                    done = write_documents(report, report_folder(out, pname, date))
                    runs.append(time.perf_counter() - began)
                seconds[pname].append(statistics.median(runs))
                delivered.append(done)
            for done in delivered:
                began = time.perf_counter()
                add_pdfs([done], {done.profile: True})
                pdf_seconds[done.profile].append(time.perf_counter() - began)
                if "pdf" in done.files and shutil.which("pdfinfo"):
                    info = subprocess.run(["pdfinfo", str(done.files["pdf"])],
                                          capture_output=True, text=True).stdout
                    pages[done.profile].append(int(info.split("Pages:")[1].split()[0]))
                elif "pdf" in done.failures:
                    print(done.failures["pdf"])
            print(f"{date}: " + ", ".join(f"{p} {seconds[p][-1]:.2f} s + PDF "
                                          f"{pdf_seconds[p][-1]:.2f} s" for p in profiles),
                  flush=True)

        baseline: list[float] = []
        try:
            daily, html, workbook = baseline_package(tmp)
            for date in dates:
                runs = []
                for _ in range(args.repeat):
                    began = time.perf_counter()
                    report = daily.gather_report(engine, date, config)
                    workbook.write_workbook(report, tmp / "base" / f"{date}.xlsx")
                    html.write_html(report, tmp / "base" / f"{date}.html")
                    runs.append(time.perf_counter() - began)
                baseline.append(statistics.median(runs))
        except Exception as exc:  # the old package may no longer fit the store
            print(f"baseline unavailable: {type(exc).__name__}: {exc}")

        print(f"\n{len(dates)} dates, median of {args.repeat} runs each; XLSX + HTML from "
              f"the SQL store (load, build, write):")
        for pname in profiles:
            s = seconds[pname]
            p = pdf_seconds[pname]
            print(f"  {pname:<12} median {statistics.median(s):.2f} s, max {max(s):.2f} s"
                  f"   | PDF extra: median {statistics.median(p):.2f} s, max {max(p):.2f} s"
                  + (f", {min(pages[pname])}-{max(pages[pname])} A4 pages"
                     if pages[pname] else ""))
        if baseline:
            print(f"  baseline (previous generic report, XLSX + HTML, no profile): "
                  f"median {statistics.median(baseline):.2f} s, max {max(baseline):.2f} s")
        if args.out:
            print(f"reports in {out}")


if __name__ == "__main__":
    main()
