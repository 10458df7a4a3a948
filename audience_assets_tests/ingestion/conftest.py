import shutil
from pathlib import Path

import pytest

from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.storage import StorageResource

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def make_storage(root: Path, settle_seconds: int = 0) -> StorageResource:
    return StorageResource(
        hot_folder=str(root / "hot"),
        archive_dir=str(root / "archive"),
        quarantine_dir=str(root / "quarantine"),
        output_dir=str(root / "out"),
        settle_seconds=settle_seconds,
    )


@pytest.fixture
def storage(tmp_path: Path) -> StorageResource:
    return make_storage(tmp_path)


@pytest.fixture
def database(tmp_path: Path) -> DatabaseResource:
    return DatabaseResource(url=f"sqlite:///{tmp_path / 'audience.db'}")


def deliver(storage: StorageResource, *names: str) -> list[Path]:
    """Copy bundled sample files into the hot folder, as the client would."""
    hot = storage.path("hot_folder")
    return [Path(shutil.copy(SAMPLES / name, hot / name)) for name in names]


def corrected(data: bytes, title: bytes = b"LA RULETA DE LA SUERTE", am: bytes = b"999") -> bytes:
    """The same delivery with one broadcast's AM(000) corrected, as a re-delivery has it."""
    lines = data.split(b"\r\n")
    for i, line in enumerate(lines):
        cols = line.split(b"\t")
        if cols[0] == title:
            cols[9] = am
            lines[i] = b"\t".join(cols)
            return b"\r\n".join(lines)
    raise AssertionError(f"{title!r} not in delivery")
