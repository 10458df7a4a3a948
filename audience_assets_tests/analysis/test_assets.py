"""The analysis assets over the bundled sample week, and Solr vs SQL history."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import dagster as dg
import pytest

from audience_assets.analysis import checks as analysis_checks
from audience_assets.analysis.assets import (
    audience_anomalies,
    minute_audience,
    relevant_broadcasts,
)
from audience_assets.analysis.config import load_analysis_config
from audience_assets.analysis.selection import select_fact_sheets
from audience_assets.analysis.store import (
    load_anomalies,
    load_fact_sheets,
    load_minute_points,
    replace_fact_sheets,
)
from audience_assets.cli.select import golden_minutes, read_deliveries
from audience_assets.indexing.history import SolrHistory, SqlHistory
from audience_assets.indexing.index import index_dates
from audience_assets.ingestion.assets import audience_records, kantar_raw_file
from audience_assets.ingestion.minutes import MinutePoint
from audience_assets.ingestion.store import replace_dates
from audience_assets.records import AudienceRecord
from audience_assets.resources.analysis import AnalysisResource
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.handoff import SqlHandoffIOManager
from audience_assets.resources.solr import SolrResource
from audience_assets.resources.storage import StorageResource
from audience_assets.sql.engine import make_engine
from audience_assets_tests.fixtures.solr import SolrServer

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
FILES = sorted(str(p) for p in SAMPLES.glob("programas_*"))
Week = tuple[list[AudienceRecord], list[MinutePoint]]
LAST = max(Path(p).name.split("_")[1] for p in FILES)


@pytest.fixture(scope="module")
def week() -> Week:
    return read_deliveries([*FILES, str(SAMPLES / f"minutes_{LAST}.tsv")])


def test_assets_materialise_sheets_anomalies_and_charts(tmp_path: Path, week: Week,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    records, _ = week
    url = f"sqlite:///{tmp_path / 'audience.db'}"
    engine = make_engine(url)
    replace_dates(engine, {r.broadcast_date for r in records}, records)
    hot = tmp_path / "hot"
    hot.mkdir()
    for delivered in SAMPLES.glob(f"*{LAST}*"):
        shutil.copy(delivered, hot)
    storage = StorageResource(hot_folder=str(hot), archive_dir=str(tmp_path / "archive"),
                              quarantine_dir=str(tmp_path / "q"),
                              output_dir=str(tmp_path / "out"), settle_seconds=0)
    stages = [kantar_raw_file, audience_records, minute_audience, audience_anomalies,
              relevant_broadcasts]
    result = dg.materialize(
        stages,
        partition_key=LAST,
        resources={"database": DatabaseResource(url=url), "storage": storage,
                   "solr": SolrResource(url="http://127.0.0.1:9/solr/none"),
                   "analysis": AnalysisResource(history="sql"),
                   "io_manager": SqlHandoffIOManager()},
    )
    assert result.success
    assert not list(hot.iterdir())  # programmes and minute files were archived
    # each stage handed on through SQL: the minute curves, their anomalies, the sheets
    points = load_minute_points(engine, LAST)
    assert points and {p.broadcast_date for p in points} == {LAST}
    assert sorted(points, key=str) == sorted(
        (p for p in week[1] if p.broadcast_date == LAST), key=str)
    anomalies = load_anomalies(engine, LAST)
    assert anomalies and any(d.golden_minute for d in anomalies.values())
    sheets = load_fact_sheets(engine, LAST)
    assert sheets
    assert any(s.event.startswith("Minuto de oro del día a las ") for s in sheets)
    assert any(s.event.startswith("Máximo histórico") for s in sheets)
    checks = result.get_asset_check_evaluations()
    assert len(checks) == 9 and all(c.passed for c in checks)
    charts = list((tmp_path / "out" / "charts" / LAST).glob("*.png"))
    assert charts and charts[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    anomalies = result.asset_materializations_for_node("audience_anomalies")[0].metadata
    assert any(key.startswith("chart 1") for key in anomalies)
    # a re-run replaces the day's sheets rather than adding to them
    again = dg.materialize(stages,
                           partition_key=LAST, resources={
                               "database": DatabaseResource(url=url), "storage": storage,
                               "solr": SolrResource(url="http://127.0.0.1:9/solr/none"),
                               "analysis": AnalysisResource(history="auto")})
    assert again.success and load_fact_sheets(engine, LAST) == sheets
    # write, audit, publish: a failing blocking check leaves the published sheets as they were
    monkeypatch.setattr(analysis_checks, "figure_problems",
                        lambda sheets, records: ["fake: figure differs"])
    replace_fact_sheets(engine, LAST, sheets[:1])  # what an earlier run had published
    blocked = dg.materialize(stages, partition_key=LAST, raise_on_error=False, resources={
        "database": DatabaseResource(url=url), "storage": storage,
        "solr": SolrResource(url="http://127.0.0.1:9/solr/none"),
        "analysis": AnalysisResource(history="sql")})
    assert not blocked.success
    assert load_fact_sheets(engine, LAST) == sheets[:1]
    (failed,) = [c for c in blocked.get_asset_check_evaluations() if not c.passed]
    assert failed.check_name == "figures_equal_records"


@pytest.mark.integration
def test_solr_and_sql_histories_give_the_same_fact_sheets(
        tmp_path: Path, solr_server: SolrServer, week: Week) -> None:
    records, minutes = week
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    dates = sorted({r.broadcast_date for r in records})
    replace_dates(engine, dates, records)
    client = solr_server.client()
    client.delete(q="*:*", commit=True)
    index_dates(client, engine, dates, batch_size=2000)
    config = load_analysis_config()
    day = [r for r in records if r.broadcast_date == LAST]
    extra = golden_minutes(day, minutes, config)
    via_sql = select_fact_sheets(day, SqlHistory(engine), config, extra)
    via_solr = select_fact_sheets(day, SolrHistory(client), config, extra)
    assert via_sql and via_sql == via_solr


def test_records_of_unknown_targets_or_regions_are_reported_not_dropped_silently(
        week: Week) -> None:
    records, _ = week
    config = load_analysis_config()
    day = [r for r in records if r.broadcast_date == LAST]
    known = analysis_checks.known_names_result(day, config)
    assert known.passed
    odd = [replace(day[0], region="Galicia"), replace(day[1], target="Niños 4-12"),
           replace(day[2], region="ANDALUCÍA TOTAL")]
    result = analysis_checks.known_names_result(day + odd, config)
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN
    assert result.metadata["unknown"].value == "region: Galicia, target: Niños 4-12"
    assert result.metadata["records_left_out"].value == 2
