"""The fluency gate (issue 21, item 3) on its frozen corpora and on single cases."""

from __future__ import annotations

import json

import pytest

from audience_assets.drafting.validation import validate
from benchmarks.fluency_eval import evaluate

pytestmark = pytest.mark.timeout(300)

NAVE = {"title": "@navedelmisterio", "channel": "@cuatro", "unique_viewers": 4624000,
        "avg_audience": 794000, "share": 7.4, "event": "Lo más visto del día"}
BODY = ("@navedelmisterio fue lo más visto del día: 4.624.000 espectadores únicos en @cuatro, "
        "794.000 de audiencia media y un 7.4% de cuota.")
TAIL = " 👀📺 #LaNaveDelMisterio #Cuatro"


def rules(text: str, sheet: dict = NAVE) -> set[str]:
    return set(validate(text, sheet).rules)


@pytest.mark.parametrize("corpus", ["main", "holdout"])
def test_the_gate_meets_its_goal_on_the_frozen_corpora(corpus: str) -> None:
    figures = evaluate(corpus)
    assert figures["recall"] >= 0.9 and figures["false_rejects"] <= 0.05


def test_a_fluent_post_passes() -> None:
    assert rules(BODY + TAIL) == set()


@pytest.mark.parametrize("invitation", ["No te la pierdas.", "No os lo perdáis.",
                                        "No te quedes sin verla.", "Descúbrelo en @cuatro.",
                                        "Revívela en @cuatro.", "Únete."])
def test_invitations_are_recognised_by_form(invitation: str) -> None:
    assert "style.promotional" in rules(f"{BODY} {invitation}{TAIL}")


def test_an_accented_noun_ending_like_a_clitic_is_not_an_imperative() -> None:
    text = BODY.replace("fue lo más visto del día", "fue lo más visto del día, con la película")
    assert "style.promotional" not in rules(text + TAIL)


@pytest.mark.parametrize("text, rule", [
    ("@navedelmisterio reunió en @cuatro a 4.624.000 espectadores únicos, 794.000 de audiencia "
     "media y un 7.4%. Fue lo más visto del día.", "fluency.unlabelled"),
    ("Lo más visto del día sumó 4.624.000 espectadores únicos con @navedelmisterio en @cuatro, "
     "794.000 de audiencia media y un 7.4% de cuota.", "fluency.event_label"),
    ("@navedelmisterio reunió en @cuatro a 4.624.000 espectadores únicos, 794.000 de audiencia "
     "media y un 7.4% de cuota. Lo más visto del día.", "fluency.event_label"),
    ("Lo más visto del día fue entre @navedelmisterio, con 4.624.000 espectadores únicos en "
     "@cuatro, 794.000 de audiencia media y un 7.4% de cuota.", "fluency.slot"),
    ("Lo más visto del día en @cuatro: 4.624.000 espectadores únicos, 794.000 de audiencia "
     "media y un 7.4% de cuota: @navedelmisterio.", "fluency.slot"),
    ("@navedelmisterio reunió en @cuatro a 4.624.000 espectadores únicos y 794.000 de "
     "audiencia media, con una cuota del 7.4% en lo más visto del día.", "fluency.slot"),
    ("@navedelmisterio fue lo más visto del día: sumó 4.624.000 espectadores únicos en @cuatro "
     "y promedió 794.000 de audiencia media, con un 7.4% de cuota.", "fluency.pleonasm"),
    ("@navedelmisterio fue lo más visto del día: 4.624.000 espectadores únicos en @cuatro, "
     "794.000 espectadores únicos de audiencia media y un 7.4% de cuota.",
     "fluency.repeated_metric"),
])
def test_each_defect_is_named(text: str, rule: str) -> None:
    assert rule in rules(text + TAIL)


def test_a_target_after_entre_is_not_a_missing_pair() -> None:
    sheet = {**NAVE, "event": "Lo más visto del día entre los jóvenes"}
    text = BODY.replace("lo más visto del día", "lo más visto del día entre los jóvenes")
    assert "fluency.slot" not in rules(text + TAIL, sheet)


def test_the_corpora_stay_frozen() -> None:
    from benchmarks.fluency_eval import load
    main, holdout = load("main"), load("holdout")
    assert (len(main), len(holdout)) == (102, 35)
    assert sum(1 for i in main if i["expected"]) == 61
    assert json.dumps([i["expected"] for i in holdout]).count("fluency") == 17


MAIN_VERB_BROKEN = [
    # No verb for the figure (the natural writer under the copy rule, 2026-12-03).
    "Lo más visto del día: @navedelmisterio, de @cuatro a 4.624.000 espectadores únicos, con "
    "una audiencia media de 794.000 y un 7.4% de cuota.",
    "Resultado de @navedelmisterio en @cuatro, a 4.624.000 espectadores únicos, su audiencia "
    "media fue de 794.000 y su cuota, del 7.4%. Fue lo más visto del día.",
    "4.624.000 espectadores únicos, luego 794.000 de audiencia media y un 7.4% de cuota, lo "
    "más visto del día. @navedelmisterio, @cuatro.",
    # Two verbs for it, and a preposition the verb does not take.
    "Lo más visto del día: @navedelmisterio reunió 4.624.000 espectadores únicos vieron "
    "@cuatro, que firmó una audiencia media de 794.000 y un 7.4% de cuota.",
    "@navedelmisterio obtuvo en 4.624.000 espectadores únicos en @cuatro, 794.000 de "
    "audiencia media y un 7.4% de cuota, y fue lo más visto del día.",
]
MAIN_VERB_FLUENT = [
    BODY,
    "Lo más visto del día: @navedelmisterio reunió en @cuatro a 4.624.000 espectadores "
    "únicos, con 794.000 de audiencia media y un 7.4% de cuota.",
    "Con 4.624.000 espectadores únicos, 794.000 de audiencia media y un 7.4% de cuota, "
    "@navedelmisterio fue lo más visto del día en @cuatro.",
    "Lo más visto del día: @navedelmisterio, en @cuatro, con 4.624.000 espectadores únicos, "
    "794.000 de audiencia media y un 7.4% de cuota.",
    "4.624.000 espectadores únicos vieron @navedelmisterio en @cuatro, lo más visto del día, "
    "con 794.000 de audiencia media y un 7.4% de cuota.",
    "4.624.000 espectadores únicos para @navedelmisterio en @cuatro, lo más visto del día, "
    "con 794.000 de audiencia media y un 7.4% de cuota.",
    "4.624.000 espectadores únicos, 794.000 de audiencia media y un 7.4% de cuota: "
    "@navedelmisterio fue lo más visto del día en @cuatro.",
]


@pytest.mark.parametrize("text", MAIN_VERB_BROKEN)
def test_a_reach_figure_without_one_verb_is_named(text: str) -> None:
    assert "fluency.main_verb" in rules(text + TAIL)


@pytest.mark.parametrize("text", MAIN_VERB_FLUENT)
def test_headings_and_governed_figures_pass_the_main_verb_rule(text: str) -> None:
    assert "fluency.main_verb" not in rules(text + TAIL)


def test_a_present_tense_verb_is_reported_by_the_tense_rule_not_as_missing() -> None:
    found = rules("@navedelmisterio firma en @cuatro 4.624.000 espectadores únicos, 794.000 de "
                  "audiencia media y un 7.4% de cuota: lo más visto del día." + TAIL)
    assert "style.tense" in found and "fluency.main_verb" not in found


def test_the_writers_corpus_stays_frozen_and_the_rule_holds_on_it() -> None:
    from benchmarks.fluency_eval import load
    writers = load("writers")
    assert len(writers) == 178
    assert sum("fluency.main_verb" in i["expected"] for i in writers) == 6
    figures = evaluate("writers")
    assert figures["false_rejects"] == 0.0


def test_a_verb_after_a_semicolon_opens_another_clause() -> None:
    text = ("En @cuatro, @navedelmisterio fue seguido por 4.624.000 espectadores únicos; sumó "
            "794.000 de audiencia media y un 7.4% de cuota, y fue lo más visto del día.")
    assert "fluency.main_verb" not in rules(text + TAIL)


def test_a_series_of_the_programmes_verbs_passes_and_the_viewers_as_new_subject_does_not(
        ) -> None:
    series = ("@navedelmisterio reunió en @cuatro a 4.624.000 espectadores únicos, sumó 794.000 "
              "de audiencia media y marcó un 7.4% de cuota: lo más visto del día.")
    collision = ("@navedelmisterio reunió 4.624.000 espectadores únicos, vieron @cuatro, con "
                 "794.000 de audiencia media y un 7.4% de cuota: lo más visto del día.")
    assert "fluency.main_verb" not in rules(series + TAIL)
    assert "fluency.main_verb" in rules(collision + TAIL)


@pytest.mark.parametrize("title, text, flagged", [
    ("Pasapalabra", "El Pasapalabra reunió", True),
    ("PASAPALABRA", "El Pasapalabra reunió", True),
    ("@laruletasuerte", "El @laruletasuerte reunió", True),
    ("Pasapalabra", "Pasapalabra reunió", False),
    ("@laruletasuerte", "El programa @laruletasuerte reunió", False),
    ("El Hormiguero", "El Hormiguero reunió", False),
    ("TELEDIARIO 2", "El Telediario 2 reunió", False),
])
def test_an_article_before_a_name_that_takes_none_is_named(title: str, text: str,
                                                            flagged: bool) -> None:
    sheet = {**NAVE, "title": title, "event": ""}
    post = (f"{text} en @cuatro a 4.624.000 espectadores únicos, con 794.000 de audiencia "
            "media y un 7.4% de cuota.")
    assert ("fluency.article" in rules(post + TAIL, sheet)) is flagged


def test_the_writers_corpus_gate_with_the_article_rule() -> None:
    figures = evaluate("writers")
    assert figures["false_rejects"] == 0.0 and figures["recall"] >= 0.6


def test_a_copula_with_the_share_as_a_second_complement_is_named() -> None:
    mixed = ("@navedelmisterio reunió en @cuatro a 4.624.000 espectadores únicos; su audiencia "
             "media fue de 794.000 y {tail}. Fue lo más visto del día.")
    assert "fluency.construction" in rules(mixed.format(tail="un 7.4% de cuota") + TAIL)
    assert "fluency.construction" not in rules(mixed.format(tail="su cuota, del 7.4%") + TAIL)


# Verbs the blind readers marked down in the natural writer's posts (panels of
# 2026-12-03) and what an editor writes instead.
@pytest.mark.parametrize("text, verb", [
    ("@navedelmisterio agregó a 4.624.000 espectadores únicos en @cuatro", "agregó"),
    ("@navedelmisterio recibió en @cuatro 4.624.000 espectadores únicos", "recibió"),
    ("En @cuatro, @navedelmisterio reconoció 4.624.000 espectadores únicos", "reconoció"),
    ("Lo más visto del día: @navedelmisterio combinó 4.624.000 espectadores únicos en @cuatro",
     "combinó"),
    ("Con 4.624.000 espectadores únicos en @cuatro, @navedelmisterio agregó su emisión", "agregó"),
])
def test_a_verb_that_is_not_one_of_an_audience_is_named(text: str, verb: str) -> None:
    post = f"{text}, con 794.000 de audiencia media y un 7.4% de cuota." + TAIL
    result = validate(post, NAVE)
    found = [v for v in result.violations if v.rule == "fluency.verb"]
    assert len(found) == 1 and found[0].span is not None
    assert post[found[0].span[0]:found[0].span[1]] == verb


@pytest.mark.parametrize("text", [
    "@navedelmisterio reunió en @cuatro a 4.624.000 espectadores únicos",
    "En @cuatro, @navedelmisterio fue seguido por 4.624.000 espectadores únicos",
    "4.624.000 espectadores únicos vieron @navedelmisterio en @cuatro",
    "Con 4.624.000 espectadores únicos en @cuatro, @navedelmisterio cerró su emisión",
    "Datos de @navedelmisterio en @cuatro: 4.624.000 espectadores únicos",
    "@navedelmisterio tuvo el minuto de oro del día y sumó en @cuatro 4.624.000 espectadores "
    "únicos",
])
def test_the_verbs_of_an_audience_and_headings_pass_the_verb_rule(text: str) -> None:
    post = f"{text}, con 794.000 de audiencia media y un 7.4% de cuota." + TAIL
    assert "fluency.verb" not in rules(post)


def test_the_client_may_switch_the_verb_rule_off_with_an_empty_lexicon() -> None:
    from audience_assets.drafting.validation.config import load_config
    config = load_config()
    words = config.words.model_copy(update={"reach_verbs": []})
    relaxed = config.model_copy(update={"words": words})
    post = ("@navedelmisterio agregó a 4.624.000 espectadores únicos en @cuatro, con 794.000 "
            "de audiencia media y un 7.4% de cuota." + TAIL)
    assert "fluency.verb" in rules(post)
    assert "fluency.verb" not in set(validate(post, NAVE, config=relaxed).rules)


def test_another_figure_as_the_object_of_the_viewers_verb_is_named() -> None:
    broken = ("Datos de @navedelmisterio en @cuatro: 4.624.000 espectadores únicos vieron "
              "794.000 de audiencia media y un 7.4% de cuota. Fue lo más visto del día.")
    fluent = ("4.624.000 espectadores únicos vieron @navedelmisterio en @cuatro, con 794.000 "
              "de audiencia media y un 7.4% de cuota. Fue lo más visto del día.")
    assert "fluency.verb" in rules(broken + TAIL)
    assert "fluency.verb" not in rules(fluent + TAIL)


def test_a_name_alone_as_a_sentence_is_named() -> None:
    body = ("@navedelmisterio fue lo más visto del día: sumó 4.624.000 espectadores únicos, "
            "794.000 de audiencia media y un 7.4% de cuota.")
    assert "fluency.slot" in rules(body + " @cuatro." + TAIL)
    assert "fluency.slot" not in rules(body.replace("sumó", "sumó en @cuatro") + TAIL)


def test_the_prompt_leaking_into_a_post_is_named() -> None:
    leak = ("Los datos recibidos entre los marcadores están correctamente formados: "
            "@navedelmisterio sumó en @cuatro 4.624.000 espectadores únicos, 794.000 de "
            "audiencia media y un 7.4% de cuota, y fue lo más visto del día.")
    assert "words.banned" in rules(leak + TAIL)


def test_the_verbs_corpus_stays_frozen_and_the_verb_rule_holds_on_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.fluency_eval import load
    verbs = load("verbs")
    assert len(verbs) == 107
    assert sum("fluency.verb" in i["expected"] for i in verbs) == 6
    assert sum(not i["expected"] for i in verbs) == 78
    figures = evaluate("verbs")
    # One: v094 "… y una cuota de 17.2%", which this corpus's labeller passed and the
    # writers corpus's labeller and both readers of the fifth panel did not.
    assert figures["false_rejects"] <= 1 / 78
    row = next(line for line in capsys.readouterr().out.splitlines()
               if line.startswith("| fluency.verb "))
    assert [c.strip() for c in row.strip("|").split("|")][1:5] == ["6", "6", "0", "0"]


@pytest.mark.parametrize("text, flagged", [
    # What the blind readers of 2026-12-03 (third panel) marked down.
    ("@navedelmisterio obtuvo en @cuatro, 4.624.000 espectadores únicos", True),
    ("@navedelmisterio reunió en @cuatro, a 4.624.000 espectadores únicos", True),
    ("@navedelmisterio obtuvo en @cuatro 4.624.000 espectadores únicos", False),
    ("@navedelmisterio, de @cuatro, sumó 4.624.000 espectadores únicos", False),
    ("@navedelmisterio fue lo más visto del día en @cuatro, 4.624.000 espectadores únicos",
     False),
])
def test_a_comma_between_the_verb_and_the_reach_figure_is_named(text: str,
                                                                 flagged: bool) -> None:
    post = f"{text}, con 794.000 de audiencia media y un 7.4% de cuota." + TAIL
    assert ("fluency.main_verb" in rules(post)) is flagged


@pytest.mark.parametrize("text, flagged", [
    ("Datos de @navedelmisterio, en @cuatro sumó 4.624.000 espectadores únicos", True),
    ("Resultado de @navedelmisterio en @cuatro, que sumó 4.624.000 espectadores únicos", True),
    ("Datos de @navedelmisterio en @cuatro: 4.624.000 espectadores únicos", False),
    ("Resultado de @navedelmisterio en @cuatro: lo vieron 4.624.000 espectadores únicos",
     False),
])
def test_a_nominal_heading_that_goes_on_with_a_verb_is_named(text: str,
                                                             flagged: bool) -> None:
    post = (f"{text}, con 794.000 de audiencia media y un 7.4% de cuota. Fue lo más visto "
            "del día." + TAIL)
    assert ("fluency.construction" in rules(post)) is flagged


@pytest.mark.parametrize("text, rule", [
    # What the readers of the fifth blind panel (2026-12-03) named.
    ("@navedelmisterio, de @cuatro reunió a 4.624.000 espectadores únicos, con 794.000 de "
     "audiencia media y un 7.4% de cuota.", "fluency.slot"),
    ("@navedelmisterio emitió @cuatro, que alcanzó 4.624.000 espectadores únicos, con "
     "794.000 de audiencia media y un 7.4% de cuota.", "fluency.slot"),
    ("4.624.000 espectadores únicos vieron @navedelmisterio en @cuatro, en una audiencia "
     "media de 794.000 y un 7.4% de cuota.", "fluency.construction"),
    ("@navedelmisterio reunió en @cuatro a 4.624.000 espectadores únicos, con una audiencia "
     "media de 794.000 y una cuota de 7.4%.", "fluency.construction"),
])
def test_the_fifth_panel_s_defects_are_named_and_their_mended_forms_pass(text: str,
                                                                           rule: str) -> None:
    assert rule in rules(text + " Fue lo más visto del día." + TAIL)
    mended = (text.replace("@cuatro reunió", "@cuatro, reunió")
              .replace("@navedelmisterio emitió @cuatro", "@cuatro emitió @navedelmisterio")
              .replace("en una audiencia", "con una audiencia")
              .replace("cuota de 7.4%", "cuota del 7.4%"))
    assert rule not in rules(mended + " Fue lo más visto del día." + TAIL)


def test_the_prompt_s_list_written_as_a_post_is_named() -> None:
    # Kept on the sample day of 2026-12-03 before these rules.
    post = ("Los datos proporcionados son los siguientes: @navedelmisterio, @cuatro, "
            "4.624.000 espectadores únicos, luego 794.000 de audiencia media, luego 7.4% de "
            "cuota. Fue lo más visto del día.")
    found = rules(post + TAIL)
    assert {"words.banned", "fluency.pleonasm"} <= found
