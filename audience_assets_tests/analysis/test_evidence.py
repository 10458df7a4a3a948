"""Evidence as Spanish lines (desk and reports)."""

from __future__ import annotations

import pytest

from audience_assets.analysis.evidence import evidence_lines

pytestmark = pytest.mark.timeout(10)


def test_a_record_reads_as_a_sentence_with_the_previous_best_and_its_date():
    lines = evidence_lines({"historical_record_unique_viewers": {
        "metric": "unique_viewers", "value": 2500000, "previous_best": 2410000,
        "previous_best_date": "2025-03-14", "since": None,
        "first_broadcast_date": "2019-09-02"}})
    assert lines == ["Récord histórico (espectadores únicos): espectadores únicos 2.500.000",
                     "récord anterior: 2.410.000, 14/03/2025",
                     "primera emisión: 02/09/2019"]


def test_leader_names_the_runner_up_and_share_uses_a_decimal_comma():
    lines = evidence_lines({"prime_time_leader": {
        "metric": "share", "value": 16.5, "broadcasts_compared": 28, "prime_time": "20:30-24:00",
        "runner_up": {"title": "ANTENA 3 NOTICIAS 2", "channel": "A3",
                      "start": "2026-11-18T21:00:00", "value": 15.6}}})
    assert lines == ["Líder del prime time: cuota 16,5 %",
                     "segundo: ANTENA 3 NOTICIAS 2 (A3, 21:00): 15,6 %",
                     "emisiones comparadas: 28", "franja de prime time: 20:30-24:00"]


def test_golden_minute_is_one_line_and_unknown_keys_are_still_shown():
    assert evidence_lines({"golden_minute": {"minute": "2026-11-18T20:55:00", "time": "20:55",
                                             "avg_audience": 2757200, "share": 20.4}}) == [
        "Minuto de oro: 20:55, audiencia media 2.757.200, cuota 20,4 %"]
    assert evidence_lines({"nueva_regla": {"umbral": 0.25}}) == ["nueva_regla", "umbral: 0,25"]
    assert evidence_lines({}) == [] and evidence_lines(None) == []
    assert not any("{" in line for line in evidence_lines({"x": {"a": {"b": 1}}}))
