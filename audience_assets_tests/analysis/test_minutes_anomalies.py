"""Minute files, golden minutes and the peak/drop detector on known curves."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from audience_assets.analysis.anomalies import (
    analyse_day,
    detect,
    golden_minute_candidates,
)
from audience_assets.analysis.config_sections import AnomalySettings
from audience_assets.ingestion.kantar import KantarParseError
from audience_assets.ingestion.minutes import (
    MinutePoint,
    parse_minutes_file,
    write_minutes_file,
)
from audience_assets_tests.analysis.helpers import config, rec
from audience_lab.minutes import Injected, evaluate, generate_day_minutes, inject, programme_curve

DAY = "2026-03-10"
SETTINGS = AnomalySettings()


def point(channel: str, clock: str, am: int, share: float = 10.0) -> MinutePoint:
    h, m = (int(x) for x in clock.split(":"))
    day = 10 + h // 24
    return MinutePoint(DAY, channel, f"2026-03-{day:02d}T{h % 24:02d}:{m:02d}:00", am, share)


def test_minute_file_round_trip_with_after_midnight_minutes(tmp_path: Path) -> None:
    points = [point("La1", "22:00", 1_234_500, 12.5), point("La1", "25:10", 98_700, 3.1),
              point("A3", "02:30", 5_000, 0.4)]
    path = write_minutes_file(tmp_path / "minutes.tsv", points)
    raw = path.read_bytes()
    assert b"[MINUTADOS]" in raw and b"\r\n" in raw and b"25:10\t98,7\t3,1" in raw
    delivery = parse_minutes_file(path)
    assert sorted(delivery.points, key=lambda p: p.minute) == sorted(points,
                                                                     key=lambda p: p.minute)
    assert delivery.dates == [DAY]


@pytest.mark.parametrize(("body", "reason"), [
    ("La1\t10/03/2026\t22:61\t1,0\t1,0", "row 7, column 'Minuto': not a minute"),
    ("La1\t10/03/2026\t27:00\t1,0\t1,0", "past the TV day's end"),
    ("La1\t10/03/2026\t22:00\tmucho\t1,0", "column 'AM(000)': not a number"),
    ("La1\t10/03/2026\t22:00\t1,0", "row has 4 cells"),
    ("", "no minute rows after the header"),
])
def test_unreadable_minute_rows_say_where_and_why(tmp_path: Path, body: str,
                                                  reason: str) -> None:
    path = tmp_path / "m.tsv"
    text = ("[MINUTADOS] (ESPAÑA[+2] TOTAL)[lineal]TSD)\r\nTarget: Total Individuos (4+)\r\n"
            "Periodo: 10/03/2026\r\n\r\n\r\nCadena\tFecha\tMinuto\tAM(000)\tCuota\r\n" + body)
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(KantarParseError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_minutes_file(path)


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "m.tsv"
    path.write_bytes(b"[MINUTADOS] (X)\r\nCadena\tFecha\tMinuto\tAM(000)\r\nLa1\t10/03/2026"
                     b"\t22:00\t1,0\r\n")
    with pytest.raises(KantarParseError, match="column 'Cuota'"):
        parse_minutes_file(path)


def test_detector_finds_injected_peak_and_drop_where_they_are() -> None:
    rng = random.Random(3)
    values = programme_curve(1_000_000, 90, rng, commercial=True, previous_level=400_000)
    inject(values, Injected(30, 3, 0.35))
    inject(values, Injected(60, 4, -0.3))
    found = detect(values, SETTINGS)
    assert [(d.kind, d.start <= 31 <= d.end + 1) for d in found if d.kind == "peak"] == [
        ("peak", True)]
    drops = [d for d in found if d.kind == "drop"]
    assert len(drops) == 1 and 60 <= drops[0].at <= 63 and drops[0].relative < -0.2


def test_detector_stays_quiet_on_ramps_and_ad_breaks() -> None:
    rng = random.Random(11)
    quiet = [programme_curve(2e6, 120, rng, commercial=True, previous_level=5e5)
             for _ in range(20)]
    assert sum(len(detect(v, SETTINGS)) for v in quiet) <= 2


def test_precision_and_recall_on_synthetic_curves() -> None:
    precision, recall, by_size, _detections = evaluate(SETTINGS, curves=150, seed=5)
    assert precision >= 0.85 and recall >= 0.85, (precision, recall, by_size)
    big = [hits / total for size, (hits, total) in by_size.items() if size in ("+40%", "-40%")]
    assert min(big) >= 0.95


def test_golden_minute_of_the_day_and_per_broadcast_with_ties() -> None:
    records = [rec(DAY, "La1", "SHOW", "22:00", 30), rec(DAY, "A3", "QUIZ", "22:00", 30)]
    points = [point("La1", f"22:{m:02d}", 1_000_000 + m) for m in range(30)]
    points += [point("A3", f"22:{m:02d}", 900_000) for m in range(30)]
    points[5] = point("La1", "22:05", 2_000_000, 20.0)
    points[12] = point("La1", "22:12", 2_000_000, 21.0)  # tie: the earlier minute wins
    day = analyse_day(points, records, SETTINGS)
    assert day.golden_minute is not None
    assert (day.golden_minute.title, day.golden_minute.minute[11:16]) == ("SHOW", "22:05")
    quiz = next(g for g in day.broadcast_golden_minutes if g.title == "QUIZ")
    assert quiz.minute[11:16] == "22:00"
    cfg = config(rules={"golden_minute": {"event": "Minuto de oro del día a las {time}"}},
                 priority=["golden_minute"])
    [candidate] = golden_minute_candidates(day, records, cfg)
    assert candidate.record.title == "SHOW" and candidate.evidence["time"] == "22:05"
    assert cfg.event_phrase("golden_minute", candidate.record.target, candidate.record.region,
                            candidate.time) == "Minuto de oro del día a las 22:05"


def test_generated_day_follows_the_schedule() -> None:
    records = [rec(DAY, "A3", "NEWS", "21:00", 45, am=2_000_000),
               rec(DAY, "A3", "SHOW", "21:45", 60, am=3_000_000)]
    points, peaks = generate_day_minutes(records, peaks=1)
    inside = [p.avg_audience for p in points if "T21:45" <= p.minute[10:] < "T22:45"]
    assert len(inside) == 60 and abs(sum(inside) / 60 - 3_000_000) < 30_000
    assert len(peaks) == 1 and len({p.minute for p in points}) == 24 * 60
