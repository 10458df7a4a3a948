"""The client's names lexicon (data/config/names.yaml): how it spells programmes (display
name, article, gender, handle per delivered title or handle), proper nouns, acronyms,
competitions with their article, and sport words; validated on load, read once per
process and path. `fold` is its lookup key (no accents, case-folded, single spaces).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audience_assets.paths import config_dir, read_client_yaml

ARTICLES = ("el", "la", "los", "las")
GENDER_OF_ARTICLE = {"el": "m", "los": "m", "la": "f", "las": "f"}


class NamesError(ValueError):
    """names.yaml is missing, malformed or has an entry that cannot be used."""


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    article: str
    gender: str
    handle: str


@dataclass(frozen=True, slots=True)
class Lexicon:
    programmes: Mapping[str, Entry]  # key: folded delivered title or handle
    proper_nouns: Mapping[tuple[str, ...], str]  # folded words -> spelling
    acronyms: Mapping[str, str]  # folded -> spelling
    competitions: Mapping[str, tuple[str, str]]  # folded -> (spelling, article)
    sports: frozenset[str]  # folded sport words dropped before a fixture
    path: Path | None = None

    @property
    def longest_proper_noun(self) -> int:
        return max((len(k) for k in self.proper_nouns), default=1)


def fold(text: str) -> str:
    """Lookup key: no accents, case-folded, single spaces."""
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


# ---- the lexicon ------------------------------------------------------------------------


def _strings(data: Mapping[str, Any], key: str, path: Path) -> list[str]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        raise NamesError(f"{path}: `{key}` must be a list of non-empty strings")
    return [i.strip() for i in items]


def _entry(key: str, raw: Any, path: Path) -> Entry:
    where = f"{path}: programmes.{key}"
    if isinstance(raw, str):
        raw = {"name": raw}
    if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str) \
            or not raw["name"].strip():
        raise NamesError(f"{where}: expected a name (a string, or a mapping with `name`)")
    unknown = sorted(set(raw) - {"name", "article", "gender", "handle"})
    if unknown:
        raise NamesError(f"{where}: unknown keys {unknown} (name, article, gender, handle)")
    name = raw["name"].strip()
    first = name.split()[0].lower()
    article = str(raw.get("article", first if first in ARTICLES else "")).lower()
    if article not in ("", *ARTICLES):
        raise NamesError(f"{where}: article {article!r} must be one of el, la, los, las or ''")
    gender = str(raw.get("gender", GENDER_OF_ARTICLE.get(article, "")))
    if gender not in ("", "m", "f"):
        raise NamesError(f"{where}: gender {gender!r} must be m, f or ''")
    handle = str(raw.get("handle", "") or "")
    if handle and not re.fullmatch(r"@\w+", handle):
        raise NamesError(f"{where}: handle {handle!r} must look like @name")
    return Entry(name, article, gender, handle)


def parse_lexicon(data: Any, path: Path | None = None) -> Lexicon:
    where = path or Path("names.yaml")
    if not isinstance(data, Mapping) or data.get("version") != 1:
        raise NamesError(f"{where}: expected a mapping with `version: 1`")
    programmes = data.get("programmes") or {}
    if not isinstance(programmes, Mapping):
        raise NamesError(f"{where}: `programmes` must map delivered titles to names")
    entries = {fold(str(k)): _entry(str(k), v, where) for k, v in programmes.items()}
    competitions_raw = data.get("competitions") or {}
    if not isinstance(competitions_raw, Mapping):
        raise NamesError(f"{where}: `competitions` must map a competition to its article")
    competitions = {}
    for comp, value in competitions_raw.items():
        # `Copa del Rey: la`, or another spelling: `Liga EA Sports: {name: ..., article: ""}`
        spelled = str(comp)
        if isinstance(value, Mapping):
            spelled = str(value.get("name") or comp)
            value = value.get("article", "")
        article = str(value or "").lower()
        if article not in ("", *ARTICLES):
            raise NamesError(f"{where}: competitions.{comp}: article {article!r} must be one "
                             "of el, la, los, las or ''")
        competitions[fold(str(comp))] = (spelled, article)
    proper: dict[tuple[str, ...], str] = {}
    raw_proper = data.get("proper_nouns", [])
    if not isinstance(raw_proper, list):
        raise NamesError(f"{where}: `proper_nouns` must be a list")
    for item in raw_proper:
        # `España`, or a spelling for other written forms: `{La Sexta: laSexta}`
        pairs = item.items() if isinstance(item, Mapping) else [(item, item)]
        for written, spelled in pairs:
            if not isinstance(written, str) or not isinstance(spelled, str) \
                    or not written.strip() or not spelled.strip():
                raise NamesError(f"{where}: proper_nouns: {item!r} must be a name or "
                                 "`{written form: spelling}`")
            proper[tuple(fold(written).split())] = spelled.strip()
    return Lexicon(
        programmes=entries,
        proper_nouns=proper,
        acronyms={fold(a): a for a in _strings(data, "acronyms", where)},
        competitions=competitions,
        sports=frozenset(fold(s) for s in _strings(data, "sports", where)),
        path=path,
    )


def lexicon_path() -> Path:
    """`<config dir>/names.yaml` (the config dir: AUDIENCE_CONFIG_DIR)."""
    return config_dir() / "names.yaml"


@functools.cache
def _load(path: Path) -> Lexicon:
    data = read_client_yaml(path, NamesError, "names lexicon (AUDIENCE_CONFIG_DIR/names.yaml):")
    return parse_lexicon(data, path)


def load_lexicon(path: Path | None = None) -> Lexicon:
    """The client's lexicon, read once per process and path."""
    return _load((path or lexicon_path()).resolve())


EMPTY_LEXICON = Lexicon({}, {}, {}, {}, frozenset())
