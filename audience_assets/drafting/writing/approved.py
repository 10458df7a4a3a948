"""From a post the desk approved to a few-shot example (issue 21, item 5).

`delexicalise`: an approved post -> the wording with the placeholders examples.yaml uses
({programa} {cadena} {espectadores} {audiencia} {cuota} {evento}) and its two emojis, or
why it cannot be an example. The result must pass the checks every examples.yaml example
passes (the natural writer's grammar admits no digit, handle or hashtag), so an approved
post never carries a day's figures into another day's prompt. `pool` builds the learned
pool from these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import regex

from audience_assets.analysis import names
from audience_assets.drafting.validation import scope
from audience_assets.drafting.validation.config import load_config
from audience_assets.drafting.validation.context import Facts
from audience_assets.drafting.validation.data import NUMBER_RE, to_value
from audience_assets.drafting.validation.text import fold
from audience_assets.drafting.writing import events, templates
from audience_assets.drafting.writing.natural import example_problems
from audience_assets.drafting.writing.writers import EMOJI_RE
from audience_assets.records import FactSheet


@dataclass(frozen=True, slots=True)
class Approval:
    """One post the desk approved: its draft, the text approved, who and when."""

    draft_id: int
    broadcast_date: str
    sheet_key: str
    network: str
    generated_text: str
    final_text: str
    approved_by: str
    approved_at: float
    fact_sheet: Mapping[str, Any]

    @property
    def edited(self) -> bool:
        return self.final_text.strip() != self.generated_text.strip()


# Where {evento} reads for any event: opening a sentence or a heading, after a colon,
# a comma, "y" or "que" (as a clause: the fill writes it so).
_EVENT_SLOT_RE = re.compile(r"(?:^|[.:;,]\s+|\b(?:[yY]|que)\s+|\{programa\}\s+)\{evento\}")
_HASHTAG_RE = regex.compile(r"#[\p{L}\p{N}_]+")
_TIME_RE = re.compile(
    r"\s*\(?\b(?:a\s+las|desde\s+las|de\s+las|las)?\s*\d{1,2}[:.]\d{2}\s*(?:h\b|horas\b)\)?",
    re.IGNORECASE)


def _replace_first(text: str, phrases: Iterable[str], placeholder: str) -> tuple[str, bool]:
    """The longest of `phrases` found in `text` (any case, whole words) -> placeholder."""
    for phrase in sorted({p.strip() for p in phrases if p and p.strip()}, key=len,
                         reverse=True):
        pattern = re.compile(r"(?<![\w@#])" + re.escape(phrase) + r"(?![\w])", re.IGNORECASE)
        if pattern.search(text):
            return pattern.sub(placeholder, text, count=1), True
    return text, False


def _programme_names(sheet: FactSheet) -> list[str]:
    shown = templates.placeholder_values(sheet)["programa"]
    out = [shown, sheet.title, sheet.source_title]
    first, _, rest = shown.partition(" ")
    if first.lower() in names.ARTICLES and rest:
        out.append(rest)  # "del Real Madrid-..." contracted: the name without its article
    return [n for n in out if n]


def _event_labels(sheet: FactSheet) -> list[str]:
    story = sheet.evidence.get("story", {}) if isinstance(sheet.evidence, Mapping) else {}
    labels = [sheet.event, re.split(r",\s*también\b", sheet.event, maxsplit=1)[0],
              str(story.get("lead_event") or "")]
    return [label for label in labels if label]


def _replace_event(text: str, sheet: FactSheet) -> tuple[str, bool]:
    """The event as a clause where the writer's fill would write one (a sentence of its
    own, after "y" or "que": "Fue lo más visto del día."), else as its label."""
    # Also as the programme's predicate: "@eldebatedegh fue lo más visto del día."
    names = "|".join(re.escape(n) for n in _programme_names(sheet))
    for label in sorted(set(_event_labels(sheet)), key=len, reverse=True):
        clause = events.event_clause(label)
        if clause and clause.lower() != label.lower():
            pattern = re.compile(r"(^|[.?]\s+|\b[yY]\s+|\bque\s+"
                                 + (rf"|(?:{names})\s+" if names else "") + ")"
                                 + re.escape(clause) + r"(?![\w])", re.IGNORECASE)
            if pattern.search(text):
                return pattern.sub(lambda m: m.group(1) + "{evento}", text, count=1), True
    return _replace_first(text, _event_labels(sheet), "{evento}")


def _strip_scope(text: str, sheet: FactSheet) -> str:
    """Whose figures they are is the fill's to say (data.scope adds the note a sheet
    needs): ", en Cataluña", "en el conjunto de España" leave the example."""
    words = load_config().words
    places = [p for p in words.scope_national_phrases]
    if fold(sheet.region) not in scope.NATIONAL:
        places.append(sheet.region)
    for place in sorted(places, key=len, reverse=True):
        text = re.sub(r",?\s+(?:en|de|para)\s+(?:el\s+|la\s+)?" + re.escape(place) + r"\b",
                      "", text, flags=re.IGNORECASE)
    return text


def _figure_name(value: float, percent: bool, sheet: FactSheet) -> str | None:
    if percent:
        return "cuota" if abs(value - sheet.share) <= 0.05 + 1e-9 else None
    exact = {"espectadores": sheet.unique_viewers, "audiencia": sheet.avg_audience}
    for name, expected in exact.items():
        if value == expected:
            return name
    close = [(abs(value - e) / e, n) for n, e in exact.items() if e and abs(value - e) / e <= 0.05]
    return min(close)[1] if close else None


def delexicalise(text: str, sheet: FactSheet, allowed_emojis: Sequence[str]
                 ) -> tuple[str, tuple[str, str]] | str:
    """(wording with placeholders, two emojis), or why the post cannot be an example."""
    body = _HASHTAG_RE.sub(" ", text)
    graphemes = regex.findall(r"\X", body)
    found = [g for g in graphemes if EMOJI_RE.search(g)]
    body = "".join(g for g in graphemes if not EMOJI_RE.search(g))
    body = re.sub(r"\s+", " ", body).strip()
    config = load_config()
    note = scope.required_note(Facts.of(sheet), config)
    if note:
        body = re.sub(re.escape(note), " ", body, flags=re.IGNORECASE)
    # Names and the event first: they may hold digits ("Telenoticias 2", "de 25 a 44
    # años", "a las 20:58") that are no figure of the sheet.
    if sheet.event:
        body, ok = _replace_event(body, sheet)
        if not ok:
            return "el evento no aparece con sus palabras (reescrito por el editor)"
    body, ok = _replace_first(body, _programme_names(sheet), "{programa}")
    if not ok:
        return "el programa no aparece con su nombre ni su cuenta"
    if sheet.event and not _EVENT_SLOT_RE.search(body):
        # "en su {evento}" reads for "minuto de oro", not for "lo más visto del día"
        return "el evento va en un sitio que solo sirve para ese evento"
    # "El Pasapalabra reunió": the article was this programme's; the fill gives a name
    # its own ("la final de ...") and contracts "de el", so the example keeps none.
    body = re.sub(r"\b(?:[Ee]l|[Ll]a|[Ll]os|[Ll]as)\s+\{programa\}", "{programa}", body)
    body = re.sub(r"\b([Dd]e|[Aa])l\s+\{programa\}", r"\1 {programa}", body)
    body, ok = _replace_first(body, [sheet.channel], "{cadena}")
    if not ok:
        return "la cadena no aparece con su cuenta"
    body = _TIME_RE.sub("", body)
    body = _strip_scope(body, sheet)
    if (region := scope.names_region(templates.PLACEHOLDER_RE.sub(" ", body), load_config())):
        return f"nombra una región ({region}): solo vale para esa historia"
    # Figures, from the end so the spans stay right: each number must be one of the
    # sheet's three (exact, or rounded within 5 %), else the post is no example.
    for m in reversed(list(NUMBER_RE.finditer(body))):
        value, _ = to_value(m.group("num"), (m.group("mult") or "").lower())
        name = _figure_name(value, bool(m.group("pct")), sheet)
        if name is None:
            return f"una cifra que no es de la ficha: {m.group(0).strip()!r}"
        end = m.end()
        if m.group("mult"):  # "5,4 millones de espectadores" -> "{espectadores} espectadores"
            tail = re.match(r"\s+de(?=\s+espectadores\b)", body[end:])
            end += tail.end() if tail else 0
        body = body[:m.start()] + "{" + name + "}" + body[end:]
    body = re.sub(r"\s+([,.;:])", r"\1", re.sub(r"\s+", " ", body)).strip()
    body = re.sub(r"[\s,;:]+$", "", body)
    if not body.endswith("."):
        body += "."
    body = body[:1].upper() + body[1:] if body[:1].islower() else body
    has_event = bool(sheet.event)
    problems = example_problems(body, has_event)
    if problems:
        return "; ".join(problems)
    return body, _two_emojis(found, allowed_emojis, sheet.key)


def _two_emojis(found: Sequence[str], allowed: Sequence[str], key: str) -> tuple[str, str]:
    marks = [e for e in dict.fromkeys(found) if e in allowed][:2]
    rest = [e for e in allowed if e not in marks]
    while len(marks) < 2 and rest:
        marks.append(rest.pop(templates.stable_index(key, f"pool-emoji{len(marks)}", len(rest))))
    return marks[0], marks[1]
