"""Synthetic Kantar programmes deliveries, realistic enough to exercise every stage.

Ten national and regional channels, a full TV day each (02:30-26:30), several
targets and regions, programmes that recur daily (so history exists), a sports
night and, on a chosen day, a programme beating its own best (so a historical
record exists). Everything is seeded by date: the same call writes the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import openpyxl

WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
HEADER = (
    "Título",
    "Descripción",
    "Cadena",
    "Fecha",
    "Día semana",
    "Hora de Inicio",
    "Hora de Fin",
    "Género",
    "Cuota",
    "AM(000)",
    "MAA(000)",
    "ACaPL",
    "FdM",
)


@dataclass(frozen=True)
class Slot:
    channel: str
    title: str
    genre: str
    start: str  # hh:mm, TV-day clock (may pass 24:00)
    end: str
    share: float  # typical share of the total population, %
    description: str = ""


@dataclass(frozen=True)
class Population:
    """One delivery file's audience: target x region, scaled from the national total."""

    slug: str
    target: str
    region: str  # "" = national
    kantar_population: str
    scale: float  # viewers relative to the national 4+ universe
    home_channel: str = ""  # regional channel that is strong here
    youth: bool = False


CHANNELS = (
    "La1",
    "La2",
    "A3",
    "CUATRO",
    "T5",
    "LA SEXTA",
    "ARAGON TV",
    "TV3",
    "CANAL SUR",
    "TELEMADRID",
)
REGIONAL = {
    "ARAGON TV": "Aragón",
    "TV3": "Cataluña",
    "CANAL SUR": "Andalucía",
    "TELEMADRID": "Madrid",
}

POPULATIONS = (
    Population("total", "Total Individuos (4+)", "", "ESPAÑA[+2] TOTAL", 1.0),
    Population("jovenes", "Jóvenes 13-24", "", "ESPAÑA[+2] TOTAL", 0.11, youth=True),
    Population("25-44", "Individuos 25-44", "", "ESPAÑA[+2] TOTAL", 0.27),
    Population("andalucia", "Total Individuos (4+)", "Andalucía", "ANDALUCÍA", 0.18, "CANAL SUR"),
    Population("cataluna", "Total Individuos (4+)", "Cataluña", "CATALUÑA", 0.16, "TV3"),
    Population("aragon", "Total Individuos (4+)", "Aragón", "ARAGÓN", 0.028, "ARAGON TV"),
    Population("madrid", "Total Individuos (4+)", "Madrid", "MADRID", 0.14, "TELEMADRID"),
)

# The daily grid: recurring programmes with typical national shares.
GRID: tuple[Slot, ...] = (
    Slot("La1", "TELEDIARIO 1", "INFORMACIÓN", "15:00", "15:55", 13.5),
    Slot("La1", "LA PROMESA", "FICCION", "16:45", "17:40", 11.0),
    Slot("La1", "TELEDIARIO 2", "INFORMACIÓN", "21:00", "21:55", 12.5),
    Slot("La1", "LA REVUELTA", "ENTRETENIMIENTO", "22:00", "23:10", 13.0),
    Slot("La2", "SABER Y GANAR", "CONCURSOS", "15:35", "16:20", 5.1),
    Slot("La2", "CINE DE LA 2", "CINE", "22:00", "23:50", 3.2),
    Slot("A3", "ANTENA 3 NOTICIAS 1", "INFORMACIÓN", "15:00", "15:45", 18.5),
    Slot("A3", "LA RULETA DE LA SUERTE", "CONCURSOS", "12:45", "14:00", 15.2),
    Slot("A3", "PASAPALABRA", "CONCURSOS", "20:00", "21:00", 17.4),
    Slot("A3", "ANTENA 3 NOTICIAS 2", "INFORMACIÓN", "21:00", "21:40", 15.9),
    Slot("A3", "EL HORMIGUERO 3.0", "ENTRETENIMIENTO", "21:45", "22:45", 14.8),
    Slot("A3", "SUEÑOS DE LIBERTAD", "FICCION", "16:00", "17:00", 12.1),
    Slot("CUATRO", "EL DESMARQUE CUATRO", "DEPORTES", "14:40", "15:30", 5.4),
    Slot("CUATRO", "LA NAVE DEL MISTERIO", "DIVULGACION", "21:45", "25:30", 7.1),
    Slot("T5", "INFORMATIVOS TELECINCO 21:00", "INFORMACIÓN", "21:00", "21:40", 10.8),
    Slot("T5", "EL PROGRAMA DE ANA ROSA", "MAGACINES", "08:55", "13:20", 14.5),
    Slot("T5", "EL DEBATE DE GH", "ENTRETENIMIENTO", "22:00", "25:10", 11.9),
    Slot("LA SEXTA", "LA SEXTA NOTICIAS 20H", "INFORMACIÓN", "20:00", "20:55", 7.8),
    Slot("LA SEXTA", "EL INTERMEDIO", "ENTRETENIMIENTO", "21:30", "22:30", 7.5),
    Slot("LA SEXTA", "AL ROJO VIVO", "INFORMACIÓN", "10:20", "14:15", 10.2),
    Slot("ARAGON TV", "BASURA O TESORO", "ENTRETENIMIENTO", "21:35", "22:40", 0.9),
    Slot("ARAGON TV", "ARAGON NOTICIAS 2", "INFORMACIÓN", "20:30", "21:00", 0.8),
    Slot("TV3", "TELENOTICIES VESPRE", "INFORMACIÓN", "21:00", "21:50", 2.9),
    Slot("TV3", "POLONIA", "ENTRETENIMIENTO", "22:00", "22:50", 2.4),
    Slot("CANAL SUR", "NOTICIAS 2 CANAL SUR", "INFORMACIÓN", "20:30", "21:15", 2.3),
    Slot("CANAL SUR", "LA TARDE, AQUÍ Y AHORA", "MAGACINES", "17:10", "19:55", 2.2),
    Slot("TELEMADRID", "TELENOTICIAS 2", "INFORMACIÓN", "20:30", "21:10", 1.4),
    Slot("TELEMADRID", "MADRID DIRECTO", "MAGACINES", "19:00", "20:30", 1.3),
)
# Saturday night football on La1 replaces its usual evening.
SPORTS_NIGHT = Slot(
    "La1",
    "FUTBOL: SUPERCOPA DE ESPAÑA",
    "DEPORTES",
    "20:00",
    "22:10",
    24.5,
    "REAL MADRID-FC BARCELONA",
)
FILLER = {
    "INFORMACIÓN": "AVANCE INFORMATIVO",
    "ENTRETENIMIENTO": "PROGRAMACIÓN DE MADRUGADA",
}


# Total viewers (thousands, national 4+) in front of the TV by half hour of the TV day,
# a rough Spanish day: morning low, lunch peak, prime-time peak.
def viewers_at(minute_of_tv_day: int) -> float:
    hour = 2.5 + minute_of_tv_day / 60
    if hour < 7:
        return 1_200
    if hour < 13:
        return 3_500 + (hour - 7) * 500
    if hour < 16:
        return 8_500
    if hour < 20:
        return 6_500
    if hour < 23.5:
        return 13_500
    return 13_500 - (hour - 23.5) * 3_600


def _minutes(clock: str) -> int:
    h, m = (int(x) for x in clock.split(":"))
    return h * 60 + m


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def day_slots(day: dt.date) -> list[Slot]:
    """The grid of `day`, with filler broadcasts so every channel covers its TV day."""
    grid = list(GRID)
    if day.weekday() == 5:  # Saturday: football replaces La1's evening
        grid = [s for s in grid if not (s.channel == "La1" and _minutes(s.start) >= 20 * 60)]
        grid.append(SPORTS_NIGHT)
    slots: list[Slot] = []
    for channel in CHANNELS:
        own = sorted((s for s in grid if s.channel == channel), key=lambda s: _minutes(s.start))
        cursor = 2 * 60 + 30
        for slot in [*own, None]:
            stop = _minutes(slot.start) if slot else 26 * 60 + 30
            while stop - cursor >= 20:
                length = min(stop - cursor, 120)
                genre = "INFORMACIÓN" if (cursor // 60) % 3 == 0 else "ENTRETENIMIENTO"
                slots.append(
                    Slot(
                        channel,
                        f"{FILLER[genre]} {channel}",
                        genre,
                        _clock(cursor)[:5],
                        _clock(cursor + length)[:5],
                        0.0,
                    )
                )
                cursor += length
            if slot:
                slots.append(slot)
                cursor = max(cursor, _minutes(slot.end))
    return slots


def _rng(*parts: object) -> random.Random:
    seed = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(seed[:8], "big"))


CHANNEL_BASE_SHARE = {
    "La1": 9.5,
    "La2": 2.6,
    "A3": 12.5,
    "CUATRO": 5.4,
    "T5": 10.0,
    "LA SEXTA": 6.2,
    "ARAGON TV": 0.6,
    "TV3": 1.9,
    "CANAL SUR": 1.7,
    "TELEMADRID": 1.0,
}


def broadcast_rows(
    day: dt.date, population: Population, record_day: dt.date | None = None
) -> list[tuple[str, ...]]:
    """One delivery's rows for `day` and `population`, figures as Kantar writes them."""
    rows: list[tuple[str, ...]] = []
    for slot in day_slots(day):
        if (
            population.region
            and slot.channel in REGIONAL
            and slot.channel != population.home_channel
        ):
            continue  # a regional channel is only measured in its own region
        rng = _rng(day, population.slug, slot.channel, slot.title, slot.start)
        share = slot.share or CHANNEL_BASE_SHARE[slot.channel] * rng.uniform(0.6, 1.1)
        share *= rng.uniform(0.88, 1.12)
        if population.home_channel == slot.channel:
            share *= 9.0  # regional channels are big at home
        if population.youth:
            share *= 1.4 if slot.genre in ("ENTRETENIMIENTO", "DEPORTES") else 0.7
        boost = (
            record_day is not None and day == record_day and slot.title == "LA RULETA DE LA SUERTE"
        )
        if boost:
            share *= 1.2
        share = min(share, 60.0)
        start, end = _minutes(slot.start), _minutes(slot.end)
        mid = (start + end) // 2 - 150
        viewers = viewers_at(mid) * population.scale
        avg = viewers * share / 100
        duration = end - start
        reach_factor = 1.3 + min(duration, 240) / 60 * rng.uniform(0.55, 0.8)
        if boost:
            reach_factor *= 1.15
        reach = avg * reach_factor
        weekday = WEEKDAYS[day.weekday()]
        rows.append(
            (
                slot.title,
                slot.description,
                slot.channel,
                day.strftime("%d/%m/%Y"),
                weekday,
                _clock(start),
                _clock(end),
                slot.genre,
                f"{share:.1f}".replace(".", ","),
                _thousands(avg),
                _thousands(reach),
                f"{rng.uniform(35, 80):.1f}".replace(".", ","),
                f"{100 * round(avg) / max(round(reach), 1):.1f}".replace(".", ","),
            )
        )
    return rows


def _thousands(value: float) -> str:
    """AM/MAA in thousands as Kantar's exports write them: '1.206', '35', '4,8'."""
    if value < 10:
        return f"{value:.1f}".replace(".", ",")
    return f"{round(value):,}".replace(",", ".")


def preamble(
    day: dt.date, population: Population, kind: str = "PROGRAMAS"
) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [
        (f"[{kind}] ({population.kantar_population})[lineal]TSD)",),
        (f"Target: {population.target}",),
    ]
    if population.region:
        rows.append((f"Región: {population.region}",))
    rows.append((f"Periodo: {day.strftime('%d/%m/%Y')}",))
    rows.append(("",))
    return rows


def file_name(day: dt.date, population: Population, suffix: str) -> str:
    return f"programas_{day.isoformat()}_{population.slug}.{suffix}"


def write_tsv(path: Path, rows: Iterable[tuple[str, ...]]) -> None:
    text = "\r\n".join("\t".join(r) for r in rows) + "\r\n"
    path.write_bytes(text.encode("cp1252"))


def write_xlsx(path: Path, rows: Iterable[tuple[str, ...]]) -> None:
    """Excel variant: real numbers and dates in cells, as a spreadsheet export has them."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        cells: list[object] = list(row)
        if len(row) == len(HEADER) and row[0] != HEADER[0]:
            cells[3] = dt.datetime.strptime(row[3], "%d/%m/%Y")
            for i in (8, 11, 12):
                cells[i] = float(row[i].replace(",", "."))
            for i in (9, 10):
                cells[i] = float(row[i].replace(".", "").replace(",", "."))
        ws.append(cells)
    wb.save(path)


def write_day(
    day: dt.date,
    folder: Path,
    populations: Iterable[Population] = POPULATIONS,
    xlsx_slugs: frozenset[str] = frozenset({"jovenes"}),
    record_day: dt.date | None = None,
) -> list[Path]:
    """Write one delivery per population for `day` into `folder`; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for population in populations:
        rows = [*preamble(day, population), HEADER, *broadcast_rows(day, population, record_day)]
        if population.slug in xlsx_slugs:
            path = folder / file_name(day, population, "xlsx")
            write_xlsx(path, rows)
        else:
            path = folder / file_name(day, population, "tsv")
            write_tsv(path, rows)
        paths.append(path)
    return paths


def write_days(
    first_day: dt.date,
    days: int,
    folder: Path,
    populations: Iterable[Population] = POPULATIONS,
    xlsx_slugs: frozenset[str] = frozenset({"jovenes"}),
) -> list[Path]:
    """`days` consecutive days from `first_day`; the last day carries a historical record."""
    pops = tuple(populations)
    last = first_day + dt.timedelta(days=days - 1)
    paths: list[Path] = []
    for i in range(days):
        paths += write_day(first_day + dt.timedelta(days=i), folder, pops, xlsx_slugs, last)
    return paths
