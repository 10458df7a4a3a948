"""Reading what an asset function returned, in tests that call it directly."""

from __future__ import annotations

from typing import Any

import dagster as dg


def typed_metadata(result: dg.MaterializeResult) -> dict[str, dg.MetadataValue]:
    """The result's metadata as Dagster stores it (plain values wrapped: `.value`)."""
    return {key: value if isinstance(value, dg.MetadataValue) else _wrap(value)
            for key, value in (result.metadata or {}).items()}


def _wrap(value: Any) -> dg.MetadataValue:
    if isinstance(value, bool):
        return dg.MetadataValue.bool(value)
    if isinstance(value, int):
        return dg.MetadataValue.int(value)
    if isinstance(value, float):
        return dg.MetadataValue.float(value)
    if isinstance(value, str):
        return dg.MetadataValue.text(value)
    return dg.MetadataValue.json(value)


def with_typed_metadata(events: list[Any]) -> list[Any]:
    """`events` with each MaterializeResult's metadata typed, checks as they are."""
    return [e._replace(metadata=typed_metadata(e)) if isinstance(e, dg.MaterializeResult)
            else e for e in events]
