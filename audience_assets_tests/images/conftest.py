"""The sample press site, built once per session and served on loopback by the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from audience_lab.sample_site import SiteServer, build_site, serve


@pytest.fixture(scope="session")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("site"), demo=False)


@pytest.fixture(scope="session")
def site(site_root: Path) -> Iterator[SiteServer]:
    server, _ = serve(site_root)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
