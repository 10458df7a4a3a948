"""The layout rule: every module is either pure or part of the thin Dagster layer, and
`.importlinter` knows which. A new pure module that the contract does not list would
escape the check, so this test fails until it is listed."""

from __future__ import annotations

import configparser
import pkgutil
from pathlib import Path

import audience_assets

REPO = Path(__file__).resolve().parents[1]
DAGSTER_LAYER_NAMES = {"assets", "sensors", "checks", "definitions", "partitions", "jobs",
                       "timing"}


def _contract(name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser()
    parser.read(REPO / ".importlinter")
    return parser[f"importlinter:contract:{name}"]


def _listed(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _modules(packages: bool = True) -> list[str]:
    return [m.name for m in pkgutil.walk_packages(audience_assets.__path__, "audience_assets.")
            if packages or not m.ispkg]


def _is_dagster_layer(module: str) -> bool:
    parts = module.split(".")
    return (parts[-1] in DAGSTER_LAYER_NAMES or "resources" in parts
            or parts[1] == "cli" or module == "audience_assets")


def test_every_pure_module_is_under_the_contract() -> None:
    sources = _listed(_contract("pure-does-not-import-layer")["source_modules"])
    # Stage packages' __init__ hold no code: the modules inside them are what counts.
    unlisted = [m for m in _modules(packages=False) if not _is_dagster_layer(m)
                and not any(m == s or m.startswith(s + ".") for s in sources)]
    assert not unlisted, f"list these pure modules in .importlinter: {unlisted}"


def test_every_dagster_layer_module_is_forbidden_to_pure_code() -> None:
    forbidden = _listed(_contract("pure-does-not-import-layer")["forbidden_modules"])
    layer = [m for m in _modules() if _is_dagster_layer(m) and m.split(".")[1] not in
             ("cli", "resources") and m != "audience_assets"]
    missing = [m for m in layer if m not in forbidden]
    assert not missing, f"list these Dagster-layer modules in .importlinter: {missing}"
