"""Two runs archiving the same hot folder at once: nothing lost, nothing doubled."""

import threading
from pathlib import Path

import sqlalchemy as sa

from audience_assets.ingestion.deliveries import read_delivery
from audience_assets.ingestion.hotfolder import archive_delivery, publish_once
from audience_assets.ingestion.store import current_deliveries, register_delivery
from audience_assets.sql.schema import deliveries, metadata
from audience_assets_tests.ingestion.conftest import SAMPLES


def test_publish_once_writes_the_target_once_and_leaves_no_temporary(tmp_path: Path):
    source = SAMPLES / "programas_2026-11-16_total.tsv"
    target = tmp_path / "a" / "b.tsv"
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(publish_once(source, target)))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 7 + [True]
    assert target.read_bytes() == source.read_bytes()
    assert [p.name for p in target.parent.iterdir()] == ["b.tsv"]


def test_two_runs_archiving_and_registering_the_same_file_at_once(tmp_path: Path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'a.db'}",
                              connect_args={"timeout": 30})
    metadata.create_all(engine)
    source = SAMPLES / "programas_2026-11-16_total.tsv"
    delivery = read_delivery(source)
    registered: list[bool] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            for entry in archive_delivery(source, delivery, tmp_path / "archive"):
                registered.append(register_delivery(engine, entry))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(registered) == [False] * 5 + [True]
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(deliveries)).scalar() == 1
    (entry,) = current_deliveries(engine, "2026-11-16")
    # stored relative to the archive root, so any working directory finds it
    assert not Path(entry.archived_path).is_absolute()
    assert (tmp_path / "archive" / entry.archived_path).read_bytes() == source.read_bytes()
