"""Relevance rules on hand-computed days (SQL history, as the CLI and the asset use)."""

from __future__ import annotations

from audience_assets.analysis.audits import duplicate_problems, evidence_problems, figure_problems
from audience_assets.analysis.config import load_analysis_config
from audience_assets.analysis.rules import day_top
from audience_assets.analysis.selection import select_fact_sheets
from audience_assets.records import FactSheet
from audience_assets_tests.analysis.helpers import ANDALUCIA, YOUTH, config, history_of, rec

DAY = "2026-03-10"


def by_title(sheets: list[FactSheet]) -> dict[str, FactSheet]:
    return {s.title: s for s in sheets}


def test_day_top_breaks_ties_by_average_audience_and_keeps_exact_ties_together() -> None:
    history, _ = history_of([])
    a = rec(DAY, "A3", "A", uv=3_000_000, am=900_000)
    b = rec(DAY, "T5", "B", uv=3_000_000, am=800_000)
    assert [c.record.title for c in day_top([a, b], history, config())] == ["A"]
    c = rec(DAY, "La1", "C", uv=3_000_000, am=900_000)
    leaders = day_top([a, b, c], history, config())
    assert sorted(x.record.title for x in leaders) == ["A", "C"]
    evidence = {x.record.title: x.evidence for x in leaders}
    assert evidence["A"]["tied_with"][0]["title"] == "C"
    assert evidence["A"]["runner_up"]["title"] == "B"


def test_historical_record_needs_a_strictly_better_figure_than_every_earlier_broadcast() -> None:
    past = [rec("2026-03-01", "A3", "SHOW", uv=2_000_000),
            rec("2026-03-05", "A3", "SHOW", uv=2_500_000),
            rec("2026-03-07", "A3", "TIE", uv=1_000_000)]
    today = [rec(DAY, "A3", "SHOW", "13:00", uv=2_600_000),
             rec(DAY, "A3", "TIE", "15:00", uv=1_000_000),
             rec(DAY, "A3", "NEW", "16:00", uv=1_500_000),
             rec(DAY, "T5", "BIG", uv=5_000_000)]
    history, _ = history_of(past + today)
    sheets = by_title(select_fact_sheets(today, history, config()))
    show = sheets["SHOW"]
    assert show.event == "Máximo histórico de espectadores únicos del programa"
    ev = show.evidence["historical_record_unique_viewers"]
    assert (ev["value"], ev["previous_best"], ev["previous_best_date"]) == (
        2_600_000, 2_500_000, "2026-03-05")
    assert ev["first_broadcast_date"] == "2026-03-01"
    assert "TIE" not in sheets  # equal to its best: not a record
    assert "NEW" not in sheets  # first-ever broadcast: nothing to beat
    assert sheets["BIG"].event == "Lo más visto del día" and sheets["BIG"].rules == ("day_top",)


def test_programme_that_changes_channel_is_compared_on_its_new_channel_only() -> None:
    past = [rec("2026-03-01", "La1", "MOVED", uv=4_000_000),
            rec("2026-03-08", "La2", "MOVED", uv=1_000_000)]
    today = [rec(DAY, "La2", "MOVED", uv=1_200_000), rec(DAY, "T5", "BIG", uv=5_000_000)]
    history, _ = history_of(past + today)
    sheet = by_title(select_fact_sheets(today, history, config()))["MOVED"]
    ev = sheet.evidence["historical_record_unique_viewers"]
    assert (ev["previous_best"], ev["previous_best_date"]) == (1_000_000, "2026-03-08")
    assert ev["first_broadcast_date"] == "2026-03-08"
    # its first broadcast on La2 beat nothing, although La1 had more viewers
    first_day = [rec("2026-03-08", "La2", "MOVED", uv=1_000_000)]
    assert select_fact_sheets(first_day, history, config(rules={}, priority=[])) == []


def test_season_best_counts_from_the_season_start_and_yields_to_a_historical_record() -> None:
    past = [rec("2025-06-01", "A3", "SHOW", uv=3_000_000),   # last season
            rec("2025-10-01", "A3", "SHOW", uv=2_000_000)]   # this season
    today = [rec("2026-01-15", "A3", "SHOW", uv=2_500_000), rec("2026-01-15", "T5", "BIG",
                                                                uv=9_000_000)]
    history, _ = history_of(past + today)
    sheet = by_title(select_fact_sheets(today, history, config()))["SHOW"]
    assert sheet.rules == ("season_best_unique_viewers",)
    assert sheet.evidence["season_best_unique_viewers"]["since"] == "2025-09-01"
    assert sheet.event.startswith("Máximo de la temporada")
    record_day = [rec("2026-01-22", "A3", "SHOW", uv=3_100_000)]
    history, _ = history_of(past + today + record_day)
    sheet = select_fact_sheets(record_day, history, config())[0]
    assert sheet.rules[:2] == ("historical_record_unique_viewers", "day_top")
    assert "season_best_unique_viewers" in sheet.rules
    assert sheet.event == "Máximo histórico de espectadores únicos del programa"


def test_target_and_regional_files_have_their_own_leaders_and_phrases() -> None:
    day = [rec(DAY, "T5", "DEBATE", uv=900_000),
           rec(DAY, "A3", "CONCURSO", "20:00", uv=800_000),
           rec(DAY, "T5", "DEBATE", uv=120_000, target=YOUTH),
           rec(DAY, "A3", "CONCURSO", "20:00", uv=150_000, target=YOUTH),
           rec(DAY, "T5", "DEBATE", uv=300_000, region=ANDALUCIA),
           rec(DAY, "A3", "CONCURSO", "20:00", uv=200_000, region=ANDALUCIA),
           rec(DAY, "A3", "CONCURSO", "20:00", uv=999_999_999, region="Marte")]
    history, _ = history_of(day)
    sheets = {(s.target, s.region): s for s in select_fact_sheets(day, history, config())}
    assert len(sheets) == 3  # an unconfigured region is not analysed
    assert sheets[("Total Individuos (4+)", "Total España")].title == "DEBATE"
    youth = sheets[(YOUTH, "Total España")]
    assert (youth.title, youth.event) == ("CONCURSO", "Lo más visto del día por jóvenes")
    south = sheets[("Total Individuos (4+)", ANDALUCIA)]
    assert (south.title, south.event) == ("DEBATE", "Lo más visto del día en Andalucía")


def test_channel_day_average_watchlist_and_sports_without_event() -> None:
    day = [rec(DAY, "La2", "ONE", "10:00", share=2.0, uv=10),
           rec(DAY, "La2", "TWO", "12:00", share=2.0, uv=10),
           rec(DAY, "La2", "HIT", "14:00", share=5.0, uv=10),  # 5.0 >= 1.5 x 3.0
           rec(DAY, "La1", "FUTBOL", share=20.0, am=1_600_000, uv=3_000_000, genre="DEPORTES"),
           rec(DAY, "A3", "BASURA O TESORO", "02:40", uv=5, share=0.5),
           rec(DAY, "T5", "TOP", uv=9_000_000)]
    history, _ = history_of(day)
    sheets = by_title(select_fact_sheets(day, history, config()))
    hit = sheets["HIT"].evidence["above_channel_day_average"]
    assert (hit["channel_average_share"], hit["ratio"]) == (3.0, round(5 / 3, 4))
    assert set(sheets) == {"HIT", "FUTBOL", "BASURA O TESORO", "TOP"}
    assert (sheets["FUTBOL"].event, sheets["FUTBOL"].rules) == ("", ("big_sports",))
    assert (sheets["BASURA O TESORO"].event, sheets["BASURA O TESORO"].rules) == (
        "", ("watchlist",))


def test_sheets_are_checked_against_records_and_evidence() -> None:
    past = [rec("2026-03-01", "A3", "SHOW", uv=2_000_000)]
    today = [rec(DAY, "A3", "SHOW", uv=2_600_000), rec(DAY, "T5", "OTHER", uv=1_000_000)]
    history, _ = history_of(past + today)
    cfg = config()
    sheets = select_fact_sheets(today, history, cfg)
    assert figure_problems(sheets, today) == []
    assert duplicate_problems(sheets) == []
    assert all(evidence_problems(s, cfg) == [] for s in sheets)
    tampered = FactSheet.from_dict({**sheets[0].to_dict(), "unique_viewers": 2_600_001})
    assert figure_problems([tampered], today)
    assert duplicate_problems([sheets[0], sheets[0]])
    unbacked = FactSheet.from_dict({**sheets[0].to_dict(), "evidence": {
        "historical_record_unique_viewers": {"metric": "unique_viewers", "value": 2_600_000,
                                             "previous_best": 2_700_000}}})
    assert any("does not beat" in p for p in evidence_problems(unbacked, cfg))


def test_client_configuration_reproduces_the_study_fact_sheet() -> None:
    """@laruletasuerte on @antena3com, 2.620.000 / 1.206.000 / 15.7%, a record (DOMAIN.md)."""
    past = [rec("2026-02-01", "A3", "LA RULETA DE LA SUERTE", "12:45", 75, share=14.9,
                am=1_100_000, uv=2_400_000, genre="CONCURSOS")]
    today = [rec(DAY, "A3", "LA RULETA DE LA SUERTE", "12:45", 75, share=15.7, am=1_206_000,
                 uv=2_620_000, genre="CONCURSOS"),
             rec(DAY, "T5", "EL DEBATE DE GH", "22:00", 190, share=11.9, am=932_000,
                 uv=3_207_000)]
    history, _ = history_of(past + today)
    cfg = load_analysis_config()
    sheet = by_title(select_fact_sheets(today, history, cfg))["@laruletasuerte"]
    assert (sheet.channel, sheet.unique_viewers, sheet.avg_audience, sheet.share) == (
        "@antena3com", 2_620_000, 1_206_000, 15.7)
    assert sheet.event == "Máximo histórico de espectadores únicos del programa"
    assert sheet.hashtag_hint == "#LaRuletaDeLaSuerte"
    assert evidence_problems(sheet, cfg) == []


def test_no_record_is_claimed_before_the_programme_has_enough_history():
    """A programme's second broadcast 'beats' its first: no record until min_history_days."""
    from audience_assets.analysis.config import load_analysis_config
    from audience_assets.analysis.selection import select_fact_sheets
    from audience_assets.indexing.history import SqlHistory
    from audience_assets.ingestion.store import replace_dates
    from audience_assets.records import AudienceRecord
    from audience_assets.sql.engine import make_engine

    def broadcast(day: str, reach: int) -> AudienceRecord:
        return AudienceRecord(
            broadcast_date=day, channel="A3", title="PASAPALABRA", description="",
            start=f"{day}T20:00:00", end=f"{day}T21:00:00", genre="CONCURSOS", share=17.0,
            avg_audience=reach // 2, unique_viewers=reach, target="Total Individuos (4+)",
            region="Total España")

    config = load_analysis_config()
    rule = config.rules["historical_record_unique_viewers"]
    assert rule.min_history_days == 5  # the shipped configuration
    engine = make_engine("sqlite://")
    history = [broadcast(f"2026-11-{d:02d}", 1_000_000 + d) for d in range(10, 16)]
    replace_dates(engine, {r.broadcast_date for r in history}, history)

    def record_events(day: str) -> list[str]:
        sheets = select_fact_sheets([broadcast(day, 9_000_000)], SqlHistory(engine), config)
        return [s.event for s in sheets if s.event.startswith("Máximo histórico")]

    assert record_events("2026-11-16")  # 6 days on air: the record stands
    for rule_id in [r for r in config.rules if r.startswith("historical_record_")]:
        config.rules[rule_id] = config.rules[rule_id].model_copy(update={"min_history_days": 7})
    assert not record_events("2026-11-16")  # 6 < 7 days: no claim
