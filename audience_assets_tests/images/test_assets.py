"""image_candidates on the local sample site: SQL rows, defaults, contact sheet,
metadata and the three checks; Solr absent is reported, not fatal."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from PIL import Image

from audience_assets.drafting.assets import DraftingConfig, post_drafts
from audience_assets.images.assets import image_candidates
from audience_assets.images.store import load_candidates
from audience_assets.resources.analysis import AnalysisResource
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.images import ImagesResource
from audience_assets.resources.llm import OllamaResource
from audience_assets.resources.solr import SolrResource
from audience_assets.resources.storage import StorageResource
from audience_assets_tests.drafting.plans import store_plan
from audience_assets_tests.drafting.test_templates import STUDY_SHEETS
from audience_assets_tests.results import with_typed_metadata
from audience_lab.press_cases import CASES, SHOWS
from audience_lab.sample_site import SiteServer, write_sources

DATE = CASES[0].date  # La ruleta's broadcast with pictures on the sample site


def test_candidates_for_every_pending_post(site: SiteServer, tmp_path: Path) -> None:
    database = DatabaseResource(url=f"sqlite:///{tmp_path}/a.db")
    sheets = [dataclasses.replace(s, broadcast_date=DATE) for s in STUDY_SHEETS[:3]]
    store_plan(database, DATE, sheets)
    list(post_drafts(context=dg.build_asset_context(partition_key=DATE),
                     config=DraftingConfig(mode="template"),
                     llm=OllamaResource(host="http://127.0.0.1:9"), database=database))
    sources = write_sources(site.root, site.url, tmp_path / "images.yaml", shows=SHOWS)
    results = image_candidates(
        context=dg.build_asset_context(partition_key=DATE),
        images=ImagesResource(sources_file=str(sources), delay_s=0.0, timeout_s=5.0),
        database=database, storage=StorageResource(output_dir=str(tmp_path / "out")),
        solr=SolrResource(url="http://127.0.0.1:9/solr/none", connect_timeout=0.5),
        analysis=AnalysisResource())
    assert isinstance(results, Iterator)
    output, *checks = with_typed_metadata(list(results))
    assert isinstance(output, dg.MaterializeResult)
    assert {c.check_name: c.passed for c in checks} == {
        "every_pending_post_has_a_candidate": True, "stored_files_exist_and_decode": True,
        "candidates_come_from_the_sources": True}

    rows = load_candidates(database.engine(), DATE)
    by_sheet: dict[str, list[dict]] = {}
    for row in rows:
        by_sheet.setdefault(row["sheet_key"], []).append(row)
    assert len(by_sheet) == 3
    ruleta = next(v for k, v in by_sheet.items() if "@laruletasuerte" in k)
    assert ruleta[0]["image_url"].endswith(CASES[0].best) and not ruleta[0]["default"]
    assert [r["default"] for r in ruleta[-3:]] == [True, True, True]
    # A programme without pictures in its window still gets its three defaults.
    basura = next(v for k, v in by_sheet.items() if "@basuraotesoro" in k)
    assert len(basura) == 3 and all(r["default"] for r in basura)

    meta = output.metadata
    assert meta["posts"].value == 3 and meta["dagster/row_count"].value == len(rows)
    assert meta["solr"].value.startswith("not indexed")
    with Image.open(meta["contact_sheet"].value) as png:
        assert png.format == "PNG" and png.height > 200
    assert CASES[0].best in meta["top_candidates"].value

    # A re-run replaces the day and downloads nothing new.
    again = with_typed_metadata(list(image_candidates(
        context=dg.build_asset_context(partition_key=DATE),
        images=ImagesResource(sources_file=str(sources), delay_s=0.0, timeout_s=5.0),
        database=database, storage=StorageResource(output_dir=str(tmp_path / "out")),
        solr=SolrResource(url="http://127.0.0.1:9/solr/none", connect_timeout=0.5),
        analysis=AnalysisResource())))
    assert again[0].metadata["downloaded"].value == 0
    assert len(load_candidates(database.engine(), DATE)) == len(rows)
