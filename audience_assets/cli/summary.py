"""What a run produced, for the terminal: counts per stage, the drafts, and where files are."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import sqlalchemy as sa


def _table_rows(engine: sa.Engine, table: str, dates: list[str]) -> list[dict[str, Any]]:
    if not sa.inspect(engine).has_table(table):
        return []
    meta = sa.MetaData()
    t = sa.Table(table, meta, autoload_with=engine)
    query = sa.select(t)
    if "broadcast_date" in t.c:
        query = query.where(t.c.broadcast_date.in_(dates)).order_by(t.c.broadcast_date)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def _count(engine: sa.Engine, table: str, dates: list[str]) -> int | None:
    if not sa.inspect(engine).has_table(table):
        return None
    t = sa.Table(table, sa.MetaData(), autoload_with=engine)
    query = sa.select(sa.func.count()).select_from(t)
    if "broadcast_date" in t.c:
        query = query.where(t.c.broadcast_date.in_(dates))
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def print_summary(database: Any, storage: Any, dates: list[str]) -> None:
    engine = database.engine()
    print(f"\n== {dates[0]} .. {dates[-1]} ==")
    for table in ("audience_records", "fact_sheets", "post_drafts", "image_candidates"):
        n = _count(engine, table, dates)
        if n is not None:
            print(f"{table}: {n} rows")
    drafts = _table_rows(engine, "post_drafts", dates)
    if drafts:
        print("\n-- drafts --")
        for d in drafts:
            flag = " FALLBACK" if d.get("fell_back") else ""
            valid = "valid" if d.get("valid") else "INVALID"
            print(f"[{d['broadcast_date']}] {d.get('writer', '')}{flag}, "
                  f"{d.get('attempt_count', 0)} attempt(s), {valid}, {d.get('status', '')}")
            print("  " + str(d.get("text", "")).replace("\n", "\n  "))
        writers = Counter(
            f"{d.get('writer')}{' (fallback)' if d.get('fell_back') else ''}" for d in drafts
        )
        print("writers: " + ", ".join(f"{w} {n}" for w, n in sorted(writers.items())))
    candidates = _table_rows(engine, "image_candidates", dates)
    if candidates:
        print("\n-- image candidates (top per post) --")
        for c in candidates:
            if c["rank"] == 1:
                kind = "default" if c["default"] else f"score {c['score']:.2f}"
                title = str(c["sheet_key"]).split("|")[3] if c["sheet_key"].count("|") >= 3 \
                    else c["sheet_key"]
                print(f"[{c['broadcast_date']}] {title}: {c['image_url']} ({kind})")
        sheets = Path(storage.output_dir, "images", "contact-sheets")
        if sheets.is_dir():
            print(f"contact sheets: {sheets.resolve()}")
    print("\n-- outputs --")
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        print(f"{'database:':<15} {Path(url.database).resolve()} (SQLite)")
    else:
        print(f"{'database:':<15} {url.render_as_string(hide_password=True)}")
    for name in ("archive_dir", "quarantine_dir", "output_dir"):
        print(f"{name + ':':<15} {Path(getattr(storage, name)).resolve()}")
    charts = Path(storage.output_dir, "charts")
    if charts.is_dir():
        print(f"{'charts:':<15} {charts.resolve()} ({sum(1 for _ in charts.rglob('*.png'))} PNG)")
    print("Dagster UI:     scripts/dagster-dev  (then open http://127.0.0.1:3000)")
    print("Review desk:    .venv/bin/audience reviewer add NAME; .venv/bin/audience review")
