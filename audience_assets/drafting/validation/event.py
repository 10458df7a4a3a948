"""Rules event.missing and event.invented: say the event, and claim nothing else."""

from __future__ import annotations

import re

from .config import Concept
from .context import NUMBER_BOUNDARY_RE, Post
from .model import Violation
from .text import find_phrases, fold, fold_word

_METRICS = ("unique_viewers", "avg_audience", "share")
_CLAIM_WINDOW_RE = re.compile(NUMBER_BOUNDARY_RE.pattern + r"|[!?:]|\d")


def _concepts_of(event_folded: str, concepts: list[Concept]) -> list[Concept]:
    return [c for c in concepts if find_phrases(event_folded, c.in_event)]


def _regions_of(folded: str, post: Post) -> list[str]:
    return [r.name for r in post.config.events.regions if find_phrases(folded, r.aliases)]


def check(post: Post) -> list[Violation]:
    event_f = fold(post.facts.event)
    concepts = post.config.events.concepts
    in_event = _concepts_of(event_f, concepts) if event_f.strip() else []
    found = []
    if event_f.strip():
        found.extend(_missing(post, event_f, in_event))
    found.extend(_invented(post, event_f, in_event))
    return found


def _missing(post: Post, event_f: str, in_event: list[Concept]) -> list[Violation]:
    conveyed_text = post.claim_text + " " + fold(post.hashtag_words)
    lacking = [c.message for c in in_event if not find_phrases(conveyed_text, c.conveyed_by)]
    regions = post.config.events.regions
    for region in regions:
        if find_phrases(event_f, region.aliases) and not find_phrases(conveyed_text,
                                                                       region.aliases):
            lacking.append(region.name)
    if not in_event and not lacking:
        # An event the concept table does not know: ask for most of its words.
        words = [w for w in re.findall(r"\w{5,}", event_f)]
        present = [w for w in words if w in conveyed_text]
        if words and len(present) * 2 < len(words):
            lacking.append(", ".join(w for w in words if w not in present))
    if not lacking:
        return []
    why = "; ".join(lacking)
    return [Violation("event.missing",
                      f"No se transmite el evento «{post.facts.event}»: falta {why}.", None)]


def _invented(post: Post, event_f: str, in_event: list[Concept]) -> list[Violation]:
    supported = {c.id for c in in_event}
    facts_f = post.facts.search_text
    # A target or region in the fact sheet supports saying it.
    for concept in post.config.events.concepts:
        if concept.claims and find_phrases(fold(post.facts.target), concept.in_event):
            supported.add(concept.id)
    found: list[Violation] = []
    reported: set[str] = set()
    for concept in post.config.events.concepts:
        if not concept.claims:
            continue
        hits = find_phrases(post.claim_text, concept.claims)
        if not hits:
            continue
        _, span = hits[0]
        if concept.id not in supported:
            if concept.id not in reported:
                reported.add(concept.id)
                found.append(Violation(
                    "event.invented",
                    f"«{post.text[span[0]:span[1]]}»: afirma {concept.message}, "
                    f"que la ficha no respalda (evento: «{post.facts.event or 'ninguno'}»).",
                    span))
            continue
        wrong = _wrong_metric(post, event_f, hits)
        if wrong and concept.id not in reported:
            reported.add(concept.id)
            found.append(Violation(
                "event.invented",
                f"«{post.text[wrong[0]:wrong[1]]}»: el evento es «{post.facts.event}», "
                "no sobre esa métrica.", wrong))
    stems = post.config.events.hashtag_claim_stems
    names = post.name_candidates
    for tag in post.hashtags:
        body = fold_word(tag.body)
        if body in names:
            continue
        for concept_id, concept_stems in stems.items():
            if concept_id in supported or concept_id in reported:
                continue
            if any(fold_word(s) in body for s in concept_stems):
                reported.add(concept_id)
                found.append(Violation(
                    "event.invented",
                    f"El hashtag {tag.text} afirma algo que la ficha no respalda "
                    f"(evento: «{post.facts.event or 'ninguno'}»).", tag.span))
    for region in post.config.events.regions:
        hits = find_phrases(post.claim_text, region.aliases)
        if hits and not find_phrases(facts_f, region.aliases) and not any(
            fold_word(a) in fold_word(" ".join(post.facts.required_handles))
            for a in region.aliases
        ):
            span = hits[0][1]
            found.append(Violation(
                "event.invented",
                f"«{post.text[span[0]:span[1]]}»: la ficha no habla de {region.name}.", span))
    return found


def _wrong_metric(post: Post, event_f: str, hits: list[tuple[str, tuple[int, int]]]
                  ) -> tuple[int, int] | None:
    """A record claimed for another metric than the event's ('máximo histórico de cuota')."""
    by_id = {c.id: c for c in post.config.events.concepts}
    event_metrics = {m for m in _METRICS if m in by_id and find_phrases(event_f, by_id[m].in_event)}
    if not event_metrics:
        return None
    for _, (start, end) in hits:
        window = post.claim_text[end:end + 45]
        cut = _CLAIM_WINDOW_RE.search(window)
        window = window[: cut.start()] if cut else window
        for metric in _METRICS:
            if metric in by_id and metric not in event_metrics and find_phrases(
                    window, by_id[metric].in_event):
                return (start, end)
    return None
