"""Stages built apart must agree: whatever the analysis emits, the template writer turns
into a post the strict validator accepts (the fallback is the last line of defence)."""

from pathlib import Path

import pytest

from audience_assets.analysis.config import load_analysis_config
from audience_assets.analysis.selection import select_fact_sheets
from audience_assets.cli.select import golden_minutes, read_deliveries
from audience_assets.drafting.validation import validate
from audience_assets.drafting.writing import TemplateWriter
from audience_assets.indexing.history import SqlHistory
from audience_assets.ingestion.store import replace_dates
from audience_assets.sql.engine import make_engine

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.fixture(scope="module")
def week_sheets():
    records, minutes = read_deliveries(sorted(str(p) for p in SAMPLES.iterdir()))
    engine = make_engine("sqlite://")
    dates = sorted({r.broadcast_date for r in records})
    replace_dates(engine, dates, records)
    config = load_analysis_config()
    history = SqlHistory(engine)
    sheets = []
    for date in dates:
        day = [r for r in records if r.broadcast_date == date]
        sheets += select_fact_sheets(day, history, config, golden_minutes(day, minutes, config))
    return sheets


def test_the_sample_week_has_every_kind_of_event(week_sheets):
    events = {s.event for s in week_sheets}
    assert any(e.startswith("Minuto de oro") for e in events)
    assert any(e.startswith("Máximo histórico") for e in events)
    assert "Lo más visto del día" in events
    assert any(e.endswith("entre los jóvenes") for e in events)


@pytest.mark.parametrize("network", ["x", "bluesky", "threads"])
def test_every_fact_sheet_of_the_week_gets_a_valid_template_post(week_sheets, network):
    writer = TemplateWriter()
    failures = []
    for sheet in week_sheets:
        text = writer.write(sheet, network=network).text
        result = validate(text, sheet, network)
        if not result.valid:
            failures.append((sheet.event, text, [v.rule for v in result.violations]))
    assert not failures, failures[:5]


def test_the_sample_weeks_plan_keeps_budgets_one_story_per_programme_and_regions(week_sheets):
    from audience_assets.analysis.plan import plan_day

    config = load_analysis_config()
    dates = sorted({s.broadcast_date for s in week_sheets})
    assert dates
    writer = TemplateWriter()
    for date in dates:
        plan = plan_day([s for s in week_sheets if s.broadcast_date == date], config, date)
        for network, budget in config.plan.budgets.items():
            posts = plan.for_network(network)
            assert len(posts) <= budget
            programmes = [(s.channel_code, s.title) for s in posts]
            assert len(programmes) == len(set(programmes)), date
            for sheet in posts:
                home = config.channel_config(sheet.channel_code)
                if home is not None and home.region:
                    assert sheet.region == home.region, (date, sheet.title, sheet.region)
                assert "AL ROJO VIVO" not in sheet.title
                assert all(len(tag) <= max(config.plan.hashtag_max_length, 24)
                           for tag in sheet.hashtags)
        for sheet in plan.for_network("x"):
            text = writer.write(sheet, network="x").text
            result = validate(text, sheet, "x")
            assert result.valid, (text, [v.message for v in result.violations])
