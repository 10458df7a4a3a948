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
