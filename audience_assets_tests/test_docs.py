"""Docs that stay true: every table, environment variable, CLI command and asset that
README.md and the stage READMEs name exists, every declared setting is in the README,
and the run monitor the drafting docs rely on is enabled."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from audience_assets import settings
from audience_assets.cli import build_parser
from audience_assets.sql.schema import metadata

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "audience_assets").glob("*/README.md"))]

# Variables the package does not read but the docs rightly name: read by the scripts,
# the instance files, the test session or Dagster itself. Each must occur in one of
# these files (so a name dropped there fails here too).
OUTSIDE_THE_PACKAGE = [*sorted((REPO / "scripts").iterdir()), REPO / "dagster.yaml",
                       *sorted((REPO / "infra").rglob("*.yaml")),
                       *sorted((REPO / "infra").rglob("*.py")),
                       *sorted((REPO / "audience_assets_tests").rglob("*.py")),
                       *sorted((REPO / "audience_lab").rglob("*.py"))]
DAGSTERS_OWN = {"DAGSTER_HOME"}
VARIABLE = re.compile(r"\b(?:AUDIENCE|SOLR|OLLAMA|DAGSTER|SAMPLE_SITE|DEMO)_[A-Z0-9_]*[A-Z0-9]\b")


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def named(pattern: re.Pattern[str]) -> dict[str, set[str]]:
    """name -> the docs naming it."""
    found: dict[str, set[str]] = {}
    for doc in DOCS:
        for name in pattern.findall(text(doc)):
            found.setdefault(name, set()).add(str(doc.relative_to(REPO)))
    return found


def test_every_environment_variable_the_docs_name_is_read_somewhere() -> None:
    declared = set(settings.declared())
    elsewhere = "\n".join(text(p) for p in OUTSIDE_THE_PACKAGE if p.is_file())
    unknown = {name: docs for name, docs in named(VARIABLE).items()
               if name not in declared and name not in DAGSTERS_OWN and name not in elsewhere}
    assert unknown == {}


def test_every_declared_setting_is_in_the_readme() -> None:
    readme = text(REPO / "README.md")
    assert [v for v in settings.declared() if f"`{v}`" not in readme] == []


TABLE = re.compile(r"\btables? `([a-z_]+)`|`([a-z_]+)` table\b|staging table `([a-z_]+)`")
# "tables `a`, `b`" and migration notes listing several: each backticked name after it.
TABLE_LIST = re.compile(r"\btables \(?((?:`[a-z_]+`(?:, | and | or |\)|, then )?)+)")


def test_every_table_the_docs_name_exists() -> None:
    names: dict[str, set[str]] = {}
    for doc in DOCS:
        body = text(doc)
        for match in TABLE.finditer(body):
            name = next(g for g in match.groups() if g)
            names.setdefault(name, set()).add(doc.name)
        for match in TABLE_LIST.finditer(body):
            for name in re.findall(r"`([a-z_]+)`", match.group(1)):
                names.setdefault(name, set()).add(doc.name)
    assert "audience_records" in names and "post_drafts" in names
    assert {n: d for n, d in names.items() if n not in metadata.tables} == {}


def asset_rows(body: str) -> list[str]:
    """First-column names of the markdown tables whose header starts with `asset`."""
    names, in_table = [], False
    for line in body.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].lower() == "asset":
            in_table = True
            continue
        if not line.startswith("|"):
            in_table = False
            continue
        if in_table and not set(cells[0]) <= set("-: "):
            names += re.findall(r"`([a-z_]+)`", cells[0])
    return names


def test_every_asset_the_docs_name_exists() -> None:
    from audience_assets.definitions import defs

    # A key, or a key prefix naming a group of them (daily_report/<profile>).
    keys = {"/".join(k.path[:n]) for k in defs.resolve_asset_graph().get_all_asset_keys()
            for n in range(1, len(k.path) + 1)}
    named_assets = {name: doc.name for doc in DOCS for name in asset_rows(text(doc))}
    assert len(named_assets) >= 8
    assert {n: d for n, d in named_assets.items() if n not in keys} == {}


COMMAND = re.compile(r"(?:\.venv/bin/)?\baudience ([a-z][a-z-]+)(?: ([a-z][a-z-]+))?")


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse keeps its subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_every_cli_command_the_docs_name_exists() -> None:
    commands = subcommands(build_parser())
    missing = []
    seen = 0
    for doc in DOCS:
        for line in text(doc).splitlines():
            for command, sub in COMMAND.findall(line):
                if "`audience " not in line and ".venv/bin/audience" not in line:
                    continue  # prose such as "audience records"
                seen += 1
                if command not in commands:
                    missing.append(f"{doc.name}: audience {command}")
                    continue
                nested = subcommands(commands[command])
                if nested and sub and sub not in nested:
                    missing.append(f"{doc.name}: audience {command} {sub}")
    assert seen >= 10
    assert missing == []


@pytest.mark.parametrize("instance_file", ["dagster.yaml", "infra/dagster/postgres.yaml"])
def test_the_run_monitor_the_drafting_docs_rely_on_is_enabled(instance_file: str) -> None:
    """drafting/README: the monitor cancels a drafting run past its dagster/max_runtime."""
    import yaml

    assert yaml.safe_load(text(REPO / instance_file))["run_monitoring"]["enabled"] is True
    assert "run_monitoring" in text(REPO / "audience_assets" / "drafting" / "README.md")


def test_the_readmes_first_code_block_is_the_demo_then_the_suite() -> None:
    body = text(REPO / "README.md")
    first = body.split("```bash\n", 1)[1].split("```", 1)[0]
    assert first.split("\n")[:-1] == ["scripts/demo", "scripts/test"]
    assert "scripts/test" in text(REPO / ".ci" / "run")
