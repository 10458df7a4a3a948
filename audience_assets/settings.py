"""Every environment variable the project reads, declared once: name, type, default and
meaning. Modules read them through `current()` (validated on each call, so a test or a
shell that changes the environment is seen); the Dagster resources through
`audience_assets.resources.env_or`, which hands Dagster an EnvVar where the UI can show
the variable. The README's configuration table is `markdown_table()`, compared with the
README by a test.

A bad value fails with one line naming the variable, the value and what it expects.
pydantic-settings (already on pydantic, which the project uses for its files) does the
reading and the type checks, so no module parses the environment by hand.

Settings whose default depends on where the project runs (the checkout's data/config/,
else the copy inside the installed package) are None when unset; the module that owns
the file says where it is then (`shown_default` below says it for the README).
"""

from __future__ import annotations

import os
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_USER_AGENT = ("audience-assets-images/0.1 (+https://github.com/audience-assets; "
                      "image candidates)")


def setting(default: Any, meaning: str, *, shown: str | None = None,
            examples: list[Any] | None = None, **constraints: Any) -> Any:
    """A declared setting: `meaning` is the README's text, `shown` the README's default
    when the value alone does not say it, `examples` documented values beyond the
    default (each loaded by a test)."""
    extra: dict[str, Any] = {}
    if shown is not None:
        extra["shown_default"] = shown
    return Field(default=default, description=meaning, examples=examples,
                 json_schema_extra=extra or None, **constraints)


class Settings(BaseSettings):
    """Field `audience_db_url` is the environment variable AUDIENCE_DB_URL, and so on."""

    # An empty variable counts as unset, as it did when each module read its own.
    # Frozen: `current()` hands the same instance to every caller of one environment.
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore",
                                      validate_default=True, env_ignore_empty=True,
                                      frozen=True)

    # --- SQL store -------------------------------------------------------------------
    audience_db_url: str = setting(
        "sqlite:///var/audience.db",
        "SQL store; PostgreSQL: `postgresql+psycopg://user:pass@host/db`; schema migrated "
        "on start-up ([audience_assets/sql/README.md](audience_assets/sql/README.md))",
        examples=["sqlite:///var/other.db"], min_length=1)
    audience_db_busy_timeout: float = setting(
        30.0, "SQLite (WAL mode): seconds a writer waits for another run's lock",
        examples=[7.5], ge=0)

    # --- Client files ----------------------------------------------------------------
    audience_config_dir: Path | None = setting(
        None, "client configuration folder (analysis.yaml, post_templates.yaml, validator/)",
        shown="the checkout's `data/config/`, else the installed package's copy",
        examples=["data/config"])
    audience_prompts_dir: Path | None = setting(
        None, "drafting prompts",
        shown="the checkout's `prompts/`, else the installed package's copy",
        examples=["prompts"])
    audience_analysis_config: Path | None = setting(
        None, "handles, watchlist, thresholds, event phrases",
        shown="`<config dir>/analysis.yaml`", examples=["data/config/analysis.yaml"])
    audience_validator_config: Path | None = setting(
        None, "validator word lists, emoji table", shown="`<config dir>/validator/`",
        examples=["data/config/validator"])
    audience_post_templates: Path | None = setting(
        None, "the template writer's Spanish templates",
        shown="`<config dir>/post_templates.yaml`",
        examples=["data/config/post_templates.yaml"])
    audience_drafting_examples: Path | None = setting(
        None, "few-shot examples of the default (natural) writer",
        shown="`<config dir>/drafting/examples.yaml`",
        examples=["data/config/drafting/examples.yaml"])
    audience_images_config: Path | None = setting(
        None, "image sources and default pictures (the demo: `var/sample_site/images.yaml`)",
        shown="`data/config/images.yaml`", examples=["data/config/images.yaml"])

    audience_report_profiles: Path | None = setting(
        None, "the clients' report profiles, one YAML file each "
        "([audience_assets/reports/README.md](audience_assets/reports/README.md))",
        shown="`<config dir>/reports/`", examples=["data/config/reports"])

    # --- Drafting budgets ------------------------------------------------------------
    audience_draft_sheet_budget: float = setting(
        300.0, "seconds the model may spend on one fact sheet; then the template writes "
        "it (flagged)", examples=[60.0], gt=0)
    audience_draft_run_budget: float = setting(
        3600.0, "seconds for a drafting run; then the template writes the rest (flagged), "
        "or the run fails when fallback is off; `dagster/max_runtime` = this + 900",
        examples=[600.0], gt=0)

    # --- Files and folders -----------------------------------------------------------
    audience_dagster_yaml: str = setting(
        "dagster.yaml", "instance settings `scripts/dagster-dev` links into `DAGSTER_HOME`; "
        "`infra/dagster/postgres.yaml` (+ `DAGSTER_PG_URL`) for Dagster on PostgreSQL",
        examples=["infra/dagster/postgres.yaml"])
    audience_hot_folder: str = setting("var/hot", "where the client drops deliveries")
    audience_archive_dir: str = setting("var/archive",
                                        "immutable archive of accepted deliveries")
    audience_quarantine_dir: str = setting("var/quarantine",
                                           "unreadable deliveries and their reasons")
    audience_output_dir: str = setting("var/outputs", "exports, reports, charts")
    audience_settle_seconds: int = setting(
        10, "seconds a file must stay unchanged before it is taken", examples=[0], ge=0)
    audience_partitions_start: str = setting(
        "2019-01-01", "first broadcast date of the partitions (YYYY-MM-DD)",
        examples=["2026-11-16"], pattern=r"^\d{4}-\d{2}-\d{2}$")

    audience_chromium: str = setting(
        "/usr/bin/chromium", "Chromium that prints the reports' PDFs and runs the browser "
        "tests (Debian package `chromium`)", min_length=1)

    # --- Solr and history ------------------------------------------------------------
    solr_url: str = setting(
        "http://127.0.0.1:8983/solr/audience",
        "Solr core or collection URL; for SolrCloud any node's URL plus the collection",
        shown="`http://127.0.0.1:8983/solr/audience` (`scripts/solr start`)")
    solr_zk_hosts: str = setting(
        "", "SolrCloud ZooKeeper ensemble with chroot, e.g. `zk1:2181,zk2:2181/solr`; "
        "when set, requests go to live nodes found through ZooKeeper",
        examples=["zk1:2181,zk2:2181/solr"])
    solr_collection: str = setting("audience", "SolrCloud collection name (with SOLR_ZK_HOSTS)")
    solr_connect_timeout: float = setting(5.0, "seconds to connect to Solr", gt=0)
    solr_read_timeout: float = setting(120.0, "seconds to wait for Solr's answer", gt=0)
    solr_batch_size: int = setting(2000, "documents per Solr update request", gt=0)
    solr_commit_within_ms: int = setting(
        10_000, "commitWithin of each update batch (a run that dies half-way leaves a "
        "visibly incomplete date)", ge=0)
    audience_history: Literal["auto", "solr", "sql"] = setting(
        "auto", "where the rules read history: `solr`, `sql`, or `auto` (Solr when it "
        "answers)", examples=["solr", "sql"])

    # --- Review desk -----------------------------------------------------------------
    audience_reviewers_file: str = setting(
        "var/reviewers.yaml",
        "the desk's reviewers (argon2id hashes), written by `audience reviewer add`")
    audience_review_host: str = setting("127.0.0.1", "where `audience review` listens")
    audience_review_port: int = setting(8765, "port of `audience review`", gt=0, lt=65536)
    audience_review_session_minutes: float = setting(480.0, "a sign-in lasts this long",
                                                     examples=[30.0], gt=0)
    audience_review_secure_cookies: bool = setting(
        False, "`1` marks the session cookie Secure (serve over HTTPS)", shown="off",
        examples=[True])

    # --- LLM -------------------------------------------------------------------------
    ollama_host: str = setting(
        "http://127.0.0.1:11434", "LLM server; production: a GPU host",
        shown="`http://127.0.0.1:11434` (`scripts/ollama start`)")
    ollama_model: str = setting(
        "qwen2.5-coder:0.5b-instruct-q4_K_M",
        "model tag on that host, e.g. `qwen2.5:14b-instruct-q5_K_M` on a GPU host",
        shown="`qwen2.5-coder:0.5b-instruct-q4_K_M` (bundled)",
        examples=["gemma3-base:270m-q4_K_M"])
    ollama_timeout: float = setting(120.0, "seconds one LLM request may take", gt=0)
    ollama_num_predict: int = setting(160, "most tokens one answer may have", gt=0)
    ollama_num_ctx: int = setting(4096, "context window in tokens", gt=0)
    ollama_keep_alive: str = setting("10m", "how long the model stays loaded")
    ollama_num_thread: int = setting(
        0, "CPU threads (0: Ollama's choice; 1 suits a busy 2-core host)", examples=[1], ge=0)
    ollama_vision_model: str = setting(
        "", "a vision model on `OLLAMA_HOST` (llava, gemma3, qwen2.5vl) ranks the pictures; "
        "empty or not served: the offline ranker", shown="empty", examples=["llava"])

    # --- Image candidates ------------------------------------------------------------
    audience_images_delay_s: float = setting(
        1.0, "seconds between two requests to the same host", ge=0)
    audience_images_timeout_s: float = setting(10.0, "connect and read timeout, seconds",
                                               gt=0)
    audience_images_max_bytes: int = setting(8_000_000,
                                             "largest page or picture downloaded", gt=0)
    audience_images_user_agent: str = setting(DEFAULT_USER_AGENT,
                                              "the crawler's User-Agent", min_length=1)
    sample_site_port: int = setting(8766, "port of the demo's local sample press site",
                                    gt=0, lt=65536)


class SettingsError(ValueError):
    """An environment variable with a value its declaration refuses."""


def env_name(field: str) -> str:
    return field.upper()


def field_name(variable: str) -> str:
    name = variable.lower()
    if name not in Settings.model_fields:
        raise KeyError(f"{variable} is not a declared setting (audience_assets/settings.py)")
    return name


def current() -> Settings:
    """The settings from the environment now, validated; one line per refused value.

    Built once per distinct environment (of the declared variables): the validator asks
    for its folder on every post, and building the settings costs milliseconds."""
    return _settings_for(tuple(sorted(
        (name.lower(), value) for name, value in os.environ.items()
        if name.lower() in Settings.model_fields)))


@lru_cache(maxsize=32)
def _settings_for(environment: tuple[tuple[str, str], ...]) -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            variable = env_name(str(error["loc"][0]))
            lines.append(f"{variable}={os.environ.get(variable, '')!r}: {error['msg']}")
        raise SettingsError("; ".join(lines)) from None


def get(variable: str) -> Any:
    """One setting by its environment variable's name, e.g. get("AUDIENCE_HISTORY")."""
    return getattr(current(), field_name(variable))


def declared() -> dict[str, FieldInfo]:
    """Every setting, by environment variable name, in declaration order."""
    return {env_name(name): info for name, info in Settings.model_fields.items()}


def default(variable: str) -> Any:
    """The declared default of a setting (what a resource field or constant starts from)."""
    return declared()[variable].default


def documented_values(variable: str) -> list[Any]:
    info = declared()[variable]
    values = [] if info.default is None else [info.default]
    return values + [v for v in (info.examples or []) if v not in values]


def shown_default(info: FieldInfo) -> str:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    if "shown_default" in extra:
        return str(extra["shown_default"])
    if isinstance(info.default, bool):
        return "on" if info.default else "off"
    if info.default == "":
        return "empty"
    if isinstance(info.default, float) and info.default.is_integer():
        return f"`{int(info.default)}`"
    return f"`{info.default}`"


def markdown_table() -> str:
    """The README's configuration table, one row per variable."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for variable, info in declared().items():
        rows.append(f"| `{variable}` | {shown_default(info)} | {info.description} |")
    return "\n".join(rows) + "\n"


TABLE_BEGIN = "<!-- settings table: generated by `python -m audience_assets.settings` -->"
TABLE_END = "<!-- end of settings table -->"


def readme_table(readme: str) -> str:
    """The table between the README's markers."""
    match = re.search(re.escape(TABLE_BEGIN) + r"\n(.*?)" + re.escape(TABLE_END), readme,
                      flags=re.S)
    if match is None:
        raise ValueError("README.md has no settings table markers")
    return match.group(1)


def write_readme(readme: Path) -> None:
    text = readme.read_text(encoding="utf-8")
    old = readme_table(text)
    readme.write_text(text.replace(TABLE_BEGIN + "\n" + old, TABLE_BEGIN + "\n"
                                   + markdown_table(), 1), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write-readme"]:
        write_readme(Path(__file__).resolve().parents[1] / "README.md")
    else:
        print(markdown_table(), end="")
