"""Settings declared once (audience_assets/settings.py): the README's table is generated
from the declarations, every documented value of every setting loads the definitions,
and no module reads the environment on its own."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from audience_assets import settings

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "audience_assets"

# Loads the definitions once per (variable, value), in a fresh interpreter so that the
# reloads leave this session's modules alone, and reports each as one JSON line.
LOAD_ALL = r'''
import importlib, json, os, sys
import dagster as dg
from audience_assets import settings
import audience_assets.definitions as definitions
import audience_assets.partitions as partitions

def resolved():
    with dg.build_resources(definitions.resources) as built:
        return {name: getattr(built, name) for name in definitions.resources}

for variable in settings.declared():
    for value in settings.documented_values(variable):
        os.environ[variable] = "1" if value is True else str(value)
        try:
            importlib.reload(partitions)
            importlib.reload(definitions)
            dg.Definitions.validate_loadable(definitions.defs)
            fields = {f"{name}.{field}": str(getattr(resource, field))
                      for name, resource in resolved().items()
                      for field in type(resource).model_fields}
            print(json.dumps({"variable": variable, "value": str(value), "ok": True,
                              "fields": fields,
                              "partitions_start": str(partitions.broadcast_days.start.date())}))
        except Exception as exc:
            print(json.dumps({"variable": variable, "value": str(value), "ok": False,
                              "error": f"{type(exc).__name__}: {exc}"[:500]}))
        finally:
            del os.environ[variable]
'''

# Where a resource field shows a setting (what the UI shows), for the value check.
RESOURCE_FIELDS = {
    "AUDIENCE_DB_URL": "database.url", "AUDIENCE_DB_BUSY_TIMEOUT": "database.busy_timeout_s",
    "AUDIENCE_HISTORY": "analysis.history", "AUDIENCE_ANALYSIS_CONFIG": "analysis.config_file",
    "AUDIENCE_SETTLE_SECONDS": "storage.settle_seconds", "SOLR_ZK_HOSTS": "solr.zk_hosts",
    "OLLAMA_MODEL": "llm.model", "OLLAMA_NUM_THREAD": "llm.num_thread",
    "AUDIENCE_DRAFT_SHEET_BUDGET": "llm.sheet_budget_s",
    "AUDIENCE_DRAFT_RUN_BUDGET": "llm.run_budget_s", "OLLAMA_VISION_MODEL": "images.vision_model",
    "AUDIENCE_IMAGES_CONFIG": "images.sources_file",
}


@pytest.mark.timeout(300)
def test_every_documented_value_of_every_setting_loads_the_definitions() -> None:
    env = {k: v for k, v in os.environ.items() if k.lower() not in settings.Settings.model_fields}
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run([sys.executable, "-c", LOAD_ALL], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    failed = [r for r in results if not r["ok"]]
    assert failed == []
    tried = {(r["variable"], r["value"]) for r in results}
    assert ("AUDIENCE_HISTORY", "sql") in tried and ("AUDIENCE_HISTORY", "solr") in tried
    assert ("AUDIENCE_HISTORY", "auto") in tried
    assert {r["variable"] for r in results} >= set(RESOURCE_FIELDS)
    for r in results:
        field = RESOURCE_FIELDS.get(r["variable"])
        if field is not None:
            shown = r["fields"][field]
            assert shown == r["value"] or float(shown) == float(r["value"]), (r["variable"], r)
        if r["variable"] == "AUDIENCE_PARTITIONS_START":
            assert r["partitions_start"] == r["value"]


@pytest.mark.timeout(120)
def test_audience_history_sql_loads_the_definitions() -> None:
    """The README documents AUDIENCE_HISTORY=sql; it once failed to load with a pydantic
    error (an EnvVar handed to a field of choices)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "AUDIENCE_HISTORY": "sql"}
    code = ("import dagster as dg; import audience_assets.definitions as d; "
            "dg.Definitions.validate_loadable(d.defs); print(d.resources['analysis'].history)")
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=100, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "sql"


def test_a_bad_value_is_refused_with_one_line_naming_the_variable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDIENCE_HISTORY", "postgres")
    monkeypatch.setenv("AUDIENCE_REVIEW_PORT", "eighty")
    with pytest.raises(settings.SettingsError) as refused:
        settings.current()
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith("AUDIENCE_HISTORY='postgres': Input should be 'auto', 'solr' or")
    assert "AUDIENCE_REVIEW_PORT='eighty': Input should be a valid integer" in message


def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDIENCE_CONFIG_DIR", "")
    monkeypatch.setenv("AUDIENCE_DB_BUSY_TIMEOUT", "")
    assert settings.get("AUDIENCE_CONFIG_DIR") is None
    assert settings.get("AUDIENCE_DB_BUSY_TIMEOUT") == 30.0


def test_the_readme_table_is_the_declarations() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert settings.readme_table(readme) == settings.markdown_table(), (
        "README.md's configuration table differs from audience_assets/settings.py: "
        "run `python -m audience_assets.settings --write-readme`")


def environment_reads(path: Path) -> list[str]:
    """`os.environ`/`os.getenv` reads in a module, as `file:line`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv")
                and isinstance(node.value, ast.Name) and node.value.id == "os"):
            found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    return found


# Dagster's own variable (cli/run sets DAGSTER_HOME for the child it launches), and the
# two places that look at the environment on the settings module's behalf.
ALLOWED_READERS = {"audience_assets/settings.py", "audience_assets/resources/__init__.py",
                   "audience_assets/cli/run.py"}


def test_no_module_reads_the_environment_on_its_own() -> None:
    reads = [hit for path in sorted(PACKAGE.rglob("*.py"))
             for hit in environment_reads(path)
             if str(path.relative_to(REPO)) not in ALLOWED_READERS]
    assert reads == [], "read settings through audience_assets.settings"
