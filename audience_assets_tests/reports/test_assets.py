"""daily_report through Dagster: one asset per profile under the daily_report prefix, the
files in <output>/reports/<profile>/<date>/, the headline figures in metadata, one
profile rebuilt alone; `audience report` writes the same files from the SQL store; a
missing Chromium costs the PDF only, said in one line."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import openpyxl
import pytest

from audience_assets.cli import main
from audience_assets.reports.assets import daily_report, report_key
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.storage import StorageResource
from audience_assets_tests.review.helpers import DAY

pytestmark = pytest.mark.timeout(300)


def val(value):
    return getattr(value, "value", value)


def test_each_profile_is_an_asset_under_the_daily_report_prefix():
    keys = {k.to_user_string() for k in daily_report.keys}
    assert keys == {"daily_report/mercado", "daily_report/atresmedia"}
    assert daily_report.op.name == "daily_report"
    deps = {k.to_user_string() for k in daily_report.asset_deps[report_key("mercado")]}
    assert deps == {"audience_records", "minute_audience", "audience_anomalies",
                    "relevant_broadcasts"}


@pytest.mark.browser
def test_materialising_writes_every_profiles_files_and_metadata(day_data, tmp_path):
    result = dg.materialize(
        [daily_report], partition_key=DAY,
        resources={"database": DatabaseResource(url=day_data["url"]),
                   "storage": StorageResource(output_dir=str(tmp_path))})
    assert result.success
    for name in ("mercado", "atresmedia"):
        meta = next(m for m in result.get_asset_materialization_events()
                    if m.asset_key == report_key(name)).materialization.metadata
        folder = tmp_path / "reports" / name / DAY
        for kind in ("xlsx", "html", "pdf"):
            assert Path(val(meta[kind])) == folder / f"informe-{name}-{DAY}.{kind}"
            assert (folder / f"informe-{name}-{DAY}.{kind}").stat().st_size > 0
        report = day_data["reports"][name]
        assert val(meta["date"]) == "miércoles 18 de noviembre de 2026"
        assert report.top_overall[0].name in val(meta["summary"])
        assert report.headline[0].subject in val(meta["headline"])
        assert val(meta["broadcasts_ranked"]) == report.ranked
        assert val(meta["minute_sheets"]) == len(report.minutes) > 0
        assert val(meta["data_gaps"]) == sum(len(m.gaps) for m in report.minutes) > 0


def without_pdf(tmp_path, monkeypatch, name="mercado"):
    """The shipped profile with deliverables XLSX and HTML only (no Chromium needed)."""
    from audience_assets.reports.profiles import profiles_dir

    folder = tmp_path / "profiles"
    folder.mkdir()
    text = (profiles_dir() / f"{name}.yaml").read_text(encoding="utf-8")
    (folder / f"{name}.yaml").write_text(
        text.replace("deliverables: [xlsx, html, pdf]", "deliverables: [xlsx, html]"),
        encoding="utf-8")
    monkeypatch.setenv("AUDIENCE_REPORT_PROFILES", str(folder))


def test_one_profile_is_rebuilt_alone_with_its_deliverables(day_data, tmp_path, monkeypatch):
    without_pdf(tmp_path, monkeypatch)
    result = dg.materialize(
        [daily_report], partition_key=DAY, selection=[report_key("mercado")],
        resources={"database": DatabaseResource(url=day_data["url"]),
                   "storage": StorageResource(output_dir=str(tmp_path))})
    assert result.success
    assert [m.asset_key for m in result.get_asset_materialization_events()] == [
        report_key("mercado")]
    assert not (tmp_path / "reports" / "atresmedia").exists()
    folder = tmp_path / "reports" / "mercado" / DAY
    assert sorted(p.suffix for p in folder.iterdir()) == [".html", ".xlsx"]


def test_a_date_without_minute_curves_in_the_store_says_so(day_data, tmp_path, monkeypatch):
    from audience_assets.analysis.store import replace_minute_points
    from audience_assets.ingestion.store import replace_dates
    from audience_assets.sql.engine import make_engine

    without_pdf(tmp_path, monkeypatch)
    url = f"sqlite:///{tmp_path / 'audience.db'}"
    engine = make_engine(url)
    replace_dates(engine, [DAY], [r for r in day_data["records"] if r.broadcast_date == DAY])
    replace_minute_points(engine, DAY, [])
    result = dg.materialize(
        [daily_report], partition_key=DAY, selection=[report_key("mercado")],
        resources={"database": DatabaseResource(url=url),
                   "storage": StorageResource(output_dir=str(tmp_path / "out"))})
    meta = result.get_asset_materialization_events()[0].materialization.metadata
    assert "Falta la entrega minuto a minuto" in val(meta["notices"])
    assert val(meta["minute_sheets"]) == 0


def test_without_chromium_the_pdf_fails_in_one_line_and_the_rest_is_written(
        day_data, tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIENCE_CHROMIUM", str(tmp_path / "no-chromium"))
    result = dg.materialize(
        [daily_report], partition_key=DAY, selection=[report_key("atresmedia")],
        resources={"database": DatabaseResource(url=day_data["url"]),
                   "storage": StorageResource(output_dir=str(tmp_path))},
        raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    message = failure.step_failure_data.user_failure_data.description
    assert "install the Debian package chromium" in message and "\n" not in message
    folder = tmp_path / "reports" / "atresmedia" / DAY
    assert sorted(p.suffix for p in folder.iterdir()) == [".html", ".xlsx"]
    meta = result.get_asset_materialization_events()[0].materialization.metadata
    assert "chromium" in val(meta["pdf_failed"])


@pytest.mark.browser
def test_report_cli_writes_a_profiles_files(day_data, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["report", "--date", DAY, "--profile", "atresmedia", "--out", str(out),
                 "--db", day_data["url"]]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(out / f"informe-atresmedia-{DAY}.{k}") for k in
                       ("xlsx", "html", "pdf")]
    book = openpyxl.load_workbook(printed[0], read_only=True)
    # the minute sheets come from the store's minute curves: the client's two channels
    assert book.sheetnames == ["Resumen", "Min Antena 3", "Min laSexta"]


def test_report_cli_without_chromium_keeps_xlsx_and_html(day_data, tmp_path, capsys,
                                                         monkeypatch):
    monkeypatch.setenv("AUDIENCE_CHROMIUM", str(tmp_path / "none"))
    assert main(["report", "--date", DAY, "--profile", "mercado", "--out", str(tmp_path),
                 "--db", day_data["url"]]) == 1
    captured = capsys.readouterr()
    assert captured.out.split() == [str(tmp_path / f"informe-mercado-{DAY}.{k}")
                                    for k in ("xlsx", "html")]
    assert captured.err.count("\n") == 1 and "Debian package chromium" in captured.err


def test_report_cli_bad_input_is_one_line_and_exit_2(day_data, tmp_path, capsys):
    assert main(["report", "--date", "18/11/2026", "--out", str(tmp_path)]) == 2
    assert "not a date" in capsys.readouterr().err
    assert main(["report", "--date", DAY, "--out", str(tmp_path),
                 "--db", f"sqlite:///{tmp_path}/none.db"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "run the pipeline first" in err
    assert main(["report", "--date", DAY, "--out", str(tmp_path), "--profile", "nadie",
                 "--db", day_data["url"]]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "known: atresmedia, mercado" in err
    bad = tmp_path / "profiles"
    bad.mkdir()
    (bad / "x.yaml").write_text("client: X\ncolours: {primary: red}\n", encoding="utf-8")
    assert main(["report", "--date", DAY, "--out", str(tmp_path), "--profiles-dir", str(bad),
                 "--db", day_data["url"]]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "colours.primary" in err


@pytest.mark.browser
def test_a_sample_day_materialises_the_reports_in_the_graph(tmp_path):
    """From the hot folder to every profile's daily_report in one Dagster run, with the
    real IO between assets (the way the demo runs the sample week)."""
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
    events = {m.asset_key: m.materialization.metadata
              for m in result.get_asset_materialization_events()}
    market, atres = events[report_key("mercado")], events[report_key("atresmedia")]
    assert market["minute_sheets"].value == 10 and market["notable_items"].value > 0
    assert atres["minute_sheets"].value == 2 and atres["data_gaps"].value == 3
    book = openpyxl.load_workbook(market["xlsx"].value, read_only=True)
    assert len(book.sheetnames) == 11
    exported = result.asset_materializations_for_node("post_exports")[0].metadata
    assert exported["dagster/row_count"].value == 0  # nobody has approved anything yet
