"""Style rules: tense, exclamations, promotion, comparisons, context, time references, markup.

They read only the writer's own words: the fact sheet's strings (a title may
hold verbs, capitals or '!'), handles, hashtags, URLs and emojis are masked.
"""

from __future__ import annotations

import re

from .context import Post
from .model import Violation
from .text import MASK, find_phrases, fold, mask_spans

# A clock time may end a sentence ("a las 21:15."), but "21.150" is a figure.
_CLOCK_RE = re.compile(r"(?<![\w.,])(?:[01]?\d|2[0-9])[:.h][0-5]\d(?:\s?h)?(?![\w%]|[.,]\d)"
                       r"|(?<![\w.,])\d{1,2}\s?h(?!\w)")
_DATE_RE = re.compile(r"(?<![\w.,])\d{1,2}[/-]\d{1,2}(?:[/-]\d{2,4})?(?![\w%])")
_EXCLAMATION_RE = re.compile(r"[!¡‼❗❕⁉]")
_MARKDOWN_RE = re.compile(r"\*\*|__|`|\*[^\s*][^*\n]*\*|~~|\[[^\]]*\]\([^)]*\)")
_LINE_MARK_RE = re.compile(r"(?m)^[ \t]*(?:#{1,6}\s|[-*•]\s|>\s?|\d+[.)]\s)")
_BRACKETS_RE = re.compile(r"[\[\]{}<>]")
_PARENS_RE = re.compile(r"\(([^()]*)\)")
_NOTE_LINE_RE = re.compile(
    r"(?im)^[ \t]*(?:nota|note|p\.?\s?d\.?|p\.?\s?s\.?|fuente|source)\s*[:.\-]")
_QUOTED_HANDLE_RE = re.compile(r"[\"“”'‘’«»]\s*[@#]\w+\s*[\"“”'‘’«»]")
_FANCY_LETTERS_RE = re.compile(r"[\U0001D400-\U0001D7FF]")
_WORD_RE = re.compile(r"[^\W\d_]+")


def check(post: Post) -> list[Violation]:
    found: list[Violation] = []
    found.extend(_exclamation(post))
    found.extend(_phrase_rule(post, "style.promotional", post.config.words.promotional,
                              "lenguaje promocional o valorativo; el texto debe ser neutro"))
    found.extend(_phrase_rule(post, "style.comparison", post.config.words.comparison,
                              "comparación con otros programas, que no está en los datos",
                              event_backed=True))
    found.extend(_phrase_rule(post, "style.context", post.config.words.context,
                              "contexto que no está en los datos (presentadores, resultado...)"))
    found.extend(_time_reference(post))
    found.extend(_markup(post))
    return found


def _exclamation(post: Post) -> list[Violation]:
    # Emojis are not masked here: ‼ and ❗ are exclamations too.
    text = mask_spans(post.text, [*post.fact_spans, *post.event_spans])
    return [Violation("style.exclamation", "Sin exclamaciones: el tono debe ser informativo.",
                      m.span())
            for m in _EXCLAMATION_RE.finditer(text)][:1]


def _phrase_rule(post: Post, rule: str, phrases: list[str], why: str,
                 event_backed: bool = False) -> list[Violation]:
    """`event_backed`: a phrase the event itself says is data ("se situó muy por encima
    de la media mensual de @La2_tve" for the event "Muy por encima de la media mensual de
    la cadena"; an editor's post the validator refused, 2026-12-03)."""
    event_f = " ".join(fold(post.facts.event).split()) if event_backed else ""
    text = post.style_folded

    def backed(s: int, e: int) -> bool:
        # The comparison and what it compares with, as the event says it: "por encima
        # de la media"; not "por encima de El Intermedio".
        said = " ".join((text[s:e] + " " + " ".join(text[e:].split()[:2])).split())
        return bool(event_f) and said in event_f

    return [Violation(rule, f"«{post.text[s:e]}»: {why}.", (s, e))
            for _, (s, e) in find_phrases(text, phrases) if not backed(s, e)]


def _time_reference(post: Post) -> list[Violation]:
    event_f = fold(post.facts.event)
    found = []
    for phrase, span in find_phrases(post.style_folded, post.config.words.time_reference):
        if event_f and find_phrases(event_f, [phrase]):
            continue  # the event itself names the slot ("Líder del prime time")
        found.append(span)
    for regex in (_CLOCK_RE, _DATE_RE):
        found.extend(m.span() for m in regex.finditer(post.style_text))
    return [Violation("style.time_reference",
                      f"«{post.text[s:e]}»: referencia temporal (día, fecha, hora, franja o "
                      "emisión) que no está en los datos.", (s, e))
            for s, e in sorted(set(found))]


def _markup(post: Post) -> list[Violation]:
    text, words = post.style_text, post.config.words
    found: list[tuple[tuple[int, int], str]] = []
    for m in _MARKDOWN_RE.finditer(text):
        found.append((m.span(), "formato markdown"))
    for m in _LINE_MARK_RE.finditer(text):
        found.append((m.span(), "encabezado o lista en markdown"))
    for m in _BRACKETS_RE.finditer(text):
        found.append((m.span(), "corchetes, llaves o marcadores de plantilla"))
    for m in _NOTE_LINE_RE.finditer(text):
        found.append((m.span(), "nota añadida al texto"))
    for m in _PARENS_RE.finditer(text):
        inner = fold(m.group(1))
        if find_phrases(inner, words.note_words) or len(inner.split()) > 6:
            found.append((m.span(), "nota entre paréntesis"))
    for m in _QUOTED_HANDLE_RE.finditer(post.text):
        found.append((m.span(), "comillas alrededor de una cuenta o hashtag"))
    for m in _FANCY_LETTERS_RE.finditer(text):
        found.append((m.span(), "letras con formato (negrita o cursiva Unicode)"))
    found.extend((span, "palabras en mayúsculas que no son siglas") for span in _capitals(post))
    seen: set[tuple[int, int]] = set()
    out = []
    for span, why in sorted(found):
        if span in seen:
            continue
        seen.add(span)
        out.append(Violation("style.markup", f"«{post.text[span[0]:span[1]]}»: {why}.", span))
    return out


def _capitals(post: Post) -> list[tuple[int, int]]:
    acronyms = {a.upper() for a in post.config.words.acronyms}
    caps = [m for m in _WORD_RE.finditer(post.style_text)
            if m.group(0).isupper() and len(m.group(0)) >= 2 and m.group(0) not in acronyms
            and MASK not in m.group(0)]
    spans = []
    for m in caps:
        adjacent = any(c is not m and (0 <= c.start() - m.end() <= 2
                                       or 0 <= m.start() - c.end() <= 2) for c in caps)
        if len(m.group(0)) >= 4 or adjacent:
            spans.append(m.span())
    return spans
