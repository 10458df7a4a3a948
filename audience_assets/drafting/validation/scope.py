"""Rule data.scope: whose figures they are (issue 21, item 2).

A fact sheet's figures belong to one universe (its region and target). The plan
hands a story the figures of its lead event's universe (analysis/plan.py: the lead
sheet gives the post its figures, and a regional channel is judged in its own
region only, DOMAIN.md), so an event "Lo más visto del día en Andalucía" normally
comes with Andalucía's figures, and the event phrase itself says whose they are.
When a sheet's event names a region but its figures are national (the study's
@eldebatedegh sheet), or its figures are a region's and nothing in the post names
that region, a reader takes the figures for the wrong universe. The post must then
say whose they are: a national phrase from words.yaml `scope_national_phrases` or
the region's name. The writers add `required_note` ("Cifras del conjunto de
España.") by code. A secondary event ("…, también en Aragón") qualifies the event,
not the figures, and is not read. Targets (jóvenes, 25-44) are not covered yet.
"""

from __future__ import annotations

import re

from .config import ValidatorConfig
from .context import Facts, Post
from .model import Violation
from .text import fold

NATIONAL = frozenset({"", "total espana", "espana", "nacional", "total nacional"})


def names_region(text: str, config: ValidatorConfig) -> str | None:
    """The region (`events.regions`, by its aliases) the text names, if any."""
    folded = fold(text)
    for region in config.events.regions:
        for alias in region.aliases:
            stem = fold(alias).rstrip("*")
            if re.search(rf"\b{re.escape(stem)}" + ("" if alias.endswith("*") else r"\b"),
                         folded):
                return region.name
    return None


def _is_region(value: str, name: str, config: ValidatorConfig) -> bool:
    return names_region(value, config) == name or fold(value) == fold(name)


def required_note(facts: Facts, config: ValidatorConfig) -> str:
    """The sentence that says whose figures they are, or "" when the post needs none."""
    figures_region = "" if fold(facts.region) in NATIONAL else facts.region
    lead_event = re.split(r",\s*también\b", facts.event, maxsplit=1)[0]
    event_region = names_region(lead_event, config) if lead_event else None
    if event_region and not figures_region:
        return config.words.scope_national_note
    said = fold(figures_region) in fold(lead_event) or (
        event_region is not None and _is_region(figures_region, event_region, config))
    if figures_region and not said:
        return config.words.scope_region_note.replace("{region}", figures_region)
    return ""


def check(post: Post) -> list[Violation]:
    facts, config = post.facts, post.config
    note = required_note(facts, config)
    if not note:
        return []
    text = fold(post.text)
    if fold(facts.region) in NATIONAL:
        if any(fold(p) in text for p in config.words.scope_national_phrases):
            return []
        region = names_region(facts.event, config) or "otra región"
        return [Violation(
            "data.scope",
            f"El evento habla de {region}, pero las cifras son del total nacional: di de "
            f"quién son («{note}»).", None)]
    named = names_region(post.text, config)
    if fold(facts.region) in text or (named is not None and _is_region(facts.region, named,
                                                                          config)):
        return []
    return [Violation(
        "data.scope",
        f"Las cifras son de {facts.region}, pero el post no lo dice («{note}»).", None)]
