"""House-style phrasings (data/config/post_templates.yaml) and the placeholders
shared by the guided and template writers.

A phrasing is a Spanish sentence with the placeholders {programa}, {cadena},
{espectadores}, {audiencia}, {cuota} and, when the fact sheet has an event,
{evento}. The code fills them with the exact values, so a post written from a
phrasing can never miscopy a figure or a handle.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from audience_assets import settings
from audience_assets.analysis import names
from audience_assets.drafting.validation import scope
from audience_assets.drafting.validation.config import load_config
from audience_assets.drafting.validation.context import Facts
from audience_assets.drafting.validation.figures import format_share, format_viewers
from audience_assets.drafting.validation.text import fold
from audience_assets.drafting.writing import events
from audience_assets.paths import config_dir
from audience_assets.records import FactSheet

TEMPLATES_FILE = Path(
    settings.get("AUDIENCE_POST_TEMPLATES")
    or config_dir() / "post_templates.yaml"
)

PLACEHOLDER_RE = re.compile(r"\{([a-zA-Z_áéíóúñ]+)\}")
DATA_PLACEHOLDERS = ("espectadores", "audiencia", "cuota")
NAME_PLACEHOLDERS = ("programa", "cadena")
EVENT_PLACEHOLDER = "evento"
ALL_PLACEHOLDERS = (*NAME_PLACEHOLDERS, *DATA_PLACEHOLDERS, EVENT_PLACEHOLDER)


class TemplateConfigError(ValueError):
    """post_templates.yaml is missing a section or has a phrasing that breaks the rules."""


def placeholder_values(sheet: FactSheet) -> dict[str, str]:
    return {
        # The plan already wrote the name (names.programme_name); a sheet that did not
        # go through the plan (the CLI, the benchmark) gets it here. Idempotent.
        "programa": names.display_name(sheet.title, sheet.description, sheet.genre),
        "cadena": sheet.channel,
        "espectadores": format_viewers(sheet.unique_viewers),
        "audiencia": format_viewers(sheet.avg_audience),
        "cuota": format_share(sheet.share),
        "evento": sheet.event,
    }


def placeholder_problems(sentence: str, has_event: bool) -> list[str]:
    """What is wrong with a sentence's placeholders, in Spanish (it is fed back
    to the model); empty when every datum appears once, figures in order."""
    found = PLACEHOLDER_RE.findall(sentence)
    problems = []
    unknown = sorted({name for name in found if name not in ALL_PLACEHOLDERS})
    if unknown:
        problems.append("marcadores desconocidos: " + ", ".join("{" + n + "}" for n in unknown))
    required = [*NAME_PLACEHOLDERS, *DATA_PLACEHOLDERS] + ([EVENT_PLACEHOLDER] if has_event else [])
    for name in required:
        count = found.count(name)
        if count != 1:
            problems.append(
                f"el marcador {{{name}}} debe aparecer exactamente una vez (aparece {count})"
            )
    if not has_event and EVENT_PLACEHOLDER in found:
        problems.append("no hay evento en los datos: quita {evento}")
    positions = [found.index(n) for n in DATA_PLACEHOLDERS if n in found]
    if len(positions) == len(DATA_PLACEHOLDERS) and positions != sorted(positions):
        problems.append("el orden de los datos debe ser {espectadores}, {audiencia}, {cuota}")
    if re.search(r"\d", PLACEHOLDER_RE.sub("", sentence)):
        problems.append("no escribas cifras: usa los marcadores")
    return problems


def fill(sentence: str, sheet: FactSheet) -> str:
    """The placeholders filled as a sentence carries them: a name or an event that
    starts a sentence with a capital ("La final de …"), inside one in lower case when
    it is a phrase ("…, lo más visto del día", "… reunió el Real Madrid-…"), and
    "de el"/"a el" contracted ("del Real Madrid-FC Barcelona")."""
    values = placeholder_values(sheet)
    # "{evento}. En {cadena}, …": the event opening the post as a sentence of its own is
    # a heading; written "Lo más visto del día: en @cuatro, …", not as a verbless
    # sentence nor as a clause without its subject.
    sentence = re.sub(r"^\s*\{evento\}\.\s*(\w?)",
                      lambda m: "{evento}: " + m.group(1).lower(), sentence)

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        filled = values.get(name, match.group(0))
        if name not in ("programa", "evento") or not filled:
            return filled
        before = sentence[: match.start()]
        after = sentence[match.end():]
        starts = bool(re.search(r"(?:^|[.?])\s*$", before))
        if name == "evento" and ((starts and re.match(r"\s*\.", after))
                                 or re.search(r"(?:\b[yY]|\bque|\{programa\})\s*$", before)):
            # A verb phrase is wanted: the event alone as a sentence ("… de cuota.
            # Lo más visto del día." reads as a caption), after "y"/"que", or as the
            # programme's predicate ("{programa} {evento}. En {cadena} reunió …": how
            # the editors open, "@eldebatedegh fue lo más visto del día.").
            filled = events.event_clause(filled)
        if starts:
            return filled[:1].upper() + filled[1:]
        if name == "evento" or filled.split(" ", 1)[0] in names.ARTICLES:
            return filled[:1].lower() + filled[1:]
        return filled

    filled_text = names.contract(PLACEHOLDER_RE.sub(value, sentence))
    # Whose figures they are, when the event speaks of another universe (data.scope).
    note = scope.required_note(Facts.of(sheet), load_config())
    if note and fold(note) not in fold(filled_text):
        filled_text = f"{filled_text.rstrip()} {note}"
    return filled_text


def stable_index(key: str, salt: str, n: int) -> int:
    """The same item always gets the same variant; different items spread out."""
    digest = hashlib.sha256(f"{salt}|{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % n


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFC", text) if c.isalnum() or c == "_")


def programme_hashtag(sheet: FactSheet) -> str:
    """The programme's own hashtag: the hint if the fact sheet has one, else the
    title's words before any handle (#FinalSupercopaDeEspaña), else its first
    handle (@laruletasuerte -> #laruletasuerte)."""
    if sheet.hashtag_hint.strip():
        return "#" + _plain(sheet.hashtag_hint.strip().lstrip("#"))
    words = [w for w in (_plain(w) for w in sheet.title.split("@", 1)[0].split()) if w]
    if words:
        # Kantar writes titles in capitals; a hashtag reads as #ElProgramaDeAnaRosa.
        if sheet.title.isupper():
            words = [w if any(c.isdigit() for c in w) else w.capitalize() for w in words]
        return "#" + "".join(w[:1].upper() + w[1:] for w in words)
    handle = re.search(r"@(\w+)", sheet.title)
    return "#" + (handle.group(1) if handle else _plain(sheet.title))


@dataclass(frozen=True, slots=True)
class TemplateConfig:
    with_event: tuple[str, ...]
    without_event: tuple[str, ...]
    hashtags: tuple[str, ...]  # general hashtags, after the programme's own
    emojdefault: tuple[str, str]
    emojis_by_genre: Mapping[str, tuple[str, str]]
    path: Path

    def emojis_for(self, sheet: FactSheet) -> tuple[str, str]:
        return self.emojis_by_genre.get(sheet.genre.strip().upper(), self.emojdefault)


def _strings(data: Mapping[str, Any], key: str, path: Path) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise TemplateConfigError(f"{path}: `{key}` must be a non-empty list of strings")
    return tuple(value)


def _pair(value: Any, where: str, path: Path) -> tuple[str, str]:
    if (not isinstance(value, list) or len(value) != 2 or value[0] == value[1]
            or not all(isinstance(v, str) and v for v in value)):
        raise TemplateConfigError(f"{path}: {where} must be two different emojis")
    return (value[0], value[1])


def load_templates(path: Path | None = None) -> TemplateConfig:
    path = path or TEMPLATES_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise TemplateConfigError(f"template file {path} not found") from exc
    if not isinstance(data, dict) or data.get("version") != 1:
        raise TemplateConfigError(f"{path}: expected a mapping with `version: 1`")
    phrasings = data.get("phrasings") or {}
    with_event = _strings(phrasings, "with_event", path)
    without_event = _strings(phrasings, "without_event", path)
    for sentence in with_event:
        if problems := placeholder_problems(sentence, has_event=True):
            raise TemplateConfigError(f"{path}: {sentence!r}: {'; '.join(problems)}")
    for sentence in without_event:
        if problems := placeholder_problems(sentence, has_event=False):
            raise TemplateConfigError(f"{path}: {sentence!r}: {'; '.join(problems)}")
    emojis = data.get("emojis") or {}
    by_genre = {
        str(genre).upper(): _pair(pair, f"emojis.by_genre.{genre}", path)
        for genre, pair in (emojis.get("by_genre") or {}).items()
    }
    return TemplateConfig(
        with_event=with_event,
        without_event=without_event,
        hashtags=_strings(data, "hashtags", path),
        emojdefault=_pair(emojis.get("default"), "emojis.default", path),
        emojis_by_genre=by_genre,
        path=path,
    )


def assemble(sentence: str, emojis: Sequence[str], hashtags: Sequence[str]) -> str:
    """The post's layout: the sentence, its emojis, then the hashtags."""
    return f"{sentence.strip()} {' '.join(emojis)}\n{' '.join(hashtags)}"
