"""Schema migrations: a database of the previous release is upgraded in place without
losing a row, a fresh database equals schema.py, and concurrent start-ups do not race."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from audience_assets.analysis.store import load_fact_sheets
from audience_assets.drafting.store import load_drafts
from audience_assets.ingestion.store import load_records
from audience_assets.sql.engine import make_engine
from audience_assets.sql.migrate import current_revision, head_revision
from audience_assets.sql.schema import metadata

OLD_DDL = Path(__file__).with_name("release_3a4251f_sqlite.sql")
DAY = "2026-11-16"


def _schema_diff(engine: sa.Engine) -> list[object]:
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), metadata))


def _old_release_database(path: Path) -> dict[str, int]:
    """A SQLite file exactly as the previous release left it: its DDL, a day's rows."""
    con = sqlite3.connect(path)
    con.executescript(OLD_DDL.read_text(encoding="utf-8"))
    sheet = {"key": "k1", "title": "LA REVUELTA", "channel": "La1", "event": "record",
             "priority": 1, "unique_viewers": 2_000_000, "avg_audience": 1_000_000,
             "share": 10.0}
    for i in range(3):
        con.execute(
            "INSERT INTO audience_records (broadcast_date, channel, title, description, start,"
            ' "end", genre, share, avg_audience, unique_viewers, target, region, extra,'
            " source_file, source_sha256) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (DAY, "La1", f"PROGRAMA {i}", "", f"{DAY}T2{i}:00:00", f"{DAY}T2{i}:30:00",
             "OCIO", 10.0 + i, 1_000_000 + i, 2_000_000 + i, "Total Individuos", "Total",
             "{}", "programas.tsv", "ab" * 32))
    con.execute("INSERT INTO deliveries VALUES (?,?,?,?,?,?,?,?,?,?)",
                ("cd" * 32, DAY, "programas.tsv", "var/archive/x", "programmes",
                 "Total Individuos", "Total", 1234, 3, 1.0))
    con.execute("INSERT INTO fact_sheets (broadcast_date, sheet_key, priority, event, data)"
                " VALUES (?,?,?,?,?)", (DAY, "k1", 1, "record", json.dumps(sheet)))
    for network, status in (("x", "pending_review"), ("x", "approved"), ("bluesky", "rejected")):
        con.execute(
            "INSERT INTO post_drafts (broadcast_date, sheet_key, network, text, mode, writer,"
            " model, prompt_name, prompt_sha256, valid, fell_back, attempt_count, llm_seconds,"
            " eval_count, violations, attempts, fact_sheet, status, created_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (DAY, "k1", network, f"texto {status}", "guided", "guided", "m", "p", "0" * 64,
             1, 0, 1, 1.5, 30, "[]", "[]", json.dumps(sheet), status, 1.0))
    con.commit()
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("audience_records", "deliveries", "fact_sheets", "post_drafts")}
    con.close()
    return counts


def test_previous_release_database_upgrades_to_head_without_losing_rows(tmp_path: Path) -> None:
    path = tmp_path / "audience.db"
    before = _old_release_database(path)
    assert before == {"audience_records": 3, "deliveries": 1, "fact_sheets": 1, "post_drafts": 3}
    assert current_revision(make_engine(f"sqlite:///{path}", migrate=False)) is None

    engine = make_engine(f"sqlite:///{path}")

    assert current_revision(engine) == head_revision()
    assert _schema_diff(engine) == []
    with engine.connect() as conn:
        after = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                 for t in before}
    assert after == before
    # The rows read back through today's stores, unchanged.
    assert [r.title for r in load_records(engine, DAY)] == [f"PROGRAMA {i}" for i in range(3)]
    assert [s.title for s in load_fact_sheets(engine, DAY)] == ["LA REVUELTA"]
    drafts = load_drafts(engine, DAY)
    assert [(d["network"], d["status"], d["text"]) for d in drafts] == [
        ("x", "pending_review", "texto pending_review"), ("x", "approved", "texto approved"),
        ("bluesky", "rejected", "texto rejected")]
    # A second start-up finds nothing to do.
    make_engine(f"sqlite:///{path}")
    assert current_revision(engine) == head_revision()


def test_fresh_database_equals_schema_py() -> None:
    # Fails when a table or column is added to schema.py without its revision.
    engine = make_engine("sqlite://")
    assert current_revision(engine) == head_revision()
    assert _schema_diff(engine) == []
    assert set(sa.inspect(engine).get_table_names()) == {*metadata.tables, "alembic_version"}


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("AUDIENCE_DB_BUSY_TIMEOUT", "7.5")
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 7500


START_UP = ("import sys; from audience_assets.sql.engine import make_engine; "
            "from audience_assets.sql.migrate import current_revision; "
            "print(current_revision(make_engine(sys.argv[1])))")
REPO = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(240)
def test_processes_starting_at_once_on_an_empty_database_all_succeed(tmp_path: Path) -> None:
    # Interpreters each with its own timeout: a hung start-up is killed and reported,
    # never left blocking the run (a multiprocessing Pool once hung here for minutes).
    # Four at once on three new files: the WAL switch lost to another process about one
    # start-up in six before it waited (CI failed on it once with two).
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for attempt in range(3):
        url = f"sqlite:///{tmp_path / f'a{attempt}.db'}"
        procs = [subprocess.Popen([sys.executable, "-c", START_UP, url], env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(4)]
        outputs = []
        try:
            for proc in procs:
                outputs.append(proc.communicate(timeout=180))
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(timeout=10)
        assert [p.returncode for p in procs] == [0] * 4, [err for _out, err in outputs]
        revisions = [out.strip().splitlines()[-1] for out, _err in outputs]
        assert revisions == [head_revision()] * 4
        engine = make_engine(url)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1


HOLD_WRITE_LOCK = (
    "import sqlite3, sys, time; conn = sqlite3.connect(sys.argv[1], isolation_level=None); "
    "conn.execute('CREATE TABLE IF NOT EXISTS t (x)'); conn.execute('BEGIN IMMEDIATE'); "
    "conn.execute('INSERT INTO t VALUES (1)'); print('holding', flush=True); "
    "time.sleep(float(sys.argv[2])); conn.execute('COMMIT')")


@pytest.mark.timeout(60)
def test_the_wal_switch_waits_for_another_process_writing_the_file(tmp_path: Path) -> None:
    # SQLite refuses `journal_mode = WAL` at once, busy handler or not, while another
    # process writes a file still in rollback mode: the engine must wait, not fail.
    path = tmp_path / "a.db"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK, str(path), "1.0"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        engine = make_engine(f"sqlite:///{path}", busy_timeout_s=20)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert current_revision(engine) == head_revision()
    finally:
        holder.wait(timeout=30)


@pytest.mark.timeout(60)
def test_the_wal_switch_gives_up_after_the_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK, str(path), "5"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with pytest.raises(sa.exc.OperationalError, match="locked"):
            make_engine(f"sqlite:///{path}", busy_timeout_s=0.3)
    finally:
        holder.kill()
        holder.wait(timeout=30)
