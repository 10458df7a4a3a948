"""Where the client-editable files are: `data/config/` (analysis rules, validator,
post templates) and `prompts/`.

Resolution, first match wins:
1. AUDIENCE_CONFIG_DIR / AUDIENCE_PROMPTS_DIR: a deployment's own folders (the client
   edits these; keep them under version control).
2. The source checkout's `data/config/` and `prompts/` (a clone, an editable install).
3. The copies shipped inside the package (`audience_assets/_client/`), which a wheel
   carries: a non-editable install works out of the box with the release's defaults.

Single files still have their own overrides (AUDIENCE_ANALYSIS_CONFIG,
AUDIENCE_VALIDATOR_CONFIG, AUDIENCE_POST_TEMPLATES), which win over the folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from audience_assets import settings

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
PACKAGED = PACKAGE / "_client"
# The image stage's sources (the demo writes its own and sets AUDIENCE_IMAGES_CONFIG).
DEFAULT_IMAGES_SOURCES = CHECKOUT / "data" / "config" / "images.yaml"

CONFIG_DIR_ENV = "AUDIENCE_CONFIG_DIR"
PROMPTS_DIR_ENV = "AUDIENCE_PROMPTS_DIR"


def _resolve(env: str, checkout: Path, packaged: Path) -> Path:
    configured = settings.get(env)
    if configured is not None:
        return Path(configured).expanduser()
    if checkout.is_dir():
        return checkout
    return packaged


def config_dir() -> Path:
    """The folder holding analysis.yaml, post_templates.yaml and validator/."""
    return _resolve(CONFIG_DIR_ENV, CHECKOUT / "data" / "config", PACKAGED / "config")


def prompts_dir() -> Path:
    """The folder holding the drafting prompts (prompts/drafting/...)."""
    return _resolve(PROMPTS_DIR_ENV, CHECKOUT / "prompts", PACKAGED / "prompts")


# Files the pipeline stores (image candidates under the output folder, archived deliveries
# under the archive) are recorded relative to their configured root, so the desk, the CLI
# and the reports find them from any working directory; older rows hold absolute paths or
# paths relative to the directory the pipeline ran in, and still resolve when they can.
def stored_path(path: str | Path, root: str | Path) -> str:
    """`path` as stored in SQL: relative to `root` (POSIX) when under it, else absolute."""
    if not str(path):
        return ""
    absolute = Path(path).resolve()
    try:
        return absolute.relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(absolute)


def locate_stored(stored: str, root: str | Path) -> Path:
    """Where a stored path points, for files the pipeline itself wrote (the archive): a
    relative path under `root`, or, for rows written before paths were stored relative,
    where it was (absolute, or relative to the working directory then)."""
    path = Path(stored)
    if path.is_absolute():
        return path
    under = Path(root) / path
    return under if under.exists() or not path.exists() else path


def resolve_stored(stored: str, root: str | Path) -> Path | None:
    """The file a stored path names, only if it lies inside `root` (after following
    links): anything else - a planted /etc/passwd, a ../ escape - is None."""
    if not stored:
        return None
    base = Path(root).resolve()
    candidates = [Path(stored)] if Path(stored).is_absolute() else [base / stored,
                                                                    Path(stored)]
    for candidate in candidates:
        real = candidate.resolve()
        if real.is_relative_to(base) and real.is_file():
            return real
    return None


def read_client_yaml(path: Path, error: type[Exception], what: str) -> Any:
    """A client-editable YAML file's data, or `error` with one line saying what is wrong
    with the file (missing, unreadable, not YAML), for the one who edits it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{what} {path} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read: {exc}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from None
