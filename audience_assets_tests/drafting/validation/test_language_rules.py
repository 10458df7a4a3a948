"""The language rules backed by lexicons: the issue's examples, verbless labels, masking."""

from __future__ import annotations

import pytest

from audience_assets.drafting.validation import RULE_IDS, validate
from audience_assets.drafting.validation.lexicon import present_of
from audience_assets_tests.drafting.validation.corpus_data import NEWER_RULES, fact_sheets, load

SHEETS = fact_sheets()
RULETA = ("{verb} 2.620.000 espectadores únicos, máximo histórico del programa, con 1.206.000 de "
          "audiencia media y un 15.7% de cuota. 🎡📈 #LaRuletaDeLaSuerte {tag}")


def rules(text: str, sheet: str) -> set[str]:
    return set(validate(text, SHEETS[sheet]).rules) - NEWER_RULES


@pytest.mark.parametrize("text,sheet,rule", [
    (RULETA.format(verb="@antena3com marca con @laruletasuerte", tag="#Audiencias"), "ruleta",
     "style.tense"),
    ("@navedelmisterio de @cuatro sigue imbatible con 4.624.000 espectadores únicos, 794.000 de "
     "audiencia media y un 7.4% de cuota: lo más visto del día. 🛸📺 #NaveDelMisterio #Audiencias",
     "nave", "style.tense"),
    ("@navedelmisterio de @cuatro volvió a enamorar al público y fue lo más visto del día: "
     "4.624.000 espectadores únicos, 794.000 de audiencia media y un 7.4% de cuota. 🛸📺 "
     "#NaveDelMisterio #Audiencias", "nave", "style.promotional"),
    ("La Final Supercopa de España @realmadrid vs @fcbarcelona_es hizo historia en @movistarplus "
     "con 2.648.000 espectadores únicos, 1.680.000 de audiencia media y un 13.1% de cuota. ⚽📺 "
     "#Supercopa #Audiencias", "supercopa", "event.invented"),
    ("@basuraotesoro de @aragontv reunio a 105.000 espectadores únicos, 35.000 de audiencia media "
     "y un 8.5% de cuota: lo más visto del día por jóvenes. 📺👀 #BasuraOTesoro #AudienciasTV",
     "basura", "style.spelling"),
    (RULETA.format(verb="@laruletasuerte de @antena3com logró", tag="#LaRuletaDeLaSuete"),
     "ruleta", "hashtags.spelling"),
    (RULETA.format(verb="@laruletasuerte de @antena3com logró", tag="#PrimeTimeKings"),
     "ruleta", "hashtags.language"),
    ("@navedelmisterio de @cuatro fue lo más visto del día: 4.624.000 espectadores únicos, "
     "794.000 de audiencia media y un 7.4% de cuota. 🛸📺 #NaveDelMisterio #SaturdayFun", "nave",
     "hashtags.language"),
    ("@supervivientes de @telecincoes fue lo más visto del día por jóvenes: 2.450.000 espectadores "
     "únicos, 1.380.000 de audiencia media y un 17.9% de cuota. ¿Te lo vas a perder? 🏝️📺 "
     "#Supervivientes #AudienciasTV", "supervivientes", "style.promotional"),
])
def test_the_issue_examples_are_rejected_with_their_rule(text, sheet, rule):
    assert rule in rules(text, sheet)


def test_a_verbless_label_and_a_masked_title_with_verbs_are_not_tense_errors():
    assert rules("Lo más visto del día: @navedelmisterio (@cuatro), 4.624.000 espectadores únicos, "
                 "794.000 de audiencia media y un 7.4% de cuota. 🛸📺 #NaveDelMisterio "
                 "#Audiencias", "nave") == set()
    assert rules("¡Ha llegado el TERROR! #Especial, en @cuatro, logró 1.210.000 espectadores "
                 "únicos, 402.000 de audiencia media y un 5.3% de cuota. 🎬📺 #CineEnCuatro "
                 "#Audiencias", "terror") == set()


def test_morphology_tells_a_present_from_a_past_and_a_noun():
    assert present_of("marca") == "marcar"
    assert present_of("sigue") == "seguir"
    assert present_of("reúne") == "reunir"
    assert present_of("consiguió") is None
    assert present_of("fue") is None  # simplemma: a form of ser, not of 'fuer'
    assert present_of("cuota") is None


def test_bilingual_and_name_words_in_hashtags_are_spanish():
    text = ("La Final Supercopa de España @realmadrid vs @fcbarcelona_es reunió en @movistarplus a "
            "2.648.000 espectadores únicos, 1.680.000 de audiencia media y un 13.1% de cuota. ⚽📺 "
            "#FinalSupercopa #FútbolEnTelevisión")
    assert rules(text, "supercopa") == set()


def test_the_violation_names_the_pattern_that_fired():
    result = validate("@MasterChef_es logró en @La1_tve unos datos muy destacados, su máximo de "
                      "temporada de cuota: 3.900.000 espectadores únicos, 1.650.000 de audiencia "
                      "media y un 16.4% de cuota. 👩‍🍳📈 #MasterChef #Audiencias",
                      SHEETS["masterchef"])
    messages = [v.message for v in result.violations if v.rule == "style.promotional"]
    assert any("elogio" in m and "intensificador" in m for m in messages), messages


FROZEN = load("frozen")
# Where the validator and the frozen labels disagree, on purpose: the frozen file is
# never edited, so the disagreement is recorded here and must stay as it is.
KNOWN_DIFFERENCES = {
    # 📺📺: the old corpus (d08) labels a doubled emoji as both too few distinct emojis
    # and repeated; the frozen label says repeated only. The validator keeps d08's reading.
    "fo12": frozenset({"emojis.repeated", "emojis.count"}),
}


def test_frozen_corpus_is_big_enough_and_labelled():
    assert len(FROZEN) >= 60
    assert sum(1 for s in FROZEN if not s.expected) >= 20
    assert set().union(*(s.expected for s in FROZEN)) <= set(RULE_IDS)


@pytest.mark.parametrize("sample", FROZEN, ids=lambda s: s.id)
def test_frozen_post_gets_its_labelled_rules(sample):
    result = validate(sample.text, sample.sheet, sample.network)
    want = KNOWN_DIFFERENCES.get(sample.id, sample.expected)
    assert result.rules - NEWER_RULES == want, [(v.rule, v.message)
                                                for v in result.violations]


def test_a_bad_tone_pattern_stops_loading_with_the_file_named(tmp_path):
    import shutil

    from audience_assets.drafting.validation import ValidatorConfigError, load_config
    from audience_assets.drafting.validation.config import DEFAULT_DIR

    shutil.copytree(DEFAULT_DIR, tmp_path / "cfg")
    tone = tmp_path / "cfg" / "tone.yaml"
    tone.write_text(tone.read_text(encoding="utf-8").replace(
        "regex: '¿[^?\\n]*\\?'", "regex: '¿[^?\\n*\\?'"), encoding="utf-8")
    with pytest.raises(ValidatorConfigError, match=r"tone\.yaml.*regular expression"):
        load_config(tmp_path / "cfg")
