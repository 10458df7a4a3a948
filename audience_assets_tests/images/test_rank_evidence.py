"""A crawled picture leads only with evidence it shows the programme; otherwise the
programme's defaults lead, flagged for the desk ("sin foto del programa; por defecto")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from audience_assets.images.crawl import Candidate, Post
from audience_assets.images.rank import (
    NO_PROGRAMME_PHOTO,
    NO_PROGRAMME_PHOTO_NO_DEFAULT,
    VISION_EVIDENCE,
    FirstImageRanker,
    OfflineRanker,
    rank,
)
from audience_assets.images.vision import VisionRanker, parse_answer

POST = Post("2026-01-10", "@laruletasuerte", "@antena3com",
            programme_names=("La ruleta de la suerte",))


def _cand(name: str, alt: str = "", caption: str = "", default: bool = False,
          published: str = "2026-01-10", position: int = 0) -> Candidate:
    return Candidate(f"http://h/{name}", "http://h/p", published, 1200, 630, name, "0" * 16,
                     f"/nope/{name}", default, alt=alt, caption=caption, position=position,
                     networks=("x",))


@dataclass
class FakeScoresRanker:
    """Named fake: fixed scores; reasons as given (what a real ranker would say)."""

    reasons: dict[str, list[str]] = field(default_factory=dict)
    name: str = "fake"
    checks_evidence: bool = True

    def score(self, post: Post, candidates: Sequence[Candidate]
              ) -> list[tuple[float, list[str]]]:
        return [(10.0 - i, self.reasons.get(c.sha256, [])) for i, c in enumerate(candidates)]


def _names(ranked) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.candidate.sha256 for r in ranked]


def test_fresh_pictures_of_other_programmes_go_behind_the_defaults() -> None:
    cands = [_cand("hormiguero.jpg", alt="El Hormiguero, en el plató"),
             _cand("banner.jpg", alt="Antena 3 comunicación"),
             _cand("ruleta-1.jpg", default=True), _cand("ruleta-2.jpg", default=True)]
    ranked = rank(POST, cands, OfflineRanker(use_ocr=False, use_similarity=False))
    names = _names(ranked)
    assert names[:2] == ["ruleta-1.jpg", "ruleta-2.jpg"]
    assert set(names[2:]) == {"hormiguero.jpg", "banner.jpg"}
    assert ranked[0].reasons[0] == NO_PROGRAMME_PHOTO == "sin foto del programa; por defecto"
    assert all("no evidence it shows the programme" in r.reasons for r in ranked[2:])


def test_a_picture_naming_the_programme_still_leads() -> None:
    cands = [_cand("banner.jpg", alt="Antena 3 comunicación"),
             _cand("ruleta.jpg", caption="La ruleta de la suerte logró su mejor dato"),
             _cand("ruleta-1.jpg", default=True)]
    ranked = rank(POST, cands, OfflineRanker(use_ocr=False, use_similarity=False))
    assert _names(ranked) == ["ruleta.jpg", "ruleta-1.jpg", "banner.jpg"]
    assert any(r.startswith("programme named in caption") for r in ranked[0].reasons)
    assert NO_PROGRAMME_PHOTO not in ranked[1].reasons


def test_without_evidence_or_defaults_the_top_pick_says_so() -> None:
    ranked = rank(POST, [_cand("hormiguero.jpg", alt="El Hormiguero")],
                  FakeScoresRanker())
    assert ranked[0].reasons[0] == NO_PROGRAMME_PHOTO_NO_DEFAULT


def test_a_vision_models_confident_answer_counts_as_evidence() -> None:
    score, _reason = parse_answer({"message": {"content": '{"score": 9, "reason": "ok"}'}})
    assert score >= VISION_EVIDENCE
    ranker = FakeScoresRanker({"seen.jpg": ["vision: shows the programme (score 0.90)"]})
    ranked = rank(POST, [_cand("other.jpg"), _cand("seen.jpg"), _cand("d.jpg", default=True)],
                  ranker)
    assert _names(ranked) == ["seen.jpg", "d.jpg", "other.jpg"]
    assert VisionRanker(model="m").checks_evidence


def test_baselines_keep_defaults_last() -> None:
    cands = [_cand("hormiguero.jpg", alt="El Hormiguero"), _cand("d.jpg", default=True)]
    assert _names(rank(POST, cands, FirstImageRanker())) == ["hormiguero.jpg", "d.jpg"]
