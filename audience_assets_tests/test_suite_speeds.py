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


SERVER_PROBE = '''
import os
import time
from pathlib import Path

import pytest

from audience_assets_tests.fixtures.common import starter

LOG = Path(os.environ["PROBE_LOG"])


@starter("probe_server")
def start_probe(tmp_path_factory):
    with LOG.open("a") as log:
        log.write("start\\n")
    return "probe", lambda: LOG.open("a").write("stop\\n")


@pytest.fixture(scope="session")
def probe_server(servers):
    return servers.get("probe_server")


@pytest.fixture
def through_another(probe_server):
    return probe_server
'''
UNIT = '''
import os
import time
from pathlib import Path

def test_unit_runs_while_the_server_starts():
    log = Path(os.environ["PROBE_LOG"])
    deadline = time.monotonic() + 10
    while not (log.exists() and "start" in log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert log.read_text() == "start\\n"
'''
USES = '''
def test_uses_the_server(through_another):
    assert through_another == "probe"
'''


@pytest.mark.timeout(120)
def test_servers_start_in_the_background_and_their_modules_run_last(tmp_path: Path) -> None:
    """A server the collected tests ask for (here through another fixture) starts when the
    session starts, before any test asks for it; the modules that need no server run
    first; the server is stopped at the end, once."""
    (tmp_path / "conftest.py").write_text(SERVER_PROBE)
    (tmp_path / "test_a_uses.py").write_text(USES)
    (tmp_path / "test_b_unit.py").write_text(UNIT)
    (tmp_path / "pytest.ini").write_text("[pytest]\ntimeout = 30\n")
    log = tmp_path / "server.log"
    env = {**os.environ, "PYTHONPATH": str(REPO), "PROBE_LOG": str(log)}
    env.pop("AUDIENCE_TESTS_FAST", None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "audience_assets_tests.conftest",
         "-p", "no:cacheprovider", "-v", "--rootdir", str(tmp_path),
         "-c", str(tmp_path / "pytest.ini"), str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=90, check=False)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert out.index("test_b_unit.py::") < out.index("test_a_uses.py::"), out
    assert log.read_text() == "start\nstop\n"
