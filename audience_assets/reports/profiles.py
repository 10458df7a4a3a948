"""Report profiles: one client-editable YAML file per client under data/config/reports/
(no Dagster), validated on load.

A profile says whose report it is (name, colours), which channels are the client's and
which are its competitors (alone or in named groups), the targets and regions it reads,
the names it uses for its channels and programmes, the sections and the deliverables,
and the rules that keep filler and continuity slots out of rankings. Every problem is
reported as `<file>: <key path>: <problem>`, as for the analysis configuration.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from audience_assets import settings
from audience_assets.analysis.config import normalise_title
from audience_assets.paths import config_dir
from audience_assets.records import DEFAULT_TARGET, NATIONAL_REGION

PROFILES_DIR_NAME = "reports"
SECTIONS = ("headline", "top", "per_channel", "per_target_region", "shares", "notable",
            "minutes", "deliveries")
Section = Literal["headline", "top", "per_channel", "per_target_region", "shares", "notable",
                  "minutes", "deliveries"]
Deliverable = Literal["xlsx", "html", "pdf"]
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class ProfileError(ValueError):
    """A profile cannot be used; the message names file, key and problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Colours(_Strict):
    primary: str = "#1f2a44"     # headings, the client's curve
    accent: str = "#3b6ee8"      # bars
    highlight: str = "#fff4cc"   # the client's rows

    @field_validator("primary", "accent", "highlight")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not _HEX.match(value):
            raise ValueError(f"{value!r} is not a colour like #1f2a44")
        return value


class FillerRules(_Strict):
    """Broadcasts left out of rankings (never out of shares: a channel's day is all of it)."""
    genres: tuple[str, ...] = ()
    title_patterns: tuple[str, ...] = ()
    min_minutes: int = Field(default=0, ge=0)

    @field_validator("title_patterns")
    @classmethod
    def _compiles(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for p in patterns:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(f"{p!r} is not a regular expression: {exc}") from None
        return patterns

    def excludes(self, title: str, genre: str, minutes: int) -> str:
        """Why a broadcast is filler ("" when it is not), in the report's words."""
        if normalise_title(genre) in {normalise_title(g) for g in self.genres}:
            return f"género {genre}"
        for p in self.title_patterns:
            if re.search(p, title, flags=re.IGNORECASE):
                return "continuidad o relleno"
        if minutes < self.min_minutes:
            return f"menos de {self.min_minutes} minutos"
        return ""


class Gaps(_Strict):
    """A run of at least `min_minutes` zero or missing minutes is a gap in the delivery."""
    min_minutes: int = Field(default=3, ge=1)


class Profile(_Strict):
    name: str                       # the file's stem; folder name of its reports
    client: str                     # as the cover says it
    title: str = "Informe diario de audiencias"
    colours: Colours = Colours()
    # The client's channels (codes as in the deliveries). Empty: the whole market, no
    # channel highlighted.
    channels: tuple[str, ...] = ()
    # Competitors by group name; empty: every other channel, one by one.
    competitors: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    targets: tuple[str, ...] = (DEFAULT_TARGET,)
    regions: tuple[str, ...] = (NATIONAL_REGION,)
    channel_names: dict[str, str] = Field(default_factory=dict)
    programme_names: dict[str, str] = Field(default_factory=dict)
    sections: tuple[Section, ...] = SECTIONS  # type: ignore[assignment]
    deliverables: tuple[Deliverable, ...] = ("xlsx", "html", "pdf")
    top: int = Field(default=10, ge=1, le=50)
    filler: FillerRules = FillerRules()
    gaps: Gaps = Gaps()
    history_days: int = Field(default=28, ge=1, le=366)

    @field_validator("name")
    @classmethod
    def _folder_safe(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(f"{value!r}: lower-case letters, digits, '-' and '_' only")
        return value

    @field_validator("targets", "regions", "deliverables", "sections")
    @classmethod
    def _not_empty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("must name at least one")
        return value

    @model_validator(mode="after")
    def _one_side_per_channel(self) -> Profile:
        seen: dict[str, str] = {normalise_title(c): "channels" for c in self.channels}
        for group, members in self.competitors.items():
            for m in members:
                where = seen.setdefault(normalise_title(m), f"competitors.{group}")
                if where != f"competitors.{group}":
                    raise ValueError(f"competitors.{group}: {m!r} is already in {where}")
        return self

    def is_client(self, channel: str) -> bool:
        return normalise_title(channel) in {normalise_title(c) for c in self.channels}

    def group_of(self, channel: str) -> str:
        """The competitor group a channel belongs to ("" if none is configured)."""
        key = normalise_title(channel)
        for group, members in self.competitors.items():
            if key in {normalise_title(m) for m in members}:
                return group
        return ""


def profiles_dir() -> Path:
    """AUDIENCE_REPORT_PROFILES, else <config dir>/reports/."""
    configured = settings.get("AUDIENCE_REPORT_PROFILES")
    return Path(configured).expanduser() if configured else config_dir() / PROFILES_DIR_NAME


def load_profile(path: str | Path) -> Profile:
    """One profile file, validated; raises ProfileError naming file and key."""
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"{file}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ProfileError(f"{file}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise ProfileError(f"{file}: {where}not valid YAML: "
                           f"{getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{file}: expected a mapping of settings at the top level")
    data.setdefault("name", file.stem)
    if data["name"] != file.stem:
        raise ProfileError(f"{file}: name: {data['name']!r} differs from the file name "
                           f"{file.stem!r}")
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = ".".join(str(part) for part in error["loc"])
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(f"{loc}: {message}" if loc else message)
        raise ProfileError(f"{file}: {'; '.join(problems)}") from None


def load_profiles(folder: str | Path | None = None) -> dict[str, Profile]:
    """Every profile in the folder (default data/config/reports/), by name."""
    root = Path(folder) if folder is not None else profiles_dir()
    files = sorted(root.glob("*.yaml"))
    if not files:
        raise ProfileError(f"{root}: no report profile (*.yaml) found")
    return {p.name: p for p in map(load_profile, files)}


def profile_names(folder: str | Path | None = None) -> list[str]:
    """The profiles' names from the file names alone (what the asset definitions need)."""
    root = Path(folder) if folder is not None else profiles_dir()
    return sorted(p.stem for p in root.glob("*.yaml"))
