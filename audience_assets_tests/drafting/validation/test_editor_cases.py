"""Posts the team wrote as the client's editors for the desk replay (data/evaluation/replay)
that the validator refused although an editor would publish them: each case, and the
rule still holding where the post does invent what the case allows."""

from __future__ import annotations

import pytest

from audience_assets.drafting.validation import validate

pytestmark = pytest.mark.timeout(60)

GOLDEN = {"title": "Pasapalabra", "channel": "@antena3com", "unique_viewers": 4235000,
          "avg_audience": 2261000, "share": 16.7,
          "event": "Minuto de oro del día a las 20:56, también lo más visto del día en Aragón"}
DEBATE = {"title": "@eldebatedegh", "channel": "@telecincoes", "unique_viewers": 5460000,
          "avg_audience": 1568000, "share": 11.9, "region": "Total España",
          "event": "Lo más visto del día, también entre los espectadores de 25 a 44 años y "
                   "en Madrid"}
TARGET = {"title": "@El_Hormiguero", "channel": "@antena3com", "unique_viewers": 1048000,
          "avg_audience": 544000, "share": 14.9, "target": "Individuos 25-44",
          "event": "Líder de su franja entre los espectadores de 25 a 44 años"}


def rules(text: str, sheet: dict) -> set[str]:
    return set(validate(text, sheet).rules)


def test_the_golden_minute_s_hour_written_inside_a_clause_is_the_event_s() -> None:
    text = ("En @antena3com, Pasapalabra reunió a 4.235.000 espectadores únicos, con 2.261.000 "
            "de audiencia media y un 16.7% de cuota. Marcó el minuto de oro del día a las "
            "{hour} y fue además lo más visto del día en Aragón. ⏱️📺\n#Pasapalabra #Antena3")
    assert rules(text.format(hour="20:56"), GOLDEN) == set()
    assert "style.time_reference" in rules(text.format(hour="21:30"), GOLDEN)


def test_en_toda_espana_says_whose_figures_they_are_and_a_toda_espana_is_an_appeal() -> None:
    text = ("@eldebatedegh fue lo más visto del día, también entre los espectadores de 25 a 44 "
            "años y en Madrid. {scope}, el programa de @telecincoes reunió a 5.460.000 "
            "espectadores únicos, con 1.568.000 de audiencia media y un 11.9% de cuota. "
            "📺📊\n#ElDebateGH #Telecinco")
    assert rules(text.format(scope="En toda España"), DEBATE) == set()
    assert "style.promotional" in rules(
        text.format(scope="El programa que enamoró a toda España").replace(
            ", el programa de", " y el de"), DEBATE)


def test_the_target_s_ages_next_to_the_share_are_not_a_figure() -> None:
    text = ("@El_Hormiguero reunió en @antena3com a 1.048.000 espectadores únicos, con 544.000 "
            "de audiencia media y un 14.9% de cuota entre los espectadores de 25 a 44 años, y "
            "fue líder de su franja. 🐜📺\n#ElHormiguero #Antena3")
    assert rules(text, TARGET) == set()
    other_ages = text.replace("de 25 a 44 años", "de 13 a 24 años")
    assert "data.mismatch" in rules(other_ages, TARGET)


def test_a_comparison_the_event_itself_makes_is_data_and_one_it_does_not_is_refused() -> None:
    # The editor of the week's reference posts (2026-12-03, third stop) met this one.
    sheet = {"title": "SABER Y GANAR", "channel": "@La2_tve", "unique_viewers": 699000,
             "avg_audience": 400000, "share": 4.7,
             "event": "Muy por encima de la media mensual de la cadena"}
    post = ("Saber y ganar se situó muy por encima de la media mensual de @La2_tve: sumó "
            "699.000 espectadores únicos, 400.000 de audiencia media y un 4.7% de cuota. "
            "🧠📈\n#SaberYGanar #La2")
    assert "style.comparison" not in rules(post, sheet)
    assert "style.comparison" in rules(post, {**sheet, "event": "Lo más visto del día"})
