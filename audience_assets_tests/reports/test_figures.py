"""Every figure a report shows, traced back to SQL: three programmes, the top 10, the
shares, the comparisons; and what an audience team expects around them (names, filler
left out, counts that say what they count, the long date, gaps, missing deliveries)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from audience_assets.records import DEFAULT_TARGET, NATIONAL_REGION
from audience_assets.reports.daily import build_report, shift
from audience_assets.reports.names import display_names
from audience_assets_tests.review.helpers import DAY

pytestmark = pytest.mark.timeout(120)

NATIONAL = "target = :target AND region = :region"
MINUTES = "MAX(1, CAST(ROUND((julianday(\"end\") - julianday(start)) * 1440) AS INTEGER))"


def sql(engine, query, **params):
    with engine.connect() as conn:
        return conn.execute(sa.text(query), {"target": DEFAULT_TARGET,
                                             "region": NATIONAL_REGION, **params}).all()


def is_filler(profile, title, minutes):
    return (any(re.search(p, title, re.IGNORECASE) for p in profile.filler.title_patterns)
            or minutes < profile.filler.min_minutes)


@pytest.mark.parametrize("name", ["mercado", "atresmedia"])
def test_three_programmes_carry_their_sql_figures(day_data, name):
    report = day_data["reports"][name]
    rows = report.top_overall[:3]
    assert len(rows) == 3
    for row in rows:
        found = sql(day_data["engine"],
                    f"SELECT unique_viewers, avg_audience, share, genre FROM audience_records "
                    f"WHERE broadcast_date = :d AND {NATIONAL} AND title = :t AND channel = :c "
                    f"AND substr(start, 12, 5) = :s", d=DAY, t=row.title, c=row.channel_code,
                    s=row.start)
        assert found == [(row.unique_viewers, row.avg_audience, row.share, row.genre)]


@pytest.mark.parametrize("name", ["mercado", "atresmedia"])
def test_top_10_is_sql_ranked_by_unique_viewers_without_filler(day_data, name):
    report = day_data["reports"][name]
    profile = day_data["profiles"][name]
    rows = sql(day_data["engine"],
               f"SELECT title, channel, unique_viewers, {MINUTES} FROM audience_records "
               f"WHERE broadcast_date = :d AND {NATIONAL} "
               f"ORDER BY unique_viewers DESC, avg_audience DESC, channel, start", d=DAY)
    kept = [(t, c, u) for t, c, u, m in rows if not is_filler(profile, t, m)]
    assert [(r.title, r.channel_code, r.unique_viewers) for r in report.top_overall] == \
        kept[:10]
    assert report.ranked == len(kept) and report.excluded_broadcasts == len(rows) - len(kept)
    assert report.excluded_broadcasts > 0  # the sample's filler slots are really left out
    for table in (report.top_overall, report.per_channel, report.per_target_region):
        assert not any(r.title.startswith("PROGRAMACIÓN DE MADRUGADA") for r in table)


def test_shares_are_the_minute_weighted_sql_mean(day_data):
    rows = sql(day_data["engine"],
               f"SELECT channel, ROUND(SUM(share * {MINUTES}) * 1.0 / SUM({MINUTES}), 1), "
               f"SUM({MINUTES}) FROM audience_records WHERE broadcast_date = :d AND {NATIONAL}"
               f" GROUP BY channel", d=DAY)
    for name, report in day_data["reports"].items():
        assert {s.channel: (s.share, s.minutes) for s in report.channel_shares} == {
            c: (share, minutes) for c, share, minutes in rows}, name
    groups = {g.name: g for g in day_data["reports"]["atresmedia"].groups}
    sql_shares = {c: s for c, s, _ in rows}
    assert groups["Atresmedia"].share == round(sql_shares["A3"] + sql_shares["LA SEXTA"], 1)
    assert groups["Mediaset España"].share == round(sql_shares["T5"] + sql_shares["CUATRO"], 1)


def test_comparisons_are_sql_figures_of_the_reference_days(day_data):
    report = day_data["reports"]["mercado"]

    def share_on(date):
        return dict(sql(day_data["engine"],
                        f"SELECT channel, ROUND(SUM(share * {MINUTES}) * 1.0 / SUM({MINUTES}),"
                        f" 1) FROM audience_records WHERE broadcast_date = :d AND {NATIONAL} "
                        f"GROUP BY channel", d=date))

    before, week = share_on(shift(DAY, -1)), share_on(shift(DAY, -7))
    days = [share_on(shift(DAY, -i)) for i in range(1, 29)]
    assert before and not week  # the sample week starts on the 16th
    for h in report.headline:
        day_before, last_week, mean = h.share.comparisons
        assert day_before.value == before[h.code]
        assert day_before.change == round((h.share.value - before[h.code]) / before[h.code]
                                          * 100, 1)
        assert day_before.points == round(h.share.value - before[h.code], 1)
        assert last_week.value is None and last_week.change is None  # said, not compared
        present = [d[h.code] for d in days if h.code in d]
        assert mean.value == pytest.approx(sum(present) / len(present))
        assert mean.reference == f"{len(present)} de 28 días con datos"
    assert day_before.reference == "martes 17 de noviembre"
    assert last_week.reference == "miércoles 11 de noviembre"


def test_names_are_the_clients_and_the_date_is_spelt_out(day_data):
    atres = day_data["reports"]["atresmedia"]
    market = day_data["reports"]["mercado"]
    assert atres.long_date == "miércoles 18 de noviembre de 2026"
    top = {r.title: r for r in atres.top_overall}
    assert top["EL HORMIGUERO 3.0"].name == "El Hormiguero"  # the profile's own name
    assert {r.title: r.name for r in market.top_overall}["EL HORMIGUERO 3.0"] == \
        "El Hormiguero 3.0"
    assert top["PASAPALABRA"].channel == "Antena 3"
    assert {r.channel for r in market.per_channel} >= {"La 1", "Telecinco", "laSexta"}
    for report in (atres, market):
        for n in report.notable:
            assert "@" not in n.name and n.evidence and not any("{" in e for e in n.evidence)


def test_the_clients_channels_come_first_and_are_marked(day_data):
    atres = day_data["reports"]["atresmedia"]
    assert [r.channel_code for r in atres.per_channel[:2]] == ["A3", "LA SEXTA"]
    assert [s.channel for s in atres.channel_shares[:2]] == ["A3", "LA SEXTA"]
    assert all(s.client == (s.channel in ("A3", "LA SEXTA")) for s in atres.channel_shares)
    assert atres.headline[0].subject == "Atresmedia" and atres.headline[0].client
    assert [m.channel for m in atres.minutes] == ["A3", "LA SEXTA"]
    assert all(len(m.rivals) == 8 for m in atres.minutes)  # every competitor's curve
    assert "Neox: sin datos en las entregas del día." in atres.notices
    assert not any(s.client for s in day_data["reports"]["mercado"].channel_shares)


def test_per_target_and_region_the_client_reads_its_best_beside_the_leader(day_data):
    atres = day_data["reports"]["atresmedia"]
    profile = day_data["profiles"]["atresmedia"]
    groups = {}
    for r in atres.per_target_region:
        groups.setdefault((r.target, r.region), []).append(r)
    assert set(groups) == {(t, g) for t in profile.targets for g in profile.regions
                           if any(x.target == t and x.region == g
                                  for x in day_data["records"] if x.broadcast_date == DAY)}
    for (target, region), rows in groups.items():
        found = sql(day_data["engine"],
                    f"SELECT title, channel, unique_viewers, {MINUTES} FROM audience_records "
                    f"WHERE broadcast_date = :d AND target = :t AND region = :g ORDER BY "
                    f"unique_viewers DESC, avg_audience DESC, channel, start", d=DAY, t=target,
                    g=region)
        kept = [(t, c, u) for t, c, u, m in found if not is_filler(profile, t, m)]
        leader = kept[0]
        own = next(x for x in kept if x[1] in ("A3", "LA SEXTA"))
        expected = [leader] if leader == own else [leader, own]
        assert [(r.title, r.channel_code, r.unique_viewers) for r in rows] == expected
        assert [r.client for r in rows] == [x[1] in ("A3", "LA SEXTA") for x in expected]
    assert len(day_data["reports"]["mercado"].per_target_region) == 7  # leaders only


def test_counts_say_what_they_count(day_data):
    line = day_data["report"].counts_line()
    assert line.startswith(f"{day_data['report'].ranked} emisiones de 10 cadenas comparadas")
    assert "franjas de continuidad o relleno excluidas" in line
    assert f"{day_data['report'].records} filas" in line


def test_zero_minutes_are_a_gap_never_a_drop(day_data):
    report = day_data["reports"]["atresmedia"]
    a3 = next(m for m in report.minutes if m.channel == "A3")
    zeros = sorted(p.minute[11:16] for p in day_data["points"] if p.channel == "A3"
                   and (p.target, p.region) == (DEFAULT_TARGET, NATIONAL_REGION)
                   and p.avg_audience == 0)
    first = a3.gaps[0]
    assert (first.start, first.end, first.minutes, first.missing) == ("12:30", "12:44", 15,
                                                                      False)
    assert sum(g.minutes for g in a3.gaps) == len(zeros)
    values = dict((clock, am) for clock, am, _ in a3.curve)
    assert all(values[z] is None for z in zeros)  # drawn as a gap, not as 0
    assert not [m for m in a3.marks if m.kind == "drop" and "12:28" <= m.clock <= "12:46"]
    assert any("15 minutos a cero en el fichero de 12:30 a 12:44" in n for n in report.notices)


def test_a_gap_hides_the_drop_the_analysis_saw_there(day_data):
    """A drop the anomaly detector reports inside a gap is not shown, and is counted."""
    from audience_assets.analysis.anomalies import BroadcastMinute, DayAnomalies

    key = f"{DEFAULT_TARGET}|{NATIONAL_REGION}"
    day = day_data["anomalies"][key]
    fake_drop = BroadcastMinute("drop", DAY, "A3", "LA RULETA DE LA SUERTE",
                                f"{DAY}T12:45:00", f"{DAY}T12:31:00", 0, 0.0)
    anomalies = {**day_data["anomalies"], key: DayAnomalies(
        day.golden_minute, day.broadcast_golden_minutes, [*day.events, fake_drop])}
    profile = day_data["profiles"]["atresmedia"]
    report = build_report(DAY, profile, display_names(profile, day_data["config"]),
                          day_data["records"], day_data["sheets"], day_data["points"],
                          anomalies)
    a3 = next(m for m in report.minutes if m.channel == "A3")
    assert a3.dropped_drops == 1 and all(m.clock != "12:31" for m in a3.marks)


def test_a_missing_delivery_is_said_not_compared_against_nothing(day_data):
    profile = day_data["profiles"]["mercado"]
    without = [r for r in day_data["records"]
               if not (r.broadcast_date == DAY and r.target == "Jóvenes 13-24")
               and r.broadcast_date != shift(DAY, -1)]
    report = build_report(DAY, profile, display_names(profile, day_data["config"]), without,
                          day_data["sheets"], [], {})
    assert ("Falta la entrega de Jóvenes 13-24, Total España: sus datos no están en este "
            "informe.") in report.notices
    assert "Falta la entrega minuto a minuto del día: el informe no trae curvas." in \
        report.notices
    assert all(h.share.comparisons[0].value is None for h in report.headline)
    assert report.minutes == []


def test_a_target_no_delivery_brings_is_said(day_data):
    profile = day_data["profiles"]["mercado"]
    typo = profile.model_copy(update={"targets": (*profile.targets, "Jovenes 13-24"),
                                      "regions": (*profile.regions, "Murcia")})
    report = build_report(DAY, typo, display_names(typo, day_data["config"]),
                          day_data["records"], day_data["sheets"], day_data["points"],
                          day_data["anomalies"])
    assert "El perfil pide el público «Jovenes 13-24», que ninguna entrega trae." in \
        report.notices
    assert "El perfil pide el región «Murcia», que ninguna entrega trae." not in \
        report.notices
    assert "El perfil pide la región «Murcia», que ninguna entrega trae." in report.notices
    assert not any("Jóvenes 13-24»" in n for n in report.notices)


def test_filler_rules_come_from_the_profile(day_data):
    profile = day_data["profiles"]["mercado"]
    open_profile = profile.model_copy(
        update={"filler": profile.filler.model_copy(update={"title_patterns": (),
                                                            "min_minutes": 0})})
    report = build_report(DAY, open_profile, display_names(open_profile, day_data["config"]),
                          day_data["records"], day_data["sheets"], day_data["points"],
                          day_data["anomalies"])
    assert report.excluded == [] and report.ranked == 140
    assert any(r.title.startswith("PROGRAMACIÓN DE MADRUGADA") for r in report.top_overall)


def test_the_first_sample_day_compares_with_nothing_and_says_so(day_data):
    first = "2026-11-16"
    profile = day_data["profiles"]["atresmedia"]
    records = [r for r in day_data["records"] if r.broadcast_date == first]
    report = build_report(first, profile, display_names(profile, day_data["config"]),
                          records, [], [], {})
    assert report.long_date == "lunes 16 de noviembre de 2026"
    assert report.top_overall and report.headline
    for h in report.headline:
        for c in (*h.share.comparisons, *h.avg_audience.comparisons):
            assert c.value is None and c.change is None and c.arrow == ""
    assert report.headline[0].share.comparisons[2].reference == "0 de 28 días con datos"
