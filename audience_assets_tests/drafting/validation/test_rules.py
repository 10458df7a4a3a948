"""One positive and one negative case per rule, near the rule's boundary."""

from __future__ import annotations

import pytest

from audience_assets.drafting.validation import validate
from audience_assets.records import FactSheet
from audience_assets_tests.drafting.validation.corpus_data import fact_sheets

SHEETS = fact_sheets()
RULETA = SHEETS["ruleta"]
GOOD = ("El programa @laruletasuerte de @antena3com consiguió 2.620.000 espectadores únicos, "
        "1.206.000 de audiencia media y un 15.7% de cuota, su máximo histórico de espectadores "
        "únicos. 📺🎡 #LaRuletaDeLaSuerte #Audiencias")


def swap(old: str, new: str, text: str = GOOD) -> str:
    assert old in text
    return text.replace(old, new, 1)


# (rule, sheet, text that breaks it, text that is close but does not)
CASES = [
    ("data.missing", "ruleta", swap(" de @antena3com", ""),
     swap(" de @antena3com", " (@antena3com)")),
    ("data.missing", "ruleta", swap("@antena3com", "#antena3com"),
     swap("#Audiencias", "#Antena3")),
    ("data.missing", "ruleta", swap("1.206.000 de audiencia media y ", ""),
     swap("1.206.000 de audiencia media", "una audiencia media de 1.206.000")),
    ("data.mismatch", "ruleta", swap("2.620.000 espectadores únicos, 1.206.000",
                                     "1.206.000 espectadores únicos, 2.620.000"),
     swap("15.7%", "15,7 %")),
    ("data.mismatch", "ruleta", swap("2.620.000", "2.600.000"),
     swap("2.620.000 espectadores únicos", "2.620.000 espectadores distintos")),
    ("data.order", "ruleta", swap("2.620.000 espectadores únicos, 1.206.000 de audiencia media",
                                  "1.206.000 de audiencia media, 2.620.000 espectadores únicos"),
     swap("1.206.000 de audiencia media y un 15.7% de cuota",
          "una audiencia media de 1.206.000 y una cuota del 15.7%")),
    ("event.missing", "ruleta", swap(", su máximo histórico de espectadores únicos", ""),
     swap("su máximo histórico de espectadores únicos", "su récord histórico de espectadores "
          "únicos")),
    ("event.missing", "debate",
     "@eldebatedegh de @telecincoes fue lo más visto del día: 3.207.000 espectadores únicos, "
     "932.000 de audiencia media y un 11.9% de cuota. 📺📊 #ElDebateDeGH #Audiencias",
     "@eldebatedegh de @telecincoes fue la emisión más vista del día en Andalucía: 3.207.000 "
     "espectadores únicos, 932.000 de audiencia media y un 11.9% de cuota. 📺📊 #ElDebateDeGH "
     "#Audiencias"),
    ("event.invented", "ruleta", swap("#Audiencias", "#LoMásVisto"),
     swap("#Audiencias", "#Récord")),
    ("event.invented", "supercopa",
     "La Final Supercopa de España entre @realmadrid y @fcbarcelona_es fue lo más visto en "
     "@movistarplus: 2.648.000 espectadores únicos, 1.680.000 de audiencia media y un 13.1% de "
     "cuota. ⚽🏆 #Supercopa #Audiencias",
     "La Final Supercopa de España entre @realmadrid y @fcbarcelona_es congregó en @movistarplus "
     "a 2.648.000 espectadores únicos, 1.680.000 de audiencia media y un 13.1% de cuota. ⚽🏆 "
     "#Supercopa #Audiencias"),
    ("style.tense", "ruleta", swap("consiguió", "ha conseguido"), swap("consiguió", "logró")),
    ("style.tense", "ruleta", swap("consiguió", "alcanza"), swap("consiguió", "alcanzó")),
    ("style.exclamation", "ruleta", swap(". 📺", "! 📺"), swap(". 📺", ". 🎉📺")),
    ("style.promotional", "ruleta", swap("El programa", "Espectacular dato de"),
     swap("El programa", "El concurso")),
    ("style.promotional", "ruleta", swap(". 📺", ". No te lo pierdas. 📺"), GOOD),
    ("style.comparison", "ruleta", swap("consiguió", "superó a la competencia con"), GOOD),
    ("style.context", "ruleta", swap("El programa", "El programa presentado por Jorge Fernández,"),
     GOOD),
    ("style.time_reference", "ruleta", swap("consiguió", "consiguió el lunes"),
     swap("consiguió", "consiguió en el día")),
    ("style.time_reference", "ruleta", swap("consiguió", "consiguió anoche"), GOOD),
    ("style.time_reference", "ruleta", swap("consiguió", "consiguió a las 21:30"), GOOD),
    ("style.markup", "ruleta", swap("El programa", "**El programa**"), GOOD),
    ("style.markup", "ruleta", "AUDIENCIAS: " + GOOD, "TV: " + GOOD),
    ("style.markup", "ruleta", GOOD + " [dato de Kantar]", GOOD + " (13.1)"),
    ("style.markup", "ruleta", swap("@laruletasuerte", "«@laruletasuerte»"), GOOD),
    ("style.markup", "ruleta", swap("El programa", "El programa {titulo}"), GOOD),
    ("hashtags.count", "ruleta", swap(" #Audiencias", ""), swap("#Audiencias", "#Antena3")),
    ("hashtags.language", "ruleta", swap("#Audiencias", "#TVRatings"),
     swap("#Audiencias", "#TelevisiónEnDirecto")),
    ("hashtags.language", "supercopa",
     "La Final Supercopa de España entre @realmadrid y @fcbarcelona_es en @movistarplus reunió a "
     "2.648.000 espectadores únicos, 1.680.000 de audiencia media y un 13.1% de cuota. ⚽🏆 "
     "#SupercupFinal #Audiencias",
     "La Final Supercopa de España entre @realmadrid y @fcbarcelona_es en @movistarplus reunió a "
     "2.648.000 espectadores únicos, 1.680.000 de audiencia media y un 13.1% de cuota. ⚽🏆 "
     "#FinalSupercopa #Television"),
    ("hashtags.spelling", "ruleta", swap("#LaRuletaDeLaSuerte", "#LaRuletaDeLaSuerta"),
     swap("#LaRuletaDeLaSuerte", "#LaRuleta")),
    ("hashtags.spelling", "supercopa",
     "La Final Supercopa de España entre @realmadrid y @fcbarcelona_es en @movistarplus reunió a "
     "2.648.000 espectadores únicos, 1.680.000 de audiencia media y un 13.1% de cuota. ⚽🏆 "
     "#Supercoppa #Audiencias",
     "La Final Supercopa de España entre @realmadrid y @fcbarcelona_es en @movistarplus reunió a "
     "2.648.000 espectadores únicos, 1.680.000 de audiencia media y un 13.1% de cuota. ⚽🏆 "
     "#SupercopaDeEspaña #Audiencias"),
    ("emojis.count", "ruleta", swap("📺🎡", "📺"), swap("📺🎡", "🇪🇸📺")),
    ("emojis.repeated", "ruleta", swap("📺🎡", "📺🎡📺"), swap("📺🎡", "📺🎡📊")),
    ("emojis.repeated", "ruleta", swap("📺🎡", "👍🏽🎡👍"), swap("📺🎡", "👍🏽🎡")),
    ("emojis.offtopic", "ruleta", swap("📺🎡", "📺🎮"), swap("📺🎡", "📺🎰" if False else "📺🔝")),
    ("emojis.offtopic", "telediario",
     "@telediario_tve de @La1_tve obtuvo 3.150.000 espectadores únicos, 2.010.000 de audiencia "
     "media y un 14.2% de cuota. ⚽📺 #Telediario #Audiencias",
     "@telediario_tve de @La1_tve obtuvo 3.150.000 espectadores únicos, 2.010.000 de audiencia "
     "media y un 14.2% de cuota. 📰📺 #Telediario #Audiencias"),
    ("length.limit", "ruleta", swap("#Audiencias", "#Audiencias " + "📊📈" * 20),
     swap("#Audiencias", "#Audiencias " + "📊📈🔝👀")),
    ("words.banned", "ruleta", "Hola. " + GOOD, "Ahora, " + GOOD),
    ("words.banned", "ruleta", swap(". 📺", ". Felicidades. 📺"), GOOD),
]


@pytest.mark.parametrize(("rule", "sheet", "bad", "good"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_on_bad_and_not_on_good(rule, sheet, bad, good):
    bad_result = validate(bad, SHEETS[sheet])
    assert rule in bad_result.rules, [(v.rule, v.message) for v in bad_result.violations]
    good_result = validate(good, SHEETS[sheet])
    assert rule not in good_result.rules, [(v.rule, v.message) for v in good_result.violations]


def test_violation_span_points_at_the_offending_words():
    text = swap("consiguió", "ha conseguido")
    (violation,) = validate(text, RULETA).violations
    assert violation.span is not None
    assert text[violation.span[0]:violation.span[1]] == "ha conseguido"
    assert "pasado simple" in violation.message


def test_accepts_a_factsheet_dataclass():
    sheet = FactSheet.from_dict(RULETA)
    assert validate(GOOD, sheet).valid


def test_title_with_verbs_capitals_hashtags_and_handle_text_is_data():
    sheet = {"title": "¡Ha llegado el TERROR! #Especial", "channel": "@cuatro",
             "unique_viewers": 1210000, "avg_audience": 402000, "share": 5.3, "event": ""}
    text = ("¡Ha llegado el TERROR! #Especial de @cuatro obtuvo 1.210.000 espectadores únicos, "
            "402.000 de audiencia media y un 5.3% de cuota. 👻📺 #Cuatro #Audiencias")
    assert validate(text, sheet).valid
    # The same words outside the title are the writer's: they break rules.
    bad = text.replace("obtuvo", "¡ha obtenido!")
    assert {"style.tense", "style.exclamation"} <= validate(bad, sheet).rules


def test_network_limits():
    long_post = GOOD + " " + "x" * 150  # about 330 characters
    assert "length.limit" in validate(long_post, RULETA, "x").rules
    assert "length.limit" in validate(long_post, RULETA, "bluesky").rules
    assert "length.limit" not in validate(long_post, RULETA, "threads").rules
    with pytest.raises(ValueError, match="unknown network"):
        validate(GOOD, RULETA, "myspace")


def test_emojis_are_grapheme_clusters():
    # A family (ZWJ), a flag and a skin-toned hand: three distinct emojis, no repeats.
    text = swap("📺🎡", "👨‍👩‍👧🇪🇸👍🏽")
    assert validate(text, RULETA).valid


def test_rounding_is_refused_unless_configured(tmp_path):
    import shutil

    from audience_assets.drafting.validation import load_config
    from audience_assets.drafting.validation.config import DEFAULT_DIR

    rounded = swap("2.620.000", "2,62 millones de")
    exact_in_words = swap("2.620.000", "2,62 millones de")
    assert "data.mismatch" not in validate(exact_in_words, RULETA).rules  # 2,62 M is exact
    rounded = swap("2.620.000", "2,6 millones de")
    assert "data.mismatch" in validate(rounded, RULETA).rules
    shutil.copytree(DEFAULT_DIR, tmp_path / "cfg")
    settings = tmp_path / "cfg" / "settings.yaml"
    settings.write_text(settings.read_text().replace("allow_rounding: false",
                                                     "allow_rounding: true"))
    assert "data.mismatch" not in validate(rounded, RULETA,
                                           config=load_config(tmp_path / "cfg")).rules


def test_the_configured_event_phrase_is_data_not_the_writers_style():
    """Found end to end: the template quotes analysis events that carry an hour or a
    comparison with the channel's own average; both are the client's wording."""
    from audience_assets.drafting.validation import validate
    from audience_assets.records import FactSheet

    golden = FactSheet(title="PASAPALABRA", channel="@antena3com", unique_viewers=4_660_000,
                       avg_audience=2_341_000, share=17.3,
                       event="Minuto de oro del día a las 20:58", genre="CONCURSOS",
                       hashtag_hint="#Pasapalabra")
    text = ("Minuto de oro del día a las 20:58: PASAPALABRA logró en @antena3com 4.660.000 "
            "espectadores únicos, una audiencia media de 2.341.000 y un 17.3% de cuota. 🎯 📺\n"
            "#Pasapalabra #Audiencias")
    assert validate(text, golden).valid, validate(text, golden).violations
    # an hour the event does not give is still a time reference
    invented = text.replace("17.3% de cuota.", "17.3% de cuota a las 21:15.")
    assert "style.time_reference" in validate(invented, golden).rules

    above = FactSheet(title="AL ROJO VIVO", channel="@laSextaTV", unique_viewers=2_654_000,
                      avg_audience=692_000, share=11.3, genre="INFORMACIÓN",
                      event="Muy por encima de la media diaria de la cadena")
    text = ("Muy por encima de la media diaria de la cadena: AL ROJO VIVO en @laSextaTV reunió "
            "a 2.654.000 espectadores únicos, con una audiencia media de 692.000 y un 11.3% de "
            "cuota. 📰 📊\n#AlRojoVivo #Audiencias")
    assert validate(text, above).valid, validate(text, above).violations
    compared = text.replace("de cuota.", "de cuota, por encima de El Intermedio.")
    assert "style.comparison" in validate(compared, above).rules
