"""The client's analysis configuration (data/config/analysis.yaml), validated on load.

Every problem is reported as `<file>: <key path>: <problem>` so that the client,
who edits the file by hand, can fix it without reading code.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from audience_assets.indexing.history import METRICS, Metric
from audience_assets.paths import config_dir
from audience_assets.records import fold_text

DEFAULT_CONFIG_PATH = config_dir() / "analysis.yaml"

# Placeholders an event phrase may use.
EVENT_FIELDS = frozenset({"target", "region", "time", "channel"})

_HHMM = re.compile(r"^(\d{2}):(\d{2})$")


class AnalysisConfigError(ValueError):
    """The configuration file cannot be used; the message names file, key and problem."""


def normalise_title(text: str) -> str:
    """Lookup key for titles and channel codes (`records.fold_text`, the one folding)."""
    return fold_text(text)


# Words a delivery adds around a region's name to say which universe it counts
# ("ANDALUCÍA TOTAL", "Total España"): ignored when matching region names.
_UNIVERSE_WORDS = frozenset({"total", "universo", "lineal"})


def name_key(text: str, region: bool = False) -> str:
    """Matching key for target and region names: no accents, case-folded, punctuation as
    spaces; for regions, bracketed universe codes and leading/trailing universe words go."""
    folded = normalise_title(text)
    if region:
        folded = re.sub(r"\[.*?\]", " ", folded)
    words = re.sub(r"[^\w+]+", " ", folded).split()
    if region:
        while len(words) > 1 and words[-1] in _UNIVERSE_WORDS:
            words.pop()
        while len(words) > 1 and words[0] in _UNIVERSE_WORDS:
            words.pop(0)
    return " ".join(words)


def tv_minutes(hhmm: str) -> int:
    """Minutes since 00:00 of the TV day's calendar date ("25:10" -> 1510)."""
    match = _HHMM.match(hhmm)
    if not match or int(match.group(2)) > 59 or int(match.group(1)) > 29:
        raise ValueError(f"{hhmm!r} is not a TV-day time hh:mm (00:00-29:59)")
    return int(match.group(1)) * 60 + int(match.group(2))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Aliases(_Strict):
    """Other spellings deliveries use for a configured target or region (configured name ->
    spellings); case, accents, punctuation and universe words need no alias."""

    targets: dict[str, list[str]] = {}
    regions: dict[str, list[str]] = {}


class Channel(_Strict):
    handle: str = ""
    name: str = ""
    # A regional channel's own region: its broadcasts are judged in that region's
    # universe only (a national-universe share of a regional channel means little).
    region: str = ""
    # The channel's hashtag; default: its name without spaces (#Telecinco).
    hashtag: str = ""

    @field_validator("hashtag")
    @classmethod
    def _channel_hashtag(cls, value: str) -> str:
        return Programme._hashtag(value)

    @field_validator("handle")
    @classmethod
    def _handle(cls, value: str) -> str:
        if value and not re.fullmatch(r"@\w{1,50}", value):
            raise ValueError(f"{value!r} is not an @handle (letters, digits, _)")
        return value


class Programme(_Strict):
    handle: str = ""
    hashtag: str = ""
    # How the title is written in a post when it has no handle ("Al rojo vivo");
    # default: the casing rule of `plan.keep_words`.
    name: str = ""

    @field_validator("handle")
    @classmethod
    def _handle(cls, value: str) -> str:
        return Channel._handle(value)

    @field_validator("hashtag")
    @classmethod
    def _hashtag(cls, value: str) -> str:
        if value and not re.fullmatch(r"#\w{1,100}", value):
            raise ValueError(f"{value!r} is not a #hashtag (letters, digits, _)")
        return value


class PrimeTime(_Strict):
    start: str = "20:30"
    end: str = "24:00"

    @field_validator("start", "end")
    @classmethod
    def _time(cls, value: str) -> str:
        tv_minutes(value)
        return value

    @model_validator(mode="after")
    def _order(self) -> PrimeTime:
        if tv_minutes(self.start) >= tv_minutes(self.end):
            raise ValueError(f"start {self.start} is not before end {self.end}")
        return self


class Rule(_Strict):
    """Options every rule has: its event phrase ("" = no event) and on/off."""

    enabled: bool = True
    event: str = ""
    # Where the rule applies; empty: every configured target / region.
    targets: list[str] = []
    regions: list[str] = []

    @field_validator("event")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            raise ValueError(f"bad placeholder in {value!r}: {exc}") from None
        unknown = names - EVENT_FIELDS
        if unknown:
            raise ValueError(
                f"unknown placeholder {{{sorted(unknown)[0]}}} in {value!r} "
                f"(allowed: {', '.join('{' + n + '}' for n in sorted(EVENT_FIELDS))})"
            )
        return value


class RecordRule(Rule):
    min_duration_minutes: Annotated[int, Field(ge=0)] = 10
    # A programme in its first days beats its own short history every day: no claim of a
    # record until it has been on air this many days.
    min_history_days: Annotated[int, Field(ge=0)] = 0


class DayTopRule(Rule):
    pass


class PrimeTimeRule(Rule):
    metric: Metric = "share"
    min_duration_minutes: Annotated[int, Field(ge=0)] = 30


class NewscastRule(Rule):
    genres: list[str] = ["INFORMACIÓN"]
    title_pattern: str = "(?i)telediario|noticias|informativo"

    @field_validator("title_pattern")
    @classmethod
    def _regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"{value!r} is not a regular expression: {exc}") from None
        return value


class TargetLeaderRule(Rule):
    min_duration_minutes: Annotated[int, Field(ge=0)] = 30
    prime_time_only: bool = True


class ChannelTopRule(Rule):
    channels: list[str] = []  # empty: every channel


class SportsRule(Rule):
    genres: list[str] = ["DEPORTES"]
    min_avg_audience: Annotated[int, Field(ge=0)] = 1_500_000


class AboveAverageRule(Rule):
    min_ratio: Annotated[float, Field(gt=1.0)] = 1.5
    min_duration_minutes: Annotated[int, Field(ge=0)] = 30
    days: Annotated[int, Field(ge=1, le=366)] = 30


class GoldenMinuteRule(Rule):
    pass


# Rule id -> the options model of that rule. The ids are what fact sheets list in `rules`.
RULE_MODELS: dict[str, type[Rule]] = {
    **{f"historical_record_{m}": RecordRule for m in METRICS},
    **{f"season_best_{m}": RecordRule for m in METRICS},
    **{f"year_best_{m}": RecordRule for m in METRICS},
    "day_top": DayTopRule,
    "prime_time_leader": PrimeTimeRule,
    "top_newscast": NewscastRule,
    "target_leader": TargetLeaderRule,
    "channel_top": ChannelTopRule,
    "big_sports": SportsRule,
    "above_channel_day_average": AboveAverageRule,
    "above_channel_month_average": AboveAverageRule,
    "watchlist": Rule,
    "golden_minute": GoldenMinuteRule,
}


class AnomalySettings(_Strict):
    window_minutes: Annotated[int, Field(ge=5, le=121)] = 21
    z_threshold: Annotated[float, Field(gt=0)] = 4.0
    min_relative: Annotated[float, Field(ge=0, lt=1)] = 0.12
    edge_guard_minutes: Annotated[int, Field(ge=0)] = 4
    min_broadcast_minutes: Annotated[int, Field(ge=1)] = 20

    @field_validator("window_minutes")
    @classmethod
    def _odd(cls, value: int) -> int:
        if value % 2 == 0:
            raise ValueError(f"must be odd so the median is centred, got {value}")
        return value


class AudiencePhrases(_Strict):
    """How a person qualifies an event by audience: "entre los jóvenes de Andalucía",
    not "por jóvenes en Andalucía". Where an event phrase has {target}{region}, the
    composed qualifier takes their place."""

    targets: dict[str, str] = {}  # target -> noun phrase ("los jóvenes")
    regions: dict[str, str] = {}  # region -> name ("Andalucía")
    target: str = " entre {target}"
    region: str = " en {region}"
    both: str = " entre {target} de {region}"

    @field_validator("target", "region", "both")
    @classmethod
    def _pattern(cls, value: str, info: Any) -> str:
        wanted = {"target": {"target"}, "region": {"region"},
                  "both": {"target", "region"}}[info.field_name]
        try:
            names = {n for _, n, _, _ in string.Formatter().parse(value) if n is not None}
        except ValueError as exc:
            raise ValueError(f"bad placeholder in {value!r}: {exc}") from None
        if names != wanted:
            raise ValueError(f"{value!r} must use exactly "
                             f"{', '.join('{' + n + '}' for n in sorted(wanted))}")
        return value


class PlanWeights(_Strict):
    """News value of a story: event priority, audience size, margin, secondary events."""

    priority: Annotated[float, Field(ge=0)] = 1.0
    audience: Annotated[float, Field(ge=0)] = 0.5
    margin: Annotated[float, Field(ge=0)] = 0.5
    secondary: Annotated[float, Field(ge=0)] = 0.1


class PlanSettings(_Strict):
    """The day's post plan (audience_assets/analysis/plan.py)."""

    # Posts per day and network; the watchlist's programmes are always in.
    budgets: dict[str, Annotated[int, Field(ge=0)]] = {"x": 8, "bluesky": 8, "threads": 10}
    max_secondary_events: Annotated[int, Field(ge=0, le=4)] = 2
    max_event_chars: Annotated[int, Field(ge=20, le=200)] = 90
    # Longest hashtag derived from a name (longer ones drop words).
    hashtag_max_length: Annotated[int, Field(ge=6, le=60)] = 22
    # Words the casing rule keeps as written in capitals-only titles (acronyms,
    # proper names): "EL DEBATE DE GH" -> "El debate de GH".
    keep_words: list[str] = []
    weights: PlanWeights = PlanWeights()


class AnalysisConfig(_Strict):
    version: Literal[1]
    rank_metric: Metric = "unique_viewers"
    prime_time: PrimeTime = PrimeTime()
    season_start: str = "09-01"
    channels: dict[str, Channel] = {}
    programmes: dict[str, Programme] = {}
    watchlist: list[str] = []
    ignore_titles: list[str] = []
    targets: dict[str, str]
    regions: dict[str, str]
    aliases: Aliases = Aliases()
    rules: dict[str, Rule]
    _name_indexes: dict[str, dict[str, str]] = PrivateAttr(default_factory=dict)
    priority: list[str]
    anomalies: AnomalySettings = AnomalySettings()
    audience_phrases: AudiencePhrases | None = None
    plan: PlanSettings = PlanSettings()

    @field_validator("season_start")
    @classmethod
    def _month_day(cls, value: str) -> str:
        match = re.fullmatch(r"(\d{2})-(\d{2})", value)
        if not match or not (1 <= int(match.group(1)) <= 12 and 1 <= int(match.group(2)) <= 28):
            raise ValueError(f"{value!r} is not a month-day MM-DD (day 01-28)")
        return value

    @field_validator("targets", "regions")
    @classmethod
    def _not_empty(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("names no target/region: nothing would be analysed")
        return value

    @field_validator("rules", mode="before")
    @classmethod
    def _rules(cls, value: Any) -> dict[str, Rule]:
        if not isinstance(value, dict):
            raise ValueError("expected a mapping of rule id -> options")
        parsed: dict[str, Rule] = {}
        for rule_id, options in value.items():
            model = RULE_MODELS.get(rule_id)
            if model is None:
                raise ValueError(
                    f"unknown rule {rule_id!r} (known: {', '.join(sorted(RULE_MODELS))})"
                )
            try:
                parsed[rule_id] = model.model_validate(options or {})
            except ValidationError as exc:
                raise ValueError(f"{rule_id}: {_describe(exc, prefix='')}") from None
        return parsed

    @model_validator(mode="after")
    def _priority(self) -> AnalysisConfig:
        seen: set[str] = set()
        for rule_id in self.priority:
            if rule_id in seen:
                raise ValueError(f"priority lists {rule_id!r} twice")
            if rule_id not in self.rules:
                raise ValueError(f"priority lists {rule_id!r}, which is not configured in rules")
            seen.add(rule_id)
        missing = [r for r in self.enabled_rules() if r not in seen]
        if missing:
            raise ValueError(f"priority lacks enabled rule(s): {', '.join(missing)}")
        for rule_id, rule in self.rules.items():
            for name, known in (("targets", self.targets), ("regions", self.regions)):
                for value in getattr(rule, name):
                    if value not in known:
                        raise ValueError(f"rules.{rule_id}.{name} names {value!r}, which is not "
                                         f"one of the configured {name}")
        for kind in ("targets", "regions"):
            configured = getattr(self, kind)
            for name in getattr(self.aliases, kind):
                if name not in configured:
                    raise ValueError(f"aliases.{kind} names {name!r}, which is not one of the "
                                     f"configured {kind}")
            seen_keys: dict[str, str] = {}
            for name, spellings in self._spellings(kind):
                key = name_key(spellings, region=kind == "regions")
                if seen_keys.setdefault(key, name) != name:
                    raise ValueError(f"{kind}: {spellings!r} would match both "
                                     f"{seen_keys[key]!r} and {name!r}")
        if self.audience_phrases is not None:
            for name, known, phrases in (
                    ("targets", self.targets, self.audience_phrases.targets),
                    ("regions", self.regions, self.audience_phrases.regions)):
                for key in phrases:
                    if key not in known:
                        raise ValueError(f"audience_phrases.{name} names {key!r}, which is not "
                                         f"one of the configured {name}")
                for key, suffix in known.items():
                    if suffix and key not in phrases:
                        raise ValueError(f"audience_phrases.{name} lacks {key!r}: its events "
                                         "would lose their qualifier")
        for pattern in self.ignore_titles:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"ignore_titles: {pattern!r} is not a regular expression: "
                                 f"{exc}") from None
        return self

    # ---- lookups used by the rules -------------------------------------------------

    def enabled_rules(self) -> list[str]:
        return [rule_id for rule_id, rule in self.rules.items() if rule.enabled]

    def rule(self, rule_id: str) -> Rule | None:
        rule = self.rules.get(rule_id)
        return rule if rule is not None and rule.enabled else None

    def _spellings(self, kind: str) -> list[tuple[str, str]]:
        names: dict[str, str] = getattr(self, kind)
        aliases: dict[str, list[str]] = getattr(self.aliases, kind)
        return [(n, n) for n in names] + [(n, a) for n, a_list in aliases.items()
                                          for a in a_list]

    def resolve_target(self, name: str) -> str | None:
        """The configured target a delivery's target name means, or None when unknown."""
        return self._name_index("targets").get(name_key(name))

    def resolve_region(self, name: str) -> str | None:
        """The configured region a delivery's region name means ('ANDALUCÍA TOTAL',
        'andalucia' -> 'Andalucía'), or None when unknown."""
        return self._name_index("regions").get(name_key(name, region=True))

    def _name_index(self, kind: str) -> dict[str, str]:
        cache = self._name_indexes
        if kind not in cache:
            cache[kind] = {name_key(s, region=kind == "regions"): n
                           for n, s in self._spellings(kind)}
        return cache[kind]

    def unknown_names(self, pairs: Iterable[tuple[str, str]]) -> list[str]:
        """The targets and regions among (target, region) pairs that the configuration does
        not know, as 'target: X' / 'region: Y', sorted: what the analysis leaves out."""
        unknown = set()
        for target, region in pairs:
            if self.resolve_target(target) is None:
                unknown.add(f"target: {target}")
            if self.resolve_region(region) is None:
                unknown.add(f"region: {region}")
        return sorted(unknown)

    def applies(self, rule_id: str, target: str, region: str) -> bool:
        """Whether the enabled rule is evaluated for this target and region."""
        rule = self.rule(rule_id)
        return rule is not None and (
            not rule.targets or self.resolve_target(target) in rule.targets) and (
            not rule.regions or self.resolve_region(region) in rule.regions)

    def ignored(self, title: str) -> bool:
        """Continuity and filler titles that are never posted."""
        return any(re.search(pattern, title) for pattern in self.ignore_titles)

    def rank(self, rule_id: str) -> int:
        """Priority of a rule: larger is more important; 0 for an unlisted rule."""
        try:
            return len(self.priority) - self.priority.index(rule_id)
        except ValueError:
            return 0

    def channel_handle(self, code: str) -> str:
        channel = self._channel_index().get(normalise_title(code))
        return channel.handle if channel is not None and channel.handle else code

    def programme(self, title: str) -> Programme | None:
        return self._programme_index().get(normalise_title(title))

    def on_watchlist(self, title: str) -> bool:
        return normalise_title(title) in {normalise_title(t) for t in self.watchlist}

    def event_phrase(self, rule_id: str, target: str, region: str, time: str = "",
                     channel: str = "") -> str:
        """The rule's event for a target, region (and clock time, channel code)."""
        rule = self.rules[rule_id]
        target_text, region_text = self.qualifiers(
            rule.event, self.resolve_target(target) or "", self.resolve_region(region) or "")
        return " ".join(rule.event.format(
            target=target_text, region=region_text, time=time,
            channel=self.channel_name(channel) if channel else "la cadena",
        ).split())

    def qualifiers(self, phrase: str, target: str, region: str) -> tuple[str, str]:
        """What {target} and {region} become in `phrase`: the legacy suffixes, or the
        composed qualifier (audience_phrases) in {target}'s place."""
        phrases = self.audience_phrases
        if phrases is None:
            return self.targets.get(target, ""), self.regions.get(region, "")
        who = phrases.targets.get(target, "") if self.targets.get(target, "") else ""
        where = phrases.regions.get(region, "") if self.regions.get(region, "") else ""
        if who and where:
            composed = phrases.both.format(target=who, region=where)
        elif who:
            composed = phrases.target.format(target=who)
        elif where:
            composed = phrases.region.format(region=where)
        else:
            composed = ""
        if "{target}" in phrase:
            return composed, ""
        return "", composed

    def channel_name(self, code: str) -> str:
        channel = self._channel_index().get(normalise_title(code))
        return channel.name if channel is not None and channel.name else code

    def channel_config(self, code: str) -> Channel | None:
        return self._channel_index().get(normalise_title(code))

    def _channel_index(self) -> dict[str, Channel]:
        return {normalise_title(k): v for k, v in self.channels.items()}

    def _programme_index(self) -> dict[str, Programme]:
        return {normalise_title(k): v for k, v in self.programmes.items()}


def _describe(exc: ValidationError, prefix: str) -> str:
    problems = []
    for error in exc.errors():
        loc = ".".join(str(part) for part in error["loc"])
        key = ".".join(p for p in (prefix, loc) if p)
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.append(f"{key}: {message}" if key else message)
    return "; ".join(problems)


def load_analysis_config(path: str | Path | None = None) -> AnalysisConfig:
    """Read and validate the configuration; raises AnalysisConfigError naming file and key."""
    file = Path(path) if path is not None else DEFAULT_CONFIG_PATH
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise AnalysisConfigError(f"{file}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise AnalysisConfigError(f"{file}: not UTF-8 text") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise AnalysisConfigError(f"{file}: {where}not valid YAML: "
                                  f"{getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict):
        raise AnalysisConfigError(f"{file}: expected a mapping of settings at the top level")
    try:
        return AnalysisConfig.model_validate(data)
    except ValidationError as exc:
        raise AnalysisConfigError(f"{file}: {_describe(exc, prefix='')}") from None
