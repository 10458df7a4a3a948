"""The template writer is the fallback: its posts must always pass the strict validator."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audience_assets.drafting.validation import validate
from audience_assets.drafting.writing import TemplateWriter
from audience_assets.drafting.writing.templates import TemplateConfigError, load_templates
from audience_assets.records import FactSheet

STUDY_SHEETS = [
    FactSheet("@basuraotesoro", "@aragontv", 105_000, 35_000, 8.5,
              "Lo más visto del día por jóvenes"),
    FactSheet("@laruletasuerte", "@antena3com", 2_620_000, 1_206_000, 15.7,
              "Máximo histórico de espectadores únicos del programa"),
    FactSheet("@navedelmisterio", "@cuatro", 4_624_000, 794_000, 7.4, "Lo más visto del día"),
    FactSheet("@eldebatedegh", "@telecincoes", 3_207_000, 932_000, 11.9,
              "Lo más visto del día en Andalucía"),
    FactSheet("Final Supercopa de España @realmadrid vs @fcbarcelona_es", "@movistarplus",
              2_648_000, 1_680_000, 13.1, "", genre="DEPORTES"),
]
WRITER = TemplateWriter()


@pytest.mark.parametrize("sheet", STUDY_SHEETS, ids=lambda s: s.title[:20])
def test_study_fact_sheets_give_valid_posts(sheet: FactSheet) -> None:
    for network in ("x", "bluesky", "threads"):
        text = WRITER.write(sheet, network=network).text
        assert validate(text, sheet, network).to_dict() == {"valid": True, "violations": []}


handles = st.from_regex(r"@[a-z][a-z0-9_]{2,14}", fullmatch=True)
# Built now, at collection. Built lazily inside @given, its first use imports
# Hypothesis's regex module there, and in one full run CPython 3.11.7 failed to compile
# that module ("SystemError: AST constructor recursion depth mismatch", a CPython bug).
handles.validate()
events = st.sampled_from(["", "Lo más visto del día", "Lo más visto del día por jóvenes",
                          "Lo más visto del día en Andalucía",
                          "Máximo histórico de espectadores únicos del programa"])
genres = st.sampled_from(["", "INFORMACIÓN", "DEPORTES", "FICCION", "ENTRETENIMIENTO"])


@settings(max_examples=60, deadline=None)
@given(title=handles, channel=handles, reach=st.integers(10_000, 9_000_000),
       ratio=st.floats(0.05, 0.9), share=st.floats(0.1, 60.0), event=events, genre=genres)
def test_any_fact_sheet_gives_a_valid_post(title: str, channel: str, reach: int, ratio: float,
                                           share: float, event: str, genre: str) -> None:
    sheet = FactSheet(title, channel, reach, max(1000, int(reach * ratio) // 1000 * 1000),
                      round(share, 1), event, genre=genre)
    result = validate(WRITER.write(sheet, network="x").text, sheet, "x")
    assert result.valid, result.to_dict()


def test_variants_spread_over_a_day_and_repeat_for_the_same_item() -> None:
    phrasings = [WRITER.write(s, network="x").raw for s in STUDY_SHEETS]
    assert len(set(phrasings)) > 1, phrasings
    assert phrasings == [WRITER.write(s, network="x").raw for s in STUDY_SHEETS]


def test_a_phrasing_that_drops_a_figure_is_refused_on_load(tmp_path: Path) -> None:
    bad = tmp_path / "post_templates.yaml"
    bad.write_text(
        "version: 1\nphrasings:\n  with_event: ['{evento}: {programa} en {cadena} reunió a "
        "{espectadores} espectadores únicos y un {cuota} de cuota.']\n"
        "  without_event: ['{programa} en {cadena}: {espectadores}, {audiencia}, {cuota}.']\n"
        "hashtags: ['#Audiencias']\nemojis: {default: ['📺', '📊']}\n", encoding="utf-8")
    with pytest.raises(TemplateConfigError, match=r"\{audiencia\}"):
        load_templates(bad)


def test_programme_hashtag_of_a_title_in_capitals_reads_in_camel_case():
    from audience_assets.drafting.writing.templates import programme_hashtag
    from audience_assets.records import FactSheet

    def tag(title: str) -> str:
        return programme_hashtag(FactSheet(title=title, channel="@x", unique_viewers=2,
                                           avg_audience=1, share=1.0))

    assert tag("EL PROGRAMA DE ANA ROSA") == "#ElProgramaDeAnaRosa"
    assert tag("NOTICIAS 2 CANAL SUR") == "#Noticias2CanalSur"
    assert tag("LA SEXTA NOTICIAS 20H") == "#LaSextaNoticias20H"
    assert tag("Final Supercopa de España @realmadrid vs @fcbarcelona_es") == (
        "#FinalSupercopaDeEspaña")
