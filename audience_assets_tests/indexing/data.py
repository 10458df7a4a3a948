"""Records for the indexing and history tests, built directly (no parser involved)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import sqlalchemy as sa

from audience_assets.ingestion.store import replace_dates
from audience_assets.records import AudienceRecord
from audience_assets.sql.engine import make_engine

CHANNELS = ("La1", "A3", "T5", "LA SEXTA", "CUATRO")
TARGETS = ("Total Individuos (4+)", "25-44")
REGIONS = ("Total España", "Madrid")
SLOTS = (("06:00", "08:30", "NOTICIAS MAÑANA"), ("14:00", "15:00", "INFORMATIVO"),
         ("21:45", "23:30", "PRIME"), ("00:30", "02:00", "MADRUGADA"))
# Titles full of Solr query syntax: they must match only themselves.
TRICKY_TITLES = (
    'EL "GRAN" DEBATE: (EN DIRECTO) *',
    "A\\B OR title:*",
    "¿QUIÉN? [1/2] {x} ~ ^ ! && || - +",
    "*",
)


def _record(day: dt.date, channel: str, slot: tuple[str, str, str], title: str, target: str,
            region: str, rng: random.Random) -> AudienceRecord:
    start, end, _ = slot
    start_day = day + dt.timedelta(days=1) if start < "06:00" else day
    end_day = day + dt.timedelta(days=1) if end < "06:00" else day
    avg = rng.randrange(20, 400) * 1000
    return AudienceRecord(
        broadcast_date=day.isoformat(), channel=channel, title=title,
        description="" if rng.random() < 0.3 else f"Emisión de {title.lower()}",
        start=f"{start_day.isoformat()}T{start}:00", end=f"{end_day.isoformat()}T{end}:00",
        genre=rng.choice(["INFORMACION", "ENTRETENIMIENTO", ""]),
        share=round(rng.uniform(0.5, 25.0), 1), avg_audience=avg,
        unique_viewers=avg * rng.randrange(2, 5) + rng.randrange(0, 3) * 1000,
        target=target, region=region,
        extra={"FdM": f"{rng.uniform(30, 60):.1f}".replace(".", ",")},
        source_file=f"programas_{day.isoformat()}.tsv", source_sha256="ab" * 32,
    )


def synthetic_records(first: str, days: int, seed: int = 7) -> list[AudienceRecord]:
    """Every channel's slots, every target and region, for `days` days from `first`."""
    rng = random.Random(seed)
    start = dt.date.fromisoformat(first)
    records = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        for channel in CHANNELS:
            for slot in SLOTS:
                title = f"{slot[2]} {channel}"
                for target in TARGETS:
                    for region in REGIONS:
                        records.append(_record(day, channel, slot, title, target, region, rng))
        for i, title in enumerate(TRICKY_TITLES):
            if (offset + i) % 2 == 0:  # tricky programmes air every other day
                slot = (f"1{i}:00", f"1{i}:30", title)
                records.append(_record(day, "La2", slot, title, TARGETS[0], REGIONS[0], rng))
    return records


def store(path: Path, records: list[AudienceRecord]) -> sa.Engine:
    engine = make_engine(f"sqlite:///{path}")
    replace_dates(engine, {r.broadcast_date for r in records}, records)
    return engine
