"""daily_report through Dagster: both files written, metadata links and previews them;
and `audience report` writes the same pair from the SQL store."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import openpyxl

from audience_assets.cli import main
from audience_assets.reports.assets import daily_report
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.storage import StorageResource
from audience_assets_tests.review.helpers import DAY


def val(value):
    """A metadata entry's plain value (MaterializeResult keeps raw values as given)."""
    return getattr(value, "value", value)


def test_daily_report_writes_workbook_and_html_and_previews_the_summary(day_data, tmp_path):
    result = daily_report(
        context=dg.build_asset_context(partition_key=DAY),
        database=DatabaseResource(url=day_data["url"]),
        storage=StorageResource(output_dir=str(tmp_path)))
    assert isinstance(result, dg.MaterializeResult)
    meta = result.metadata
    xlsx = Path(val(meta["workbook"]))
    html = Path(val(meta["html"]).removeprefix("file://"))
    assert xlsx.exists() and html.exists()
    assert xlsx.parent == tmp_path / "reports" / DAY
    top = day_data["report"].top_overall[0]
    assert top.title in val(meta["summary"])
    assert val(meta["minute_sheets"]) == len(day_data["report"].minutes)


def test_report_cli_writes_both_files(day_data, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["report", "--date", DAY, "--out", str(out), "--db", day_data["url"]]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(out / f"informe-{DAY}.xlsx"), str(out / f"informe-{DAY}.html")]
    book = openpyxl.load_workbook(printed[0], read_only=True)
    # the minute sheets come from the store's minute curves, one per channel
    assert book.sheetnames[0] == "Resumen"
    assert len(book.sheetnames) == 1 + len(day_data["report"].minutes) > 1


def test_report_cli_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["report", "--date", "18/11/2026", "--out", str(tmp_path)]) == 2
    assert "not a date" in capsys.readouterr().err
    assert main(["report", "--date", DAY, "--out", str(tmp_path),
                 "--db", f"sqlite:///{tmp_path}/none.db"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "run the pipeline first" in err


def test_a_sample_day_materialises_report_and_export_in_the_graph(tmp_path):
    """From the hot folder to daily_report and post_exports in one Dagster run, with the
    real IO between assets (the way the demo runs the sample week)."""
    import shutil

    from audience_assets.analysis.assets import (
        audience_anomalies,
        minute_audience,
        relevant_broadcasts,
    )
    from audience_assets.ingestion.assets import audience_records, kantar_raw_file
    from audience_assets.ingestion.store import replace_dates
    from audience_assets.resources.analysis import AnalysisResource
    from audience_assets.resources.solr import SolrResource
    from audience_assets.review.assets import post_exports
    from audience_assets.sql.engine import make_engine
    from audience_assets_tests.review.helpers import SAMPLES, _deliveries

    url = f"sqlite:///{tmp_path / 'audience.db'}"
    records, _ = _deliveries(DAY)
    history = [r for r in records if r.broadcast_date < DAY]
    replace_dates(make_engine(url), sorted({r.broadcast_date for r in history}), history)
    hot = tmp_path / "hot"
    hot.mkdir()
    for delivered in SAMPLES.glob(f"*{DAY}*"):
        shutil.copy(delivered, hot)
    storage = StorageResource(hot_folder=str(hot), archive_dir=str(tmp_path / "archive"),
                              quarantine_dir=str(tmp_path / "q"),
                              output_dir=str(tmp_path / "out"), settle_seconds=0)
    result = dg.materialize(
        [kantar_raw_file, audience_records, minute_audience, audience_anomalies,
         relevant_broadcasts, daily_report, post_exports],
        partition_key=DAY,
        resources={"database": DatabaseResource(url=url), "storage": storage,
                   "solr": SolrResource(url="http://127.0.0.1:9/solr/none"),
                   "analysis": AnalysisResource(history="sql")})
    assert result.success
    report = result.asset_materializations_for_node("daily_report")[0].metadata
    assert report["minute_sheets"].value == 10 and report["notable_items"].value > 0
    book = openpyxl.load_workbook(report["workbook"].value, read_only=True)
    assert len(book.sheetnames) == 11
    exported = result.asset_materializations_for_node("post_exports")[0].metadata
    assert exported["dagster/row_count"].value == 0  # nobody has approved anything yet
    assert (tmp_path / "out" / "exports" / DAY / "posts.xlsx").exists()
