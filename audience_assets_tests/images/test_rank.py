"""Ranking: the reasons and order of the offline ranker on labelled sample cases, the date
fit, defaults always last, and the baselines' behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest

from audience_assets.images.crawl import Candidate, Post, crawl
from audience_assets.images.fetch import Fetcher, FetchSettings
from audience_assets.images.posts import post_from_sheet
from audience_assets.images.rank import (
    FirstImageRanker,
    NewestRanker,
    OfflineRanker,
    date_fit,
    rank,
    read_text,
    shows_programme,
)
from audience_assets.images.sources import load_sources
from audience_lab.press_cases import CASES
from audience_lab.sample_site import SiteServer, write_sources

FAST = FetchSettings(delay_s=0.0, timeout_s=5.0, allow_private_addresses=True)


def _crawl(case_index: int, site: SiteServer, out: Path) -> tuple[Post, list[Candidate]]:
    case = CASES[case_index]
    sources = load_sources(write_sources(site.root, site.url, out / f"{case.case_id}.yaml",
                                         shows=(case.show,)))
    post = post_from_sheet({"title": case.show.handle, "channel": case.show.channel},
                           case.date, case.post)
    result = crawl(post, sources, Fetcher(sources.hosts, out / "cache", FAST), out)
    return post, result.candidates


def _name(c: Candidate) -> str:
    return c.image_url.rsplit("/", 1)[-1]


# c01: the audience release is the day after (the newest picture ties with the promo);
# c02: the right picture has no alt text; OCR reads the programme's name printed inside it.
@pytest.mark.parametrize("case_index", [1, 2])
def test_offline_ranker_puts_the_labelled_picture_first(
        case_index: int, site: SiteServer, tmp_path: Path) -> None:
    post, candidates = _crawl(case_index, site, tmp_path)
    ranked = rank(post, candidates, OfflineRanker())
    assert _name(ranked[0].candidate) == CASES[case_index].best
    assert [r.rank for r in ranked] == list(range(1, len(ranked) + 1))
    # The pictures with evidence they show the programme, then its three defaults.
    first_default = next(i for i, r in enumerate(ranked) if r.candidate.default)
    assert all(r.candidate.default for r in ranked[first_default:first_default + 3])
    assert all(shows_programme(r.reasons) for r in ranked[:first_default])
    top = ranked[0].reasons
    assert any(r.startswith("date: ") for r in top)
    assert any(r.startswith("programme named in") for r in top)
    assert any(r.startswith("similarity to the post") for r in top)
    if case_index == 2:
        assert ranked[0].candidate.alt == ""
        ocr = next(r for r in top if r.startswith("text in picture"))
        assert "debatedegh" in ocr.replace(" ", "").lower()


def test_ocr_reads_spanish_text_in_a_picture(site: SiteServer, tmp_path: Path) -> None:
    _post, candidates = _crawl(0, site, tmp_path)
    best = next(c for c in candidates if _name(c) == CASES[0].best)
    assert "RULETA" in read_text(best.path).upper()


def _cand(name: str, published: str, position: int, default: bool = False) -> Candidate:
    return Candidate(f"http://h/{name}", "http://h/p", published, 1200, 630, name, "0" * 16,
                     f"/nope/{name}", default, position=position, networks=("x",))


def test_baselines_and_defaults_last() -> None:
    post = Post("2026-01-10", "@a", "@b")
    cands = [_cand("old.jpg", "2026-01-08", 0), _cand("lead.jpg", "2026-01-10", 0),
             _cand("second.jpg", "2026-01-10", 1), _cand("new.jpg", "2026-01-11", 0),
             _cand("default.jpg", "", 0, default=True)]
    first = [_name(r.candidate) for r in rank(post, cands, FirstImageRanker())]
    newest = [_name(r.candidate) for r in rank(post, cands, NewestRanker())]
    assert first[0] == "lead.jpg" and first[-1] == "default.jpg"
    assert newest[0] == "new.jpg" and newest[-1] == "default.jpg"


@pytest.mark.parametrize(("published", "fit"), [
    ("2026-01-10", 1.0), ("2026-01-11", 0.8), ("2026-01-09", 0.4), ("2026-01-05", 0.15),
    ("", 0.3)])
def test_date_fit_prefers_the_broadcast_day_then_the_day_after(published: str,
                                                                fit: float) -> None:
    assert date_fit(published, "2026-01-10")[0] == fit


@pytest.mark.parametrize("case_index", [10, 22])
def test_a_programmes_configured_short_name_is_evidence_on_pages_that_use_it(
        case_index: int, site: SiteServer, tmp_path: Path) -> None:
    """"EL DESMARQUE CUATRO" (the file's title) is "El Desmarque" on the pages: with its
    short name in the client's analysis config, the labelled picture leads, not a default."""
    from audience_assets.analysis.config import load_analysis_config
    from audience_assets.resources.analysis import AnalysisResource

    case = CASES[case_index]
    config = load_analysis_config(AnalysisResource().config_file)
    post = post_from_sheet({"title": case.show.title, "channel": "@cuatro"}, case.date,
                           case.post, config)
    assert "El Desmarque" in post.programme_names
    sources = load_sources(write_sources(site.root, site.url, tmp_path / "s.yaml",
                                         shows=(case.show,)))
    result = crawl(post, sources, Fetcher(sources.hosts, tmp_path / "cache", FAST), tmp_path)
    ranked = rank(post, result.candidates, OfflineRanker())
    assert _name(ranked[0].candidate) == case.best and shows_programme(ranked[0].reasons)
