"""Report profiles: the shipped ones load; a client's mistake is one line naming the file
and the key; names resolve through the one resolver the posts use."""

from __future__ import annotations

import pytest

from audience_assets.analysis.config import load_analysis_config
from audience_assets.analysis.plan import programme_name
from audience_assets.records import FactSheet
from audience_assets.reports.names import display_names
from audience_assets.reports.profiles import ProfileError, load_profile, load_profiles

pytestmark = pytest.mark.timeout(60)


def test_the_shipped_profiles_load():
    profiles = load_profiles()
    assert set(profiles) == {"mercado", "atresmedia"}
    atres = profiles["atresmedia"]
    assert atres.channels == ("A3", "LA SEXTA", "NEOX", "NOVA", "MEGA", "ATRESERIES")
    assert atres.is_client("la sexta") and not atres.is_client("T5")
    assert atres.group_of("T5") == "Mediaset España" and atres.group_of("A3") == ""
    assert profiles["mercado"].channels == () and profiles["mercado"].deliverables == (
        "xlsx", "html", "pdf")


@pytest.mark.parametrize(("text", "problem"), [
    ("client: X\ncolours: {primary: red}\n", "colours.primary: 'red' is not a colour"),
    ("client: X\nsurprise: 1\n", "surprise: Extra inputs are not permitted"),
    ("client: X\nfiller: {title_patterns: ['(']}\n", "filler.title_patterns: '(' is not a "
                                                     "regular expression"),
    ("client: X\ndeliverables: [docx]\n", "deliverables.0: Input should be 'xlsx', 'html' "
                                          "or 'pdf'"),
    ("client: X\nname: other\n", "name: 'other' differs from the file name 'cliente'"),
    ("client: [unclosed\n", "not valid YAML"),
    ("client: X\nchannels: [A3]\ncompetitors: {Otros: [a3]}\n",
     "competitors.Otros: 'a3' is already in channels"),
    ("- a list\n", "expected a mapping"),
])
def test_a_bad_profile_is_one_line_naming_file_and_key(tmp_path, text, problem):
    path = tmp_path / "cliente.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ") and problem in message and "\n" not in message


def test_an_empty_folder_says_so(tmp_path):
    with pytest.raises(ProfileError, match="no report profile"):
        load_profiles(tmp_path)


def test_names_come_from_the_profile_then_the_posts_resolver():
    config = load_analysis_config()
    profiles = load_profiles()
    atres = display_names(profiles["atresmedia"], config)
    market = display_names(profiles["mercado"], config)
    assert atres.programme("el hormiguero 3.0") == "El Hormiguero"
    sheet = FactSheet(title="AL ROJO VIVO", channel="", unique_viewers=0, avg_audience=0,
                      share=0.0)
    assert market.programme("AL ROJO VIVO") == programme_name(sheet, config)
    assert market.channel("T5") == "Telecinco" == config.channel_name("T5")
    assert atres.channel("ATRESERIES") == "Atreseries"
    assert market.channel("UNKNOWN CH") == "UNKNOWN CH"
