"""The suite's two speeds: `pytest --fast` leaves out the server tests and fails a test
that asks for a server without its marker; every test runs under a timeout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

PROBE = '''
import time
import pytest

def test_unit():
    assert True

def test_unmarked_but_needs_postgres(postgres_url):
    assert postgres_url

@pytest.mark.integration
def test_marked_integration(postgres_url):
    assert postgres_url

@pytest.mark.browser
def test_marked_browser():
    assert True

def test_hangs():
    time.sleep(60)
'''


def run_probe(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_probe.py").write_text(PROBE)
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\ntimeout = 3\nmarkers =\n    integration\n    browser\n    slow\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("AUDIENCE_TESTS_FAST", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "audience_assets_tests.conftest",
         "-p", "no:cacheprovider", "-q", "-rfE", "--rootdir", str(tmp_path),
         "-c", str(tmp_path / "pytest.ini"), str(tmp_path / "test_probe.py"), *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=90, check=False)


@pytest.mark.timeout(120)
def test_fast_leaves_out_marked_tests_and_fails_an_unmarked_server_test(tmp_path: Path) -> None:
    done = run_probe(tmp_path, "--fast")
    out = done.stdout
    assert "2 deselected" in out, out
    assert "ERROR test_probe.py::test_unmarked_but_needs_postgres" in out, out
    assert "PostgreSQL asked for under --fast" in out, out
    assert "test_marked_integration" not in out
    # The hang is stopped by the configured timeout, not left to run.
    assert "FAILED test_probe.py::test_hangs - Failed: Timeout" in out, out
    assert "1 failed, 1 passed, 2 deselected, 1 error" in out, out
    assert done.returncode == 1


@pytest.mark.timeout(60)
def test_every_collected_test_has_a_timeout(request: pytest.FixtureRequest) -> None:
    """The default comes from pyproject; marked tests get their longer budget."""
    assert request.config.getini("timeout") == "120"
    for item in request.session.items:
        marker = item.get_closest_marker("timeout")
        if any(item.get_closest_marker(m) for m in ("integration", "slow", "browser")):
            assert marker is not None, item.nodeid
