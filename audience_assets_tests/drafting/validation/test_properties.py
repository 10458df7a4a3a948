"""The validator never raises on arbitrary Unicode, whatever the fact sheet."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audience_assets.drafting.validation import RULE_IDS, validate
from audience_assets_tests.drafting.validation.corpus_data import fact_sheets

SHEETS = list(fact_sheets().values())
# Text with the characters rules look at: digits, separators, '#', '@', emojis, accents.
PIECES = st.one_of(
    st.characters(),
    st.sampled_from(list("0123456789.,%#@!¡*_[]{}()«»\"' \n:;-áéíóúñÁÉÍÓÚÑ")),
    st.sampled_from(["📺", "🎡", "⚽", "🇪🇸", "👍🏽", "👨‍👩‍👧", "1️⃣", "\u200d", "\ufe0f", "\u0301",
                     "2.620.000", "15,7 %", "#Récord", "@antena3com", "ha logrado", "millones"]),
)
TEXTS = st.lists(PIECES, max_size=120).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, sheet=st.sampled_from(SHEETS),
       network=st.sampled_from(["x", "bluesky", "threads"]))
def test_validate_never_raises(text, sheet, network):
    result = validate(text, sheet, network)
    assert result.valid == (not result.violations)
    for v in result.violations:
        assert v.rule in RULE_IDS
        assert v.message
        if v.span is not None:
            assert 0 <= v.span[0] <= v.span[1] <= len(text)


@settings(max_examples=100, deadline=None)
@given(title=st.text(max_size=60), description=st.text(max_size=40), event=st.text(max_size=40),
       text=st.text(max_size=200))
def test_arbitrary_fact_sheet_strings_never_raise(title, description, event, text):
    sheet = {"title": title or "x", "channel": "@cuatro", "unique_viewers": 4624000,
             "avg_audience": 794000, "share": 7.4, "event": event, "description": description}
    validate(text + " " + title, sheet)
