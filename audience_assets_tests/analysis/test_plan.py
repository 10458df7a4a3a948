"""The day's post plan: stories, lead and secondary events, regional universes, budgets,
names, hashtags and event phrases as a person writes them."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from pathlib import Path

import pytest

from audience_assets.analysis.config import AnalysisConfig, load_analysis_config
from audience_assets.analysis.plan import (
    hashtag_from_name,
    plan_day,
    sentence_case,
)
from audience_assets.analysis.store import (
    load_plan,
    plan_entries,
    replace_fact_sheets,
    replace_plan,
)
from audience_assets.records import DEFAULT_TARGET, NATIONAL_REGION, FactSheet

YOUTH, ADULTS = "Jóvenes 13-24", "Individuos 25-44"
DATE = "2026-11-16"


@pytest.fixture(scope="module")
def config() -> AnalysisConfig:
    return load_analysis_config()


def sheet(config: AnalysisConfig, title: str, code: str, rule: str, *, target: str = DEFAULT_TARGET,
          region: str = NATIONAL_REGION, uv: int = 1_000_000, share: float = 10.0,
          rules: tuple[str, ...] = (), evidence: dict | None = None) -> FactSheet:
    rules = rules or (rule,)
    return FactSheet(
        title=title, channel=config.channel_handle(code), unique_viewers=uv,
        avg_audience=uv // 3, share=share,
        event=config.event_phrase(rule, target, region, "", code), channel_code=code,
        rules=rules, target=target, region=region, evidence=evidence or {},
        broadcast_date=DATE, start=f"{DATE}T22:00:00", priority=config.rank(rules[0]))


def test_one_story_per_programme_the_strongest_event_leads(config: AnalysisConfig) -> None:
    sheets = [
        sheet(config, "@eldebatedegh", "T5", "day_top", target=YOUTH, uv=751_000),
        sheet(config, "@eldebatedegh", "T5", "day_top", uv=5_460_000),
        sheet(config, "@eldebatedegh", "T5", "day_top", region="Aragón", uv=154_000),
        sheet(config, "@eldebatedegh", "T5", "day_top", target=ADULTS, uv=1_370_000),
        sheet(config, "SABER Y GANAR", "La2", "above_channel_day_average", uv=778_000),
    ]
    plan = plan_day(sheets, config, DATE)
    assert len(plan.stories) == 2
    debate = next(s for s in plan.stories if s.sheet.title == "@eldebatedegh")
    assert (debate.sheet.target, debate.sheet.region, debate.sheet.unique_viewers) == (
        DEFAULT_TARGET, NATIONAL_REGION, 5_460_000)
    assert debate.sheet.event == ("Lo más visto del día, también entre los espectadores de "
                                  "25 a 44 años y entre los jóvenes")
    assert len(debate.merged_keys) == 4
    assert plan.stories[0] is debate  # the day's top outranks a channel-average story


def test_a_different_secondary_event_keeps_its_own_words(config: AnalysisConfig) -> None:
    sheets = [sheet(config, "@A3Noticias", "A3", "prime_time_leader", uv=3_669_000),
              sheet(config, "@A3Noticias", "A3", "target_leader", target=YOUTH, uv=295_000)]
    story = plan_day(sheets, config).stories[0]
    assert story.sheet.event == "Líder del prime time, también líder de su franja entre los jóvenes"


def test_regional_channels_are_judged_in_their_own_region_only(config: AnalysisConfig) -> None:
    national = sheet(config, "@basuraotesoro", "ARAGON TV", "channel_top", uv=219_000, share=0.8,
                     rules=("channel_top", "watchlist"))
    home = sheet(config, "@basuraotesoro", "ARAGON TV", "channel_top", region="Aragón",
                 uv=53_000, share=7.2, rules=("channel_top", "watchlist"))
    plan = plan_day([national, home], config)
    assert [(s.sheet.region, s.sheet.share) for s in plan.stories] == [("Aragón", 7.2)]
    assert plan.stories[0].sheet.event == "Lo más visto del día de la cadena en Aragón"
    assert len(plan.dropped) == 1
    only_national = plan_day([national], config)
    assert only_national.stories == ()


def test_budget_per_network_keeps_the_best_and_always_the_watchlist(config: AnalysisConfig
                                                                     ) -> None:
    others = [sheet(config, f"PROGRAMA {i}", "A3", "above_channel_day_average",
                    uv=1_000_000 + i * 100_000) for i in range(12)]
    watched = sheet(config, "POLONIA", "TV3", "watchlist", region="Cataluña", uv=20_000)
    plan = plan_day([*others, watched], config)
    assert plan.stories[-1].sheet.title == "Polònia"  # names.yaml; the lowest news value...
    chosen = plan.for_network("x")
    assert len(chosen) == config.plan.budgets["x"] == 8
    assert "Polònia" in [s.title for s in chosen]  # ...is in all the same
    titles = [s.sheet.title for s in plan.stories if s.sheet.title != "Polònia"]
    assert [s.title for s in chosen if s.title != "Polònia"] == titles[:7]
    assert len(plan.for_network("threads")) == 10
    assert len(plan.for_network("unknown")) == 13


def test_news_value_rewards_priority_audience_and_margin(config: AnalysisConfig) -> None:
    def ranked(*sheets: FactSheet) -> list[str]:
        return [s.sheet.title for s in plan_day(sheets, config).stories]

    assert ranked(sheet(config, "A", "A3", "above_channel_day_average", uv=3_000_000),
                  sheet(config, "B", "T5", "historical_record_unique_viewers", uv=900_000)
                  ) == ["B", "A"]
    assert ranked(sheet(config, "A", "A3", "day_top", uv=900_000),
                  sheet(config, "B", "T5", "day_top", uv=3_000_000)) == ["B", "A"]
    close = {"day_top": {"value": 1_000_000, "runner_up": {"value": 990_000}}}
    clear = {"day_top": {"value": 1_000_000, "runner_up": {"value": 500_000}}}
    assert ranked(sheet(config, "A", "A3", "day_top", evidence=close),
                  sheet(config, "B", "T5", "day_top", evidence=clear)) == ["B", "A"]


def test_titles_without_handle_get_a_display_name_and_short_hashtags(config: AnalysisConfig
                                                                      ) -> None:
    story = plan_day([sheet(config, "AL ROJO VIVO", "LA SEXTA", "above_channel_day_average")],
                     config).stories[0]
    assert story.sheet.title == "Al rojo vivo"
    assert story.sheet.hashtags == ("#AlRojoVivo", "#laSexta")
    handle = plan_day([sheet(config, "@eldebatedegh", "T5", "day_top")], config).stories[0]
    assert handle.sheet.hashtags == ("#DebateGH", "#Telecinco")
    assert sentence_case("EL DEBATE DE GH", config.plan.keep_words) == "El debate de GH"
    assert sentence_case("FUTBOL: SUPERCOPA DE ESPAÑA", config.plan.keep_words) == (
        "Futbol: Supercopa de España")
    assert sentence_case("La Revuelta") == "La Revuelta"
    long_tag = hashtag_from_name("Los conciertos de Radio 3 en la Plaza Mayor de Madrid", 22)
    assert long_tag == "#ConciertosRadio3Plaza" and len(long_tag) <= 22
    assert hashtag_from_name("Telenoticias 2", 22) == "#Telenoticias2"


def test_channel_hashtags_come_from_names_or_config(config: AnalysisConfig) -> None:
    from audience_assets.analysis.plan import channel_hashtag

    assert channel_hashtag("T5", config) == "#Telecinco"
    assert channel_hashtag("ARAGON TV", config) == "#AragónTV"
    assert channel_hashtag("MOVISTAR PLUS+", config) == "#MovistarPlus"
    custom = config.model_copy(update={"channels": {
        **config.channels, "T5": config.channels["T5"].model_copy(update={"hashtag": "#T5"})}})
    assert channel_hashtag("T5", custom) == "#T5"


def _every_phrase(config: AnalysisConfig) -> list[tuple[str, str]]:
    """Every event phrase the configuration allows: each rule with an event, in every
    target and region it applies to, for every channel, with its secondaries."""
    out = []
    for rule_id in config.enabled_rules():
        for target, region in itertools.product(config.targets, config.regions):
            if not config.applies(rule_id, target, region):
                continue
            for code in [*config.channels, "UNKNOWN"]:
                phrase = config.event_phrase(rule_id, target, region, "21:05", code)
                if phrase:
                    out.append((f"{rule_id}|{target}|{region}|{code}", phrase))
    return out


def test_every_event_phrase_the_config_allows_reads_as_a_person_writes_it(
        config: AnalysisConfig) -> None:
    phrases = _every_phrase(config)
    assert len(phrases) > 200
    problems = []
    for where, phrase in phrases:
        words = phrase.lower().split()
        if (phrase != phrase.strip() or "  " in phrase or "{" in phrase
                or re.search(r"\ben\b[^,]*\ben\b", phrase)
                or re.search(r"\bpor (los )?jóvenes", phrase)
                or any(a == b for a, b in itertools.pairwise(words))
                or phrase.count("entre") > 1 or "en la cadena en" in phrase):
            problems.append(f"{where}: {phrase}")
        target, region = where.split("|")[1:3]
        if config.targets[target] and "entre" not in phrase:
            problems.append(f"{where}: lost its target: {phrase}")
        if config.regions[region] and region not in phrase:
            problems.append(f"{where}: lost its region: {phrase}")
    assert not problems, "\n".join(problems[:20])


def test_every_story_event_of_two_and_three_sheets_reads_well(config: AnalysisConfig) -> None:
    base = [sheet(config, "@x", "T5", rule, target=t, region=r)
            for rule in ("day_top", "prime_time_leader", "target_leader")
            for t in config.targets for r in config.regions if config.applies(rule, t, r)]
    problems = []
    for lead, other in itertools.permutations(base, 2):
        event = plan_day([lead, replace(other, start=lead.start)], config).stories[0].sheet.event
        if event.count("también") > 1 or "  " in event or ", también ," in event \
                or event.endswith(("también", " y")) or len(event) > config.plan.max_event_chars:
            problems.append(event)
    assert not problems, problems[:5]


def test_the_post_plan_asset_stores_the_ranked_stories_and_shows_them(
        config: AnalysisConfig, tmp_path: Path) -> None:
    import dagster as dg

    from audience_assets.analysis.assets import post_plan
    from audience_assets.resources.analysis import AnalysisResource
    from audience_assets.resources.database import DatabaseResource

    database = DatabaseResource(url=f"sqlite:///{tmp_path}/plan.db")
    sheets = [sheet(config, "@eldebatedegh", "T5", "day_top", uv=5_460_000),
              sheet(config, "@eldebatedegh", "T5", "day_top", target=YOUTH, uv=751_000),
              sheet(config, "AL ROJO VIVO", "LA SEXTA", "above_channel_day_average")]
    replace_fact_sheets(database.engine(), DATE, sheets)
    output = post_plan(context=dg.build_asset_context(partition_key=DATE),
                       database=database, analysis=AnalysisResource())
    assert isinstance(output, dg.MaterializeResult) and output.metadata is not None
    meta = output.metadata
    assert meta["dagster/row_count"] == 2 and meta["posts_x"] == 2
    assert "Lo más visto del día, también entre los jóvenes" in meta["stories"].value

    stored = load_plan(database.engine(), DATE)
    assert stored is not None
    assert [s.sheet.title for s in stored.stories] == ["@eldebatedegh", "Al rojo vivo"]
    assert stored == replace(plan_day(sheets, config, DATE), budgets=stored.budgets)
    entries = plan_entries(database.engine(), DATE, "x")
    assert [(e.rank, e.chosen) for e in entries] == [(1, True), (2, True)]
    # The story's sheet carries the display name but keeps its lead fact sheet's key
    # (the title as delivered), so drafts, the desk and the exports join on one key.
    assert entries[1].sheet_key == sheets[2].key and "AL ROJO VIVO" in entries[1].sheet_key
    assert stored.stories[1].sheet.key == sheets[2].key


def test_a_stored_plan_keeps_each_networks_picks_and_why_the_others_are_out(
        config: AnalysisConfig, tmp_path: Path) -> None:
    from audience_assets.resources.database import DatabaseResource

    engine = DatabaseResource(url=f"sqlite:///{tmp_path}/plan.db").engine()
    sheets = [sheet(config, f"PROGRAMA {n}", "A3", "above_channel_day_average",
                    uv=1_000_000 + n * 10_000) for n in range(5)]
    plan = replace(plan_day(sheets, config, DATE), budgets={"x": 2, "bluesky": 4}, chosen={})
    plan = replace(plan, chosen={n: tuple(s.sheet.key for s in plan.selected(n))
                                 for n in plan.budgets})
    replace_plan(engine, DATE, plan)
    x = plan_entries(engine, DATE, "x")
    assert [e.rank for e in x if e.chosen] == [1, 2]
    assert [e.story_key for e in x if e.chosen] == [s.key for s in plan.stories[:2]]
    assert all("fuera del cupo de 2" in e.reason for e in x if not e.chosen)
    assert len([e for e in plan_entries(engine, DATE, "bluesky") if e.chosen]) == 4
    stored = load_plan(engine, DATE)
    assert stored is not None
    assert [s.key for s in stored.selected("x")] == [s.key for s in plan.selected("x")]
    # A re-run replaces the date's plan; other dates are untouched.
    replace_plan(engine, "2026-11-17", plan)
    replace_plan(engine, DATE, replace(plan, stories=plan.stories[:1],
                                       chosen={"x": (plan.stories[0].sheet.key,)}))
    assert [e.rank for e in plan_entries(engine, DATE, "x") if e.chosen] == [1]
    assert len(plan_entries(engine, "2026-11-17", "x")) == 5
    assert load_plan(engine, "2026-11-18") is None
