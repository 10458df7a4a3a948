"""One set of instance settings: the SQLite instance (dagster.yaml) and the PostgreSQL one
(infra/dagster/postgres.yaml) limit runs and pools alike and both monitor runs, so the
drafting jobs' dagster/max_runtime holds on either."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
import yaml

from audience_assets.definitions import defs
from audience_assets.jobs import HISTORY_TAG

REPO = Path(__file__).resolve().parents[2]
SQLITE = REPO / "dagster.yaml"
POSTGRES = REPO / "infra" / "dagster" / "postgres.yaml"


def _settings(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


@pytest.mark.timeout(30)
def test_both_instance_files_share_every_setting_but_storage() -> None:
    sqlite, postgres = _settings(SQLITE), _settings(POSTGRES)
    assert "storage" not in sqlite and "postgres" in postgres.pop("storage")
    assert sqlite == postgres
    # Byte for byte too (comments included), so the explanations do not drift either.
    tail = SQLITE.read_text().split("telemetry:", 1)[1]
    assert POSTGRES.read_text().endswith(tail)


@pytest.mark.timeout(30)
def test_run_monitoring_is_on_where_jobs_set_a_max_runtime() -> None:
    jobs_with_runtime = [j for j in defs.jobs or []
                         if "dagster/max_runtime" in (getattr(j, "tags", None) or {})]
    assert jobs_with_runtime
    assert _settings(SQLITE)["run_monitoring"]["enabled"] is True


@pytest.mark.timeout(30)
def test_the_limits_operators_rely_on() -> None:
    limits = {limit["key"]: limit for limit in
              _settings(SQLITE)["concurrency"]["runs"]["tag_concurrency_limits"]}
    # One run per broadcast date at a time; one daily_pipeline run at a time.
    assert limits["dagster/partition"] == {"key": "dagster/partition", "limit": 1,
                                           "value": {"applyLimitPerUniqueValue": True}}
    assert limits[HISTORY_TAG]["limit"] == 1 and "value" not in limits[HISTORY_TAG]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("path", [SQLITE, POSTGRES], ids=["sqlite", "postgres"])
def test_dagster_accepts_the_instance_file(path: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings(path)
    settings.pop("storage", None)  # no server here: the rest is what is checked
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(settings))
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        config = instance.get_concurrency_config()
        assert config.run_queue_config is not None
        assert config.run_queue_config.max_concurrent_runs == 4
        assert instance.run_monitoring_enabled
