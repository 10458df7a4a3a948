"""The day's post plan: one story per programme, ranked by news value, within a budget.

The rules yield one fact sheet per broadcast, target and region; an editor posts
one story per programme. `plan_day` merges a programme's sheets of the day into
one: the strongest event leads (its figures are the post's), the others follow as
secondary events the post may mention ("…, también entre los jóvenes"). A
regional channel is judged in its own region's audience only. Each story gets a
news value (event priority, audience size, margin over the runner-up or the
previous best, secondary events); `DayPlan.for_network` keeps the best stories
up to the network's daily budget, the watchlist's programmes always in.

The story's sheet also carries what a post writes about the programme and
channel: a display name for titles without a handle ("Al rojo vivo", not "AL ROJO
VIVO") and short hashtags from the client's config or from the names (#Telecinco,
not #Telecincoes).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from audience_assets.analysis import names
from audience_assets.analysis.config import AnalysisConfig, normalise_title
from audience_assets.records import DEFAULT_TARGET, NATIONAL_REGION, FactSheet

_STOPWORDS = frozenset({"de", "del", "la", "las", "el", "los", "y", "e", "en", "a", "o", "al"})
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Story:
    """One programme's post of the day."""

    sheet: FactSheet  # what the post says: lead figures, composed event, name, hashtags
    score: float
    watchlist: bool
    lead_event: str
    secondary_events: tuple[str, ...] = ()
    merged_keys: tuple[str, ...] = ()  # the fact sheets folded into this story

    @property
    def key(self) -> str:
        return self.sheet.story_key


@dataclass(frozen=True, slots=True)
class PlanEntry:
    """One story's place in one network's plan (a row of table `post_plan`)."""

    network: str
    story_key: str
    sheet_key: str
    news_value: float
    chosen: bool
    rank: int | None  # 1..n among the chosen, None when not posted
    reason: str


@dataclass(frozen=True, slots=True)
class DroppedSheet:
    """A fact sheet the plan left out before making stories, and why."""

    sheet_key: str
    story_key: str
    reason: str

    def __str__(self) -> str:
        return f"{self.sheet_key}: {self.reason}"


@dataclass(frozen=True, slots=True)
class DayPlan:
    date: str
    stories: tuple[Story, ...]  # ranked, best first
    budgets: Mapping[str, int] = field(default_factory=dict)
    dropped: tuple[DroppedSheet, ...] = ()  # sheets left out before making stories
    # network -> the posted stories' sheet keys (their lead fact sheet's, unique in a
    # plan) in rank order, as decided when the plan was made and stored; a network
    # absent here is decided from `budgets`.
    chosen: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def selected(self, network: str) -> list[Story]:
        """The stories posted on `network`: the watchlist's, then the best others up
        to the budget (a network without a budget takes every story)."""
        if network in self.chosen:
            by_key = {s.sheet.key: s for s in self.stories}
            return [by_key[k] for k in self.chosen[network] if k in by_key]
        budget = self.budgets.get(network, len(self.stories))
        keep = {id(s) for s in self.stories if s.watchlist}
        for story in self.stories:
            if len(keep) >= budget:
                break
            keep.add(id(story))
        return [s for s in self.stories if id(s) in keep]

    def for_network(self, network: str) -> list[FactSheet]:
        return [s.sheet for s in self.selected(network)]

    def entries(self, network: str) -> list[PlanEntry]:
        """Every story's place in `network`'s plan, with why it is or is not posted."""
        chosen = self.selected(network)
        ranks = {s.sheet.key: i for i, s in enumerate(chosen, 1)}
        budget = self.budgets.get(network)
        last = chosen[-1].score if chosen else 0.0
        out = []
        for story in self.stories:
            rank = ranks.get(story.sheet.key)
            if rank is not None:
                why = (f"lista de seguimiento; puesto {rank}" if story.watchlist
                       else f"puesto {rank} por valor informativo {story.score:.3f}")
            else:
                why = (f"fuera del cupo de {budget} publicaciones en {network}: valor "
                       f"informativo {story.score:.3f}, el último elegido {last:.3f}")
            out.append(PlanEntry(network, story.key, story.sheet.key, story.score,
                                 rank is not None, rank, why))
        return out


# ---- names and hashtags ------------------------------------------------------------


def sentence_case(title: str, keep_words: Iterable[str] = ()) -> str:
    """A title written in capitals, as a sentence: "AL ROJO VIVO" -> "Al rojo vivo".

    Titles that already have lower-case letters are left as they are. Words in
    `keep_words` keep their configured spelling (acronyms, proper names); words with
    digits stay as written (TV3); a word after ':' starts with a capital."""
    if any(c.islower() for c in title):
        return title
    keep = {normalise_title(w): w for w in keep_words}
    out: list[str] = []
    capital_next = True
    for token in title.split():
        core = token.strip(":,.;")
        if normalise_title(core) in keep:
            word = token.replace(core, keep[normalise_title(core)])
        elif any(c.isdigit() for c in core):
            word = token
        else:
            word = token.lower()
            if capital_next:
                word = word[:1].upper() + word[1:]
        out.append(word)
        capital_next = token.endswith(":")
    return " ".join(out)


def hashtag_from_name(name: str, max_length: int) -> str:
    """"Al rojo vivo" -> "#AlRojoVivo"; a long name drops short joining words, then
    trailing words, to stay within `max_length` characters (the # included)."""
    words = _WORD_RE.findall(name.split("@", 1)[0]) or _WORD_RE.findall(name)
    if not words:
        return ""

    def join(ws: Sequence[str]) -> str:
        # A word with a capital keeps its brand casing (laSexta); others get one.
        return "#" + "".join(w if any(c.isupper() or c.isdigit() for c in w)
                             else w[:1].upper() + w[1:] for w in ws)

    tag = join(words)
    if len(tag) <= max_length:
        return tag
    content = [w for w in words if w.lower() not in _STOPWORDS] or words
    while len(content) > 1 and len(join(content)) > max_length:
        content = content[:-1]
    return join(content)[:max_length]


def channel_hashtag(code: str, config: AnalysisConfig) -> str:
    channel = config.channel_config(code)
    if channel is not None and channel.hashtag:
        return channel.hashtag
    return hashtag_from_name(config.channel_name(code), config.plan.hashtag_max_length)


def programme_name(sheet: FactSheet, config: AnalysisConfig) -> str:
    """The title as a post writes it (`names.programme_name`): the lexicon
    (data/config/names.yaml), the configured name, else the normaliser (sentence
    case, accents, fixtures as "el X-Y" / "la final de … entre X y Y")."""
    programme = config.programme(sheet.title)
    return names.programme_name(
        sheet.title, sheet.description, sheet.genre,
        configured_name=programme.name if programme is not None else "",
        keep_words=config.plan.keep_words).display


def programme_hashtag(sheet: FactSheet, name: str, config: AnalysisConfig) -> str:
    if sheet.hashtag_hint:
        return sheet.hashtag_hint
    programme = config.programme(sheet.title)
    if programme is not None and programme.hashtag:
        return programme.hashtag
    for configured in config.programmes.values():
        if configured.handle and configured.handle.lower() == sheet.title.lower() \
                and configured.hashtag:
            return configured.hashtag
    return hashtag_from_name(name, config.plan.hashtag_max_length)


# ---- events --------------------------------------------------------------------------


def _event_rule(sheet: FactSheet, config: AnalysisConfig) -> str | None:
    """The rule whose phrase is the sheet's event."""
    for rule in sheet.rules:
        if rule in config.rules and _phrase(rule, sheet, config, sheet.target,
                                            sheet.region) == sheet.event:
            return rule
    return None


def _phrase(rule: str, sheet: FactSheet, config: AnalysisConfig, target: str, region: str
            ) -> str:
    time = str(sheet.evidence.get(rule, {}).get("time", ""))
    return config.event_phrase(rule, target, region, time, sheet.channel_code)


def _qualifier(sheet: FactSheet, config: AnalysisConfig) -> tuple[str, str]:
    """(base phrase, audience qualifier) of the sheet's event: "Lo más visto del día",
    "entre los jóvenes"."""
    rule = _event_rule(sheet, config)
    if rule is None:
        return sheet.event, ""
    base = _phrase(rule, sheet, config, DEFAULT_TARGET, NATIONAL_REGION)
    if base and sheet.event.startswith(base):
        return base, sheet.event[len(base):].strip()
    return sheet.event, ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def compose_event(lead: FactSheet, others: Sequence[FactSheet], config: AnalysisConfig
                  ) -> tuple[str, tuple[str, ...]]:
    """The story's event: the lead's phrase, then up to `max_secondary_events` others
    as a person would add them ("Lo más visto del día, también entre los jóvenes y
    en Aragón"). Returns the phrase and the secondary events it mentions."""
    events = [lead.event] if lead.event else []
    seen = {normalise_title(lead.event)} if lead.event else set()
    for other in others:
        if other.event and normalise_title(other.event) not in seen:
            seen.add(normalise_title(other.event))
            events.append(other.event)
    if not events:
        return "", ()
    head_sheet = lead if lead.event else next(o for o in others if o.event == events[0])
    secondary_events = events[1:1 + config.plan.max_secondary_events]
    head_base, _ = _qualifier(head_sheet, config)
    by_event = {o.event: o for o in others}
    parts: list[str] = []
    mentioned: list[str] = []
    for event in secondary_events:
        base, qualifier = _qualifier(by_event[event], config)
        part = qualifier if base == head_base and qualifier else _lower_first(event)
        if len(events[0] + ", también " + " y ".join([*parts, part])) > \
                config.plan.max_event_chars:
            continue
        parts.append(part)
        mentioned.append(event)
    phrase = events[0]
    if parts:
        phrase += ", también " + " y ".join(parts)
    return phrase, tuple(mentioned)


# ---- news value ------------------------------------------------------------------------


def margin(sheet: FactSheet) -> float:
    """How clearly the lead event holds, 0-1: the lead over the runner-up, or the gain
    over the previous best, relative to the figure."""
    best = 0.0
    for evidence in sheet.evidence.values():
        if not isinstance(evidence, Mapping):
            continue
        value = evidence.get("value")
        runner = evidence.get("runner_up")
        previous = evidence.get("previous_best")
        if isinstance(value, int | float) and value > 0:
            if isinstance(runner, Mapping) and isinstance(runner.get("value"), int | float):
                best = max(best, (value - runner["value"]) / value)
            if isinstance(previous, int | float) and previous > 0:
                best = max(best, (value - previous) / previous)
    return min(max(best, 0.0), 1.0)


def priority(sheet: FactSheet, config: AnalysisConfig) -> int:
    """The rank of the sheet's strongest rule (the sheet's own field may be unset)."""
    return max([sheet.priority, *(config.rank(r) for r in sheet.rules)])


def news_value(lead: FactSheet, secondary: int, config: AnalysisConfig) -> float:
    weights = config.plan.weights
    rank = priority(lead, config) / max(1, len(config.priority))
    size = math.log10(max(lead.unique_viewers, 1)) / 7  # 10 million viewers -> 1
    return round(weights.priority * rank + weights.audience * size
                 + weights.margin * margin(lead) + weights.secondary * secondary, 4)


# ---- the plan -------------------------------------------------------------------------


def _home_region(sheet: FactSheet, config: AnalysisConfig) -> str:
    channel = config.channel_config(sheet.channel_code or sheet.channel)
    return channel.region if channel is not None else ""


def plan_day(sheets: Iterable[FactSheet], config: AnalysisConfig, date: str = "") -> DayPlan:
    """One story per programme and day from the day's fact sheets, ranked."""
    groups: dict[str, list[FactSheet]] = defaultdict(list)
    dropped: list[DroppedSheet] = []
    for sheet in sheets:
        home = _home_region(sheet, config)
        if home and sheet.region != home:
            dropped.append(DroppedSheet(
                sheet.key, sheet.story_key,
                f"cadena regional fuera de su región ({home}): no se publica con "
                f"audiencias de {sheet.region}"))
            continue
        groups[sheet.story_key].append(sheet)
    stories = []
    for group in groups.values():
        home = _home_region(group[0], config)
        main = (DEFAULT_TARGET, home or NATIONAL_REGION)
        ordered = sorted(group, key=lambda s: (-priority(s, config), (s.target, s.region) != main,
                                               -s.unique_viewers, s.key))
        lead, others = ordered[0], ordered[1:]
        event, secondary = compose_event(lead, others, config)
        name = programme_name(lead, config)
        tags = tuple(dict.fromkeys(
            t for t in (programme_hashtag(lead, name, config),
                        channel_hashtag(lead.channel_code or lead.channel, config)) if t))
        rules = tuple(dict.fromkeys(r for s in ordered for r in s.rules))
        watch = "watchlist" in rules or config.on_watchlist(lead.title)
        story_info: dict[str, Any] = {
            "programme": lead.title, "lead": lead.key, "lead_event": lead.event,
            "secondary_events": list(secondary), "merged": [s.key for s in ordered],
        }
        story_sheet = replace(lead, title=name, source_title=lead.source_title or lead.title,
                              event=event, rules=rules, hashtags=tags,
                              evidence={**lead.evidence, "story": story_info})
        stories.append(Story(story_sheet, news_value(lead, len(secondary), config), watch,
                             lead.event, secondary, tuple(s.key for s in ordered)))
    stories.sort(key=lambda s: (-s.score, s.sheet.title, s.sheet.key))
    plan = DayPlan(date, tuple(stories), dict(config.plan.budgets), tuple(dropped))
    return replace(plan, chosen={network: tuple(s.sheet.key for s in plan.selected(network))
                                 for network in plan.budgets})
