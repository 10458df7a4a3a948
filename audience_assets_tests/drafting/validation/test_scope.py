"""data.scope: whose figures they are (issue 21, item 2)."""

from __future__ import annotations

import pytest

from audience_assets.drafting.validation import validate
from audience_assets.drafting.writing import templates
from audience_assets.records import FactSheet

pytestmark = pytest.mark.timeout(120)

WORDING = ("{programa} reunió en {cadena} a {espectadores} espectadores únicos, con una "
           "audiencia media de {audiencia} y un {cuota} de cuota: {evento}.")
TAIL = " 📺📊 #DebateGH #Telecinco"


def _sheet(event: str, region: str = "") -> FactSheet:
    return FactSheet("@eldebatedegh", "@telecincoes", 3_207_000, 932_000, 11.9, event,
                     **({"region": region} if region else {}))


def test_a_regional_event_with_national_figures_must_say_they_are_national() -> None:
    sheet = _sheet("Lo más visto del día en Andalucía")
    bare = ("@eldebatedegh reunió en @telecincoes a 3.207.000 espectadores únicos, con una "
            "audiencia media de 932.000 y un 11.9% de cuota: lo más visto del día en "
            "Andalucía.")
    assert "data.scope" in validate(bare + TAIL, sheet).rules
    written = templates.fill(WORDING, sheet)
    assert written.endswith("Cifras del conjunto de España.")
    assert validate(written + TAIL, sheet).valid


def test_the_events_own_region_with_its_figures_needs_no_note() -> None:
    sheet = _sheet("Lo más visto del día en Andalucía", region="Andalucía")
    written = templates.fill(WORDING, sheet)
    assert "Cifras" not in written and validate(written + TAIL, sheet).valid


def test_regional_figures_without_the_region_named_get_it_said() -> None:
    sheet = _sheet("Lo más visto del día", region="Andalucía")
    written = templates.fill(WORDING, sheet)
    assert written.endswith("Cifras de Andalucía.")
    assert "data.scope" not in validate(written + TAIL, sheet).rules


def test_a_secondary_regional_event_does_not_ask_for_a_note() -> None:
    sheet = _sheet("Lo más visto del día, también en Aragón")
    assert "Cifras" not in templates.fill(WORDING, sheet)


def test_a_region_named_as_the_delivery_names_it_counts() -> None:
    sheet = _sheet("Lo más visto del día de la cadena en Madrid", region="Madrid")
    written = templates.fill(WORDING, sheet)
    assert "Cifras" not in written
    assert "data.scope" not in validate(written + TAIL, sheet).rules


def test_the_storys_own_hashtag_is_never_a_misspelling() -> None:
    sheet = FactSheet("Noticias 2 Canal Sur", "@canalsur", 905_000, 521_000, 21.4,
                      "Lo más visto del día de la cadena en Andalucía", region="Andalucía",
                      hashtags=("#NoticiasCanalSur", "#CanalSur"))
    text = ("Lo más visto del día de la cadena en Andalucía: Noticias 2 Canal Sur en @canalsur "
            "reunió a 905.000 espectadores únicos, con una audiencia media de 521.000 y un "
            "21.4% de cuota. 📺 📊\n#NoticiasCanalSur #CanalSur")
    assert validate(text, sheet).valid
    assert "hashtags.spelling" in validate(text, {**sheet.to_dict(), "hashtags": []}).rules
