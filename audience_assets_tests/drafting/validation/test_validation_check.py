"""The drafts' blocking check: a real materialisation fails when a draft is invalid."""

from __future__ import annotations

import dagster as dg

from audience_assets.drafting.checks import (
    CHECK_NAME,
    drafts_validity_check_result,
    drafts_validity_check_spec,
)
from audience_assets_tests.drafting.validation.corpus_data import fact_sheets, load

RULETA = fact_sheets()["ruleta"]
GOOD = load("clean")[0].text
BAD = GOOD.replace("consiguió", "ha conseguido")


def test_result_lists_violations_as_a_table():
    result = drafts_validity_check_result([(GOOD, RULETA, "x"), (BAD, RULETA, "x"),
                                           {"sheet_key": "k", "text": GOOD, "fact_sheet": RULETA}])
    assert not result.passed
    assert result.severity == dg.AssetCheckSeverity.ERROR
    assert result.metadata["invalid_drafts"].value == 1
    assert result.metadata["drafts_checked"].value == 3
    table = result.metadata["violations"]
    assert isinstance(table, dg.TableMetadataValue)
    rows = table.records
    assert [(r.data["draft"], r.data["rule"], r.data["excerpt"]) for r in rows] == [
        ("1", "style.tense", "ha conseguido")]


def test_all_valid_passes():
    assert drafts_validity_check_result([(GOOD, RULETA, "x")]).passed


def _job_with(texts: list[str]) -> list[dg.AssetsDefinition]:
    @dg.asset(name="drafts_demo", check_specs=[drafts_validity_check_spec("drafts_demo")])
    def drafts_demo():
        yield dg.MaterializeResult(metadata={"drafts": len(texts)})
        yield drafts_validity_check_result([(t, RULETA, "x") for t in texts])

    @dg.asset(deps=[drafts_demo])
    def after_drafts() -> None:
        return None

    return [drafts_demo, after_drafts]


def test_blocking_check_stops_downstream_assets():
    result = dg.materialize(_job_with([GOOD, BAD]), raise_on_error=False)
    evaluations = result.get_asset_check_evaluations()
    assert [(e.check_name, e.passed) for e in evaluations] == [(CHECK_NAME, False)]
    assert not result.success
    materialized = {str(e.asset_key) for e in result.get_asset_materialization_events()}
    assert materialized and not any("after_drafts" in key for key in materialized)

    ok = dg.materialize(_job_with([GOOD]))
    assert ok.success and ok.get_asset_check_evaluations()[0].passed
