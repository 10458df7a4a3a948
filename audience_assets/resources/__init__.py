"""Dagster resources. Each setting is declared in audience_assets/settings.py; a resource
field takes it from the environment when the variable is set (shown as such in the UI)
and otherwise from the declared default."""

from __future__ import annotations

import os
from typing import Any

import dagster as dg

from audience_assets import settings


def env_or(variable: str, default: Any = None) -> Any:
    """The value of a declared setting for a resource field.

    Set: `dg.EnvVar(variable)` for text settings (the UI shows the variable; the value
    was already validated by the settings module), the validated value itself for the
    others: Dagster checks a field's type and bounds against the EnvVar object, not its
    value, so an EnvVar in a field of choices (AUDIENCE_HISTORY=sql) or a bounded number
    (`gt=0`: AUDIENCE_IMAGES_MAX_BYTES) fails to load, and there is no float or bool form.
    Unset: the declared default, or `default` for the settings whose default the owning
    module derives (None declared).
    """
    value = settings.get(variable)  # validates every setting, one line per bad value
    if variable not in os.environ or not os.environ[variable].strip():
        return default if value is None else value
    annotation = settings.declared()[variable].annotation
    if annotation is str:
        return dg.EnvVar(variable)
    return str(value) if annotation is not None and "Path" in str(annotation) else value
