"""Programme names as an editor writes them (audience_assets/analysis/names.py)."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest
import yaml

from audience_assets.analysis import casing, name_lexicon, names
from audience_assets.drafting.writing import templates
from audience_assets.ingestion import kantar
from audience_assets.records import FactSheet

pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parents[2]
SHAPES = yaml.safe_load((Path(__file__).parent / "data" / "title_shapes.yaml").read_text(
    encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", SHAPES, ids=[c["title"] for c in SHAPES])
def test_the_frozen_title_shapes(case: dict[str, str]) -> None:
    name = names.programme_name(case["title"], case.get("description", ""),
                                case.get("genre", ""))
    assert (name.display, name.article) == (case["display"], case["article"])
    assert name.gender == name_lexicon.GENDER_OF_ARTICLE.get(name.article, name.gender)


def _sample_week_titles() -> dict[str, tuple[str, str]]:
    titles: dict[str, tuple[str, str]] = {}
    for path in sorted(glob.glob(str(ROOT / "data" / "samples" / "programas_*"))):
        for record in kantar.parse_file(path).records:
            titles.setdefault(record.title, (record.description, record.genre))
    return titles


def test_every_title_of_the_sample_week_is_in_the_frozen_shapes_and_reads_as_spanish() -> None:
    frozen = {c["title"] for c in SHAPES}
    titles = _sample_week_titles()
    assert len(titles) >= 40
    assert set(titles) <= frozen
    for title, (description, genre) in titles.items():
        display = names.programme_name(title, description, genre).display
        # No word of three letters or more left in capitals unless the lexicon says so.
        lex = name_lexicon.load_lexicon()
        for word in display.replace(":", " ").split():
            core = word.strip(",.¿?")
            if len(core) >= 3 and core.isupper() and not any(c.isdigit() for c in core):
                assert name_lexicon.fold(core) in lex.acronyms, (title, display)


def test_normalising_twice_changes_nothing() -> None:
    for case in SHAPES:
        once = names.programme_name(case["title"], case.get("description", ""),
                                    case.get("genre", "")).display
        again = names.programme_name(once, case.get("description", ""),
                                     case.get("genre", "")).display
        assert again == once


def test_accents_come_back_only_where_usage_says_so() -> None:
    assert casing.restore_accent("aqui") == "aquí"
    assert casing.restore_accent("conexion") == "conexión"
    assert casing.restore_accent("como") == "como"  # "cómo" is the rarer word
    assert casing.restore_accent("el") == "el"


def test_y_becomes_e_before_an_i_sound() -> None:
    assert names.fixture_name("ESPAÑA VS ITALIA", "", "DEPORTES",
                              name_lexicon.load_lexicon()).display == "el España-Italia"
    final = names.fixture_name("FINAL: ESPAÑA VS HIERRO", "", "", name_lexicon.load_lexicon())
    assert final is not None and final.display == "la final entre España y Hierro"


def test_a_hyphen_outside_sport_is_not_a_fixture() -> None:
    name = names.programme_name("CINE: SPIDER-MAN", "", "CINE")
    assert name.kind == "normalised" and "-" in name.display


def test_the_writer_contracts_and_capitalises_the_name() -> None:
    sheet = FactSheet("FUTBOL: SUPERCOPA DE ESPAÑA", "@La1_tve", 3_000_000, 1_500_000, 20.0,
                      description="REAL MADRID-FC BARCELONA", genre="DEPORTES")
    assert templates.fill("{programa} reunió a {espectadores} espectadores únicos.", sheet) \
        .startswith("El Real Madrid-FC Barcelona de la Supercopa de España reunió")
    assert templates.fill("Datos de {programa} en {cadena}.", sheet) \
        == "Datos del Real Madrid-FC Barcelona de la Supercopa de España en @La1_tve."
    study = FactSheet("Final Supercopa de España @realmadrid vs @fcbarcelona_es",
                      "@movistarplus", 2_648_000, 1_680_000, 13.1)
    assert templates.fill("En {cadena}, {programa} sumó.", study) == (
        "En @movistarplus, la final de la Supercopa de España entre @realmadrid y "
        "@fcbarcelona_es sumó.")


@pytest.mark.parametrize("data, message", [
    ({"version": 2}, "version: 1"),
    ({"version": 1, "programmes": {"X": {"article": "la"}}}, "expected a name"),
    ({"version": 1, "programmes": {"X": {"name": "X", "article": "une"}}}, "article"),
    ({"version": 1, "programmes": {"X": {"name": "X", "handle": "x"}}}, "handle"),
    ({"version": 1, "programmes": {"X": {"name": "X", "colour": "red"}}}, "unknown keys"),
    ({"version": 1, "competitions": {"Copa": "une"}}, "article"),
    ({"version": 1, "acronyms": [""]}, "acronyms"),
])
def test_a_bad_lexicon_is_refused_with_its_entry_named(data: object, message: str) -> None:
    with pytest.raises(name_lexicon.NamesError, match=message):
        name_lexicon.parse_lexicon(data, Path("names.yaml"))


def test_the_shipped_lexicon_loads_and_a_missing_one_is_named(tmp_path: Path) -> None:
    lex = name_lexicon.load_lexicon()
    assert lex.programmes[name_lexicon.fold("POLONIA")].name == "Polònia"
    with pytest.raises(name_lexicon.NamesError, match="not found"):
        name_lexicon.load_lexicon(tmp_path / "none.yaml")
