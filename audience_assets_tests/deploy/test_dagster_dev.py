"""scripts/dagster-dev from a clone: DAGSTER_HOME gets the project's instance settings
(a link to dagster.yaml, or to AUDIENCE_DAGSTER_YAML), and an operator's own file stays."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "dagster-dev"


def _run(home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    # `--help` reaches `dagster dev` without starting servers.
    return subprocess.run([str(SCRIPT), "--help"], env={**os.environ, "DAGSTER_HOME": str(home),
                                                       **env},
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
def test_dagster_dev_uses_the_projects_instance_settings(tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = _run(home)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "dagster dev" in done.stdout
    assert (home / "dagster.yaml").resolve() == (REPO / "dagster.yaml").resolve()
    # Another instance file: the link follows (the script fails before dagster on a typo).
    _run(home, AUDIENCE_DAGSTER_YAML=str(tmp_path / "nope.yaml"))
    assert (home / "dagster.yaml").resolve() == (REPO / "dagster.yaml").resolve()


@pytest.mark.slow
def test_an_operators_own_instance_file_is_kept(tmp_path: Path) -> None:
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    done = _run(tmp_path)
    assert done.returncode == 0 and "keeping" in done.stderr
    assert (tmp_path / "dagster.yaml").read_text() == "telemetry:\n  enabled: false\n"


def test_a_missing_instance_file_is_one_clear_line(tmp_path: Path) -> None:
    done = _run(tmp_path, AUDIENCE_DAGSTER_YAML=str(tmp_path / "nope.yaml"))
    assert done.returncode == 2
    assert done.stderr.strip().startswith("scripts/dagster-dev: no ")
