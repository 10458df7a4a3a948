"""The false-positive and defect corpora: exact verdicts, post by post."""

from __future__ import annotations

import pytest

from audience_assets.drafting.validation import RULE_IDS, validate
from audience_assets_tests.drafting.validation.corpus_data import NEWER_RULES, fact_sheets, load

CLEAN = load("clean")
DEFECTS = load("defects")


def test_corpora_are_big_enough_and_labelled_with_known_rules():
    assert len(CLEAN) >= 40
    assert len(DEFECTS) >= 60
    assert all(s.expected for s in DEFECTS)
    assert set().union(*(s.expected for s in DEFECTS)) <= set(RULE_IDS)
    assert len({s.id for s in CLEAN + DEFECTS}) == len(CLEAN) + len(DEFECTS)


def test_the_five_study_sheets_are_fixtures():
    sheets = fact_sheets()
    titles = {s["title"] for s in sheets.values()}
    assert {"@basuraotesoro", "@laruletasuerte", "@navedelmisterio", "@eldebatedegh",
            "Final Supercopa de España @realmadrid vs @fcbarcelona_es"} <= titles


@pytest.mark.parametrize("sample", CLEAN, ids=lambda s: s.id)
def test_clean_post_passes(sample):
    result = validate(sample.text, sample.sheet, sample.network)
    assert not result.rules - NEWER_RULES, [(v.rule, v.message) for v in result.violations]


@pytest.mark.parametrize("sample", DEFECTS, ids=lambda s: s.id)
def test_defect_post_breaks_exactly_its_rules(sample):
    result = validate(sample.text, sample.sheet, sample.network)
    assert not result.valid
    assert result.rules - NEWER_RULES == sample.expected, [(v.rule, v.message)
                                                           for v in result.violations]
