"""The client-editable word lists and tables of the validator (data/config/validator/).

Each YAML file is checked on load: a typo in a key, a wrong type or an empty
phrase stops with a message that names the file and the entry.
"""

from __future__ import annotations

import functools
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from audience_assets import settings
from audience_assets.networks import NETWORK_KEYS
from audience_assets.networks import NETWORKS as NETWORK_FACTS
from audience_assets.paths import config_dir

from .text import fold, phrase_regex

CONFIG_ENV = "AUDIENCE_VALIDATOR_CONFIG"
DEFAULT_DIR = config_dir() / "validator"
NETWORKS = NETWORK_KEYS


class ValidatorConfigError(ValueError):
    """A configuration file of the validator is missing or malformed."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _phrases(values: list[str]) -> list[str]:
    for value in values:
        if not str(value).strip():
            raise ValueError("empty phrase")
        phrase_regex(str(value))
    return [str(v) for v in values]


class Limits(_Strict):
    """Longest post per network: the networks' own (audience_assets/networks.py) unless
    settings.yaml sets a lower one for this client."""

    x: int = Field(default=NETWORK_FACTS["x"].limit, gt=0, le=NETWORK_FACTS["x"].limit)
    bluesky: int = Field(default=NETWORK_FACTS["bluesky"].limit, gt=0,
                         le=NETWORK_FACTS["bluesky"].limit)
    threads: int = Field(default=NETWORK_FACTS["threads"].limit, gt=0,
                         le=NETWORK_FACTS["threads"].limit)


class NaiveBounds(_Strict):
    min_chars: int = Field(ge=0)
    max_chars: int = Field(gt=0)


class Settings(_Strict):
    version: int
    limits: Limits = Field(default_factory=Limits)
    allow_rounding: bool = False
    min_hashtags: int = Field(ge=0)
    min_emojis: int = Field(ge=0)
    # Unlabelled numbers below this are not taken as audience figures ("13 a 24 años").
    min_unlabelled_figure: int = Field(ge=0)
    naive: NaiveBounds
    # style.spelling: a word rarer than this in Spanish (wordfreq Zipf scale) and not
    # in the dictionary is unknown; an accented spelling this much more frequent wins.
    spelling_min_zipf: float = Field(default=1.5, ge=0)
    spelling_accent_margin: float = Field(default=1.0, ge=0)
    # hashtags.language: an English word is this frequent in English and this much
    # more frequent there than in Spanish.
    english_min_zipf: float = Field(default=3.0, ge=0)
    english_margin: float = Field(default=0.8, ge=0)
    # hashtags.spelling: rapidfuzz OSA similarity above which a near name is a typo.
    name_similarity: float = Field(default=0.85, gt=0, le=1)


class Words(_Strict):
    version: int
    banned: list[str]
    promotional: list[str]
    comparison: list[str]
    context: list[str]
    time_reference: list[str]
    present_tense: list[str]
    compound_auxiliaries: list[str]
    note_words: list[str]
    acronyms: list[str]
    unique_viewers_labels: list[str]
    avg_audience_labels: list[str]
    share_labels: list[str]
    # style.spelling: words the spelling check accepts as written.
    spelling_allowed: list[str] = []
    # fluency.pleonasm: regular expressions on the folded post ({n}: any figure).
    pleonasms: list[str] = []
    # fluency.verb: the verbs that may govern the reach figure (empty: any verb).
    reach_verbs: list[str] = []
    # data.scope: what says the figures are national, and the notes the writers add.
    scope_national_phrases: list[str] = ["conjunto de España", "total nacional"]
    scope_national_note: str = "Cifras del conjunto de España."
    scope_region_note: str = "Cifras de {region}."

    @field_validator("pleonasms")
    @classmethod
    def _compiles(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                re.compile(value.replace("{n}", "x"))
            except re.error as exc:
                raise ValueError(f"pleonasm {value!r}: {exc}") from None
        return values

    _check = field_validator(
        "banned", "promotional", "comparison", "context", "time_reference", "present_tense",
        "compound_auxiliaries", "note_words", "unique_viewers_labels", "avg_audience_labels",
        "share_labels",
    )(_phrases)


class Concept(_Strict):
    id: str
    in_event: list[str]
    conveyed_by: list[str]
    claims: list[str] = []
    message: str

    _check = field_validator("in_event", "conveyed_by", "claims")(_phrases)


class Region(_Strict):
    name: str
    aliases: list[str]

    _check = field_validator("aliases")(_phrases)


class Events(_Strict):
    version: int
    concepts: list[Concept]
    regions: list[Region]
    # Claims in hashtags: folded stems searched inside each hashtag.
    hashtag_claim_stems: dict[str, list[str]]


class TonePattern(_Strict):
    id: str
    regex: str

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        return value

    @property
    def compiled(self) -> re.Pattern[str]:
        return _compiled(self.regex)


class ToneCategory(_Strict):
    id: str
    name: str
    lexicon: list[str] = []
    patterns: list[TonePattern] = []

    _check = field_validator("lexicon")(_phrases)


class Tone(_Strict):
    version: int
    categories: list[ToneCategory]


@lru_cache(maxsize=1024)
def _compiled(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


class Hashtags(_Strict):
    version: int
    english: list[str]
    spanish: list[str]
    both: list[str]

    @field_validator("english", "spanish", "both")
    @classmethod
    def _words(cls, values: list[str]) -> list[str]:
        out = []
        for value in values:
            word = fold(str(value)).strip()
            if not word or " " in word:
                raise ValueError(f"{value!r}: one word per entry")
            out.append(word)
        return out


class EmojiGroup(_Strict):
    id: str
    emojis: list[str]
    # The emoji fits when the genre is one of these or a keyword appears in the
    # fact sheet (title, description, event, hashtag hint); otherwise off-topic.
    genres: list[str] = []
    keywords: list[str] = []
    # Groups of one family (the sports) share the genre: a DEPORTES sheet fits any
    # ball unless its keywords name another sport of the family.
    family: str = ""
    message: str

    _check = field_validator("keywords")(_phrases)


class Emojis(_Strict):
    version: int
    groups: list[EmojiGroup]


class Names(_Strict):
    version: int
    handle_suffixes: list[str]
    # handle without '@', lower case (programme, channel, team) -> the names a
    # hashtag may spell in full
    handles: dict[str, list[str]]

    @field_validator("handles")
    @classmethod
    def _lower(cls, values: dict[str, list[str]]) -> dict[str, list[str]]:
        return {str(k).lstrip("@").lower(): [str(n) for n in v] for k, v in values.items()}


class ValidatorConfig(_Strict):
    directory: str
    settings: Settings
    words: Words
    events: Events
    hashtags: Hashtags
    emojis: Emojis
    names: Names
    tone: Tone

    @functools.cached_property
    def fluency_patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p.replace("{n}", r"\{n\}")) for p in self.words.pleonasms)


_FILES: dict[str, type[_Strict]] = {
    "settings": Settings,
    "words": Words,
    "events": Events,
    "hashtags": Hashtags,
    "emojis": Emojis,
    "names": Names,
    "tone": Tone,
}


def _read(path: Path, model: type[_Strict]) -> Any:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidatorConfigError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise ValidatorConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ValidatorConfigError(f"{path}: expected a mapping at the top level")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValidatorConfigError(
            f"{path}: {where}: {first['msg']} ({len(exc.errors())} error(s))"
        ) from None


def load_config(directory: str | Path | None = None) -> ValidatorConfig:
    """Load and check the validator's files; `directory` defaults to $AUDIENCE_VALIDATOR_CONFIG
    or the repository's data/config/validator/."""
    chosen = directory or settings.get(CONFIG_ENV) or DEFAULT_DIR
    return _load_cached(str(Path(chosen).resolve()))


@lru_cache(maxsize=8)
def _load_cached(directory: str) -> ValidatorConfig:
    root = Path(directory)
    if not root.is_dir():
        raise ValidatorConfigError(f"{root}: validator configuration folder not found")
    parts = {name: _read(root / f"{name}.yaml", model) for name, model in _FILES.items()}
    return ValidatorConfig(directory=directory, **parts)
