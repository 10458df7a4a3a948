"""Event labels as clauses (issue 21, item 2): every event phrase the analysis config
can compose becomes a clause the validator accepts as that event."""

from __future__ import annotations

from pathlib import Path

import pytest

from audience_assets.analysis.config import load_analysis_config
from audience_assets.drafting.validation import validate
from audience_assets.drafting.writing import events, templates
from audience_assets.records import FactSheet

pytestmark = pytest.mark.timeout(120)


def _phrases() -> list[str]:
    config = load_analysis_config()
    out = set()
    for rule in config.rules:
        for target in ["", *config.targets]:
            for region in ["", *config.regions]:
                phrase = config.event_phrase(rule, target, region, "22:14", "")
                if phrase:
                    out.add(phrase)
    return sorted(out)


PHRASES = _phrases()


def test_there_are_phrases_to_turn() -> None:
    assert len(PHRASES) >= 10


@pytest.mark.parametrize("phrase", PHRASES)
def test_each_event_phrase_as_a_clause_passes_the_validator(phrase: str) -> None:
    clause = events.event_clause(phrase)
    assert clause[:1].islower() and clause.split()[0] in {"fue", "marcó", "tuvo", "firmó",
                                                               "estuvo"}
    sheet = FactSheet("@programa", "@cadena", 2_620_000, 1_206_000, 15.7, phrase)
    text = templates.fill("{programa} reunió en {cadena} a {espectadores} espectadores "
                          "únicos, con una audiencia media de {audiencia} y un {cuota} de "
                          "cuota. {evento}.", sheet)
    assert clause[:1].upper() + clause[1:] in text
    post = f"{text} 📺📊 #Programa #Audiencias"
    assert not {r for r in validate(post, sheet).rules if r.startswith("event.")}, post


def test_the_label_stays_a_label_where_it_heads_the_post() -> None:
    sheet = FactSheet("@nave", "@cuatro", 4_624_000, 794_000, 7.4, "Lo más visto del día")
    assert templates.fill("{evento}: {programa} sumó.", sheet) == \
        "Lo más visto del día: @nave sumó."
    assert templates.fill("{programa} sumó y {evento}.", sheet) == \
        "@nave sumó y fue lo más visto del día."


@pytest.mark.parametrize("data, message", [
    ({"version": 2}, "version: 1"),
    ({"version": 1, "clauses": [{"label": "("}]}, "needs `label` and `clause`"),
    ({"version": 1, "clauses": [{"label": "(", "clause": "x"}]}, "clauses\\[0\\]"),
    ({"version": 1, "clauses": [], "default": "fue"}, "default"),
])
def test_a_bad_clauses_file_is_refused(data: object, message: str) -> None:
    with pytest.raises(events.EventClausesError, match=message):
        events.parse_clauses(data, Path("event_clauses.yaml"))


@pytest.mark.parametrize("label, clause", [
    ("Minuto de oro del día a las 20:56, también lo más visto del día en Aragón",
     "tuvo el minuto de oro del día a las 20:56 y fue también lo más visto del día en Aragón"),
    ("Máximo histórico de espectadores únicos del programa, también lo más visto del día",
     "marcó su máximo histórico de espectadores únicos y fue también lo más visto del día"),
    ("Lo más visto del día, también entre los espectadores de 25 a 44 años y en Madrid",
     "fue lo más visto del día, también entre los espectadores de 25 a 44 años y en Madrid"),
])
def test_a_secondary_event_of_its_own_gets_its_own_verb(label: str, clause: str) -> None:
    # "tuvo el minuto de oro …, también lo más visto del día" left the second event
    # verbless (the writers corpus's labeller marked all five such posts broken).
    assert events.event_clause(label) == clause
