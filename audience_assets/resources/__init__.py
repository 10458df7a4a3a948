"""Dagster resources. Each setting comes from an environment variable when it is set
(shown as such in the UI) and otherwise from a documented default."""

from __future__ import annotations

import os
from typing import Any

import dagster as dg


def env_or(name: str, default: Any) -> Any:
    """`dg.EnvVar(name)` when the variable is set, else `default`.

    EnvVar alone fails when the variable is unset; operators only set what they change.
    """
    if name not in os.environ:
        return default
    if isinstance(default, bool):
        return os.environ[name].strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return dg.EnvVar.int(name)
    if isinstance(default, float):
        return float(os.environ[name])  # EnvVar has no float form
    return dg.EnvVar(name)
