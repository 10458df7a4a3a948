from pathlib import Path

import pytest

from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.storage import StorageResource
from audience_assets_tests.ingestion.conftest import make_storage


@pytest.fixture
def storage(tmp_path: Path) -> StorageResource:
    return make_storage(tmp_path)


@pytest.fixture
def database(tmp_path: Path) -> DatabaseResource:
    return DatabaseResource(url=f"sqlite:///{tmp_path / 'audience.db'}")
