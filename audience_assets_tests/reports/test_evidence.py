"""Evidence as the Spanish sentences a report prints (analysis/evidence.py)."""

from __future__ import annotations

import pytest

from audience_assets.analysis.evidence import evidence_lines

pytestmark = pytest.mark.timeout(30)


def test_each_rule_reads_as_one_sentence_with_names_and_spanish_figures():
    evidence = {
        "golden_minute": {"minute": "2026-11-18T20:55:00", "time": "20:55",
                          "avg_audience": 2757200, "share": 20.4},
        "day_top": {"metric": "unique_viewers", "value": 1566000, "broadcasts_compared": 140,
                    "runner_up": {"title": "EL HORMIGUERO 3.0", "channel": "A3",
                                  "start": "2026-11-18T21:45:00", "value": 1238000}},
        "historical_record_share": {"metric": "share", "value": 22.3, "previous_best": 21.9,
                                    "previous_best_date": "2025-03-14",
                                    "previous_best_start": "2025-03-14T22:00:00",
                                    "since": None, "first_broadcast_date": "2019-09-02"},
        "above_channel_month_average": {"metric": "share", "value": 1.5,
                                        "channel_average_share": 0.8964, "ratio": 1.6733,
                                        "min_ratio": 1.6, "period": "2026-10-19..2026-11-17"},
        "watchlist": {"watchlist_title": "BASURA O TESORO"},
    }
    names = {"EL HORMIGUERO 3.0": "El Hormiguero", "A3": "Antena 3"}
    lines = evidence_lines(evidence, programme=names.get, channel=names.get)
    assert lines == [
        "Minuto de oro a las 20:55: 2.757.200 de audiencia media y 20,4 % de cuota.",
        "Lo más visto del día entre 140 emisiones comparadas: 1.566.000 espectadores "
        "únicos; le sigue El Hormiguero (Antena 3) con 1.238.000 espectadores únicos.",
        "Récord histórico en cuota: 22,3 % de cuota; el anterior, 21,9 % de cuota el 14 de "
        "marzo de 2025 (emitido desde el 2 de septiembre de 2019).",
        "1,5 % de cuota: 1,7 veces la cuota media de la cadena (0,9 %) del periodo 19 de "
        "octubre de 2026 a 17 de noviembre de 2026.",
        "Programa que el cliente sigue siempre.",
    ]


def test_without_resolvers_names_stay_as_delivered_and_unknown_rules_still_show():
    lines = evidence_lines({
        "channel_top": {"metric": "unique_viewers", "value": 58000, "broadcasts_compared": 14,
                        "runner_up": None},
        "new_rule": {"metric": "avg_audience", "value": 1000},
        "not_a_mapping": 3,
    })
    assert lines == ["Lo más visto de su cadena entre 14 emisiones comparadas: 58.000 "
                     "espectadores únicos.",
                     "New rule: 1.000 de audiencia media."]
