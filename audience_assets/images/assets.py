"""Images: each pending post of the day -> ranked image candidates (crawled pictures of
the broadcast window, the programme's defaults last) -> SQL table `image_candidates`,
the search index beside the records, and a contact sheet of the day."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
import pysolr

from audience_assets.analysis.config import AnalysisConfigError, load_analysis_config
from audience_assets.drafting.assets import post_drafts
from audience_assets.drafting.store import load_drafts
from audience_assets.drafting.writing.loop import REVIEW_PENDING
from audience_assets.images.candidates import find_candidates
from audience_assets.images.checks import SPECS, check_results
from audience_assets.images.crawl import CrawlSettings
from audience_assets.images.fetch import Fetcher, FetchSettings
from audience_assets.images.posts import post_from_sheet
from audience_assets.images.rank import Ranked
from audience_assets.images.search import index_candidates
from audience_assets.images.sources import SourcesError, load_sources
from audience_assets.images.store import contact_sheet, for_network, replace_candidates, rows_for
from audience_assets.images.vision import choose_ranker
from audience_assets.partitions import broadcast_days
from audience_assets.resources.analysis import AnalysisResource
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.images import ImagesResource
from audience_assets.resources.solr import SolrResource
from audience_assets.resources.storage import StorageResource
from audience_assets.timing import timed


def _words(ranked: list[Ranked]) -> list[str]:
    return [w for r in ranked for w in (r.candidate.alt, r.candidate.caption,
                                        r.candidate.credit) if w]


@dg.asset(
    partitions_def=broadcast_days,
    group_name="images",
    deps=[post_drafts],
    kinds={"sql", "solr"},
    check_specs=SPECS,
    code_version="1",
)
@timed
def image_candidates(
    context: dg.AssetExecutionContext,
    images: ImagesResource,
    database: DatabaseResource,
    storage: StorageResource,
    solr: SolrResource,
    analysis: AnalysisResource,
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """Ranked image candidates for every post of the day awaiting review, stored in table
    `image_candidates`, added to the broadcast's search document, and shown as one
    contact sheet; the programme's default pictures are always the last resort."""
    date = context.partition_key
    try:
        sources = load_sources(Path(images.sources_file))
    except SourcesError as exc:
        raise dg.Failure(str(exc), allow_retries=False) from exc
    try:
        config = load_analysis_config(analysis.config_file)
    except AnalysisConfigError:
        config = None
    drafts = [d for d in load_drafts(database.engine(), date) if d["status"] == REVIEW_PENDING]
    sheets: dict[str, tuple[dict[str, Any], str, list[str]]] = {}
    for d in drafts:  # one crawl per fact sheet, one ranked list per network
        _sheet, _text, networks = sheets.setdefault(d["sheet_key"],
                                                    (d["fact_sheet"], d["text"], []))
        networks.append(d["network"])
    out = storage.path("output_dir") / "images"
    fetcher = Fetcher(sources.hosts, out / "http-cache", FetchSettings(
        images.user_agent, images.delay_s, images.timeout_s, images.max_bytes,
        sources.allow_private_addresses))
    ranker, ranker_note = choose_ranker(images.vision_model, images.ollama_host)
    context.log.info(f"{len(drafts)} pending posts; ranker: {ranker_note}")
    if not sources.sources and drafts:
        # Said once per day here (and in the check's warning), not once per post.
        context.log.warning(f"no image sources in {sources.path}: default pictures only; "
                            "see the check every_pending_post_has_a_candidate for what to do")

    rows: list[dict[str, Any]] = []
    per_sheet = []
    top: list[dict[str, Any]] = []
    for key, (sheet, text, networks) in sheets.items():
        post = post_from_sheet(sheet, date, text, config)
        ranked, result = find_candidates(post, sources, fetcher, out, ranker, CrawlSettings())
        for network in networks:
            sheet_rows = rows_for(date, key, network, for_network(ranked, network),
                                  ranker.name, storage.path("output_dir"))
            rows += sheet_rows
            first = sheet_rows[0] if sheet_rows else None
            top.append({"post": sheet.get("title", key), "network": network,
                        "candidates": len(sheet_rows),
                        "crawled": sum(1 for r in sheet_rows if not r["default"]),
                        "rejected": len(result.rejected),
                        "top": (first["image_url"] if first else "none"),
                        "score": first["score"] if first else 0.0})
        per_sheet.append((sheet, rows_for(date, key, "", ranked, ranker.name), _words(ranked)))
        context.log.info(f"{sheet.get('title', key)}: {len(ranked)} candidates "
                         f"({len(result.rejected)} pictures or pages left out)")
    replace_candidates(database.engine(), date, rows)

    try:
        client = solr.client()
        indexed, unmatched = index_candidates(client, date, per_sheet)
        solr_note = f"{indexed} broadcast documents updated, {unmatched} without a document"
    except (pysolr.SolrError, OSError) as exc:
        solr_note = f"not indexed: {exc}"[:300]
        context.log.warning(f"image candidates not indexed in Solr: {exc}")

    labelled = {f"{s.get('title', k)} · {s.get('channel', '')}": candidates
                for (s, candidates, _w), k in zip(per_sheet, sheets, strict=True)}
    sheet_png = contact_sheet(labelled, out / "contact-sheets" / f"{date}.png")
    downloads = fetcher.downloaded()
    yield dg.MaterializeResult(metadata={
        "dagster/row_count": len(rows),
        "posts": len(drafts),
        "top_candidates": dg.MetadataValue.md(
            pd.DataFrame(top).to_markdown(index=False) if top else "no pending posts"),
        "contact_sheet": dg.MetadataValue.path(str(Path(sheet_png).resolve())),
        "ranker": ranker_note,
        "downloaded": len(downloads),
        "not_modified": sum(1 for _u, o in fetcher.log if o == "not-modified"),
        "refused": sum(1 for _u, o in fetcher.log if o.startswith("refused")),
        "solr": solr_note,
        "sources_file": str(sources.path),
    })
    yield from check_results([(d["sheet_key"], d["network"]) for d in drafts], rows, sources,
                             storage.path("output_dir"), date)
