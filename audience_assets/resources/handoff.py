"""The project's io_manager: it stores nothing and refuses every value.

Stages hand data on through SQL only (audience_assets/sql/schema.py): an asset writes
its table and returns `MaterializeResult` (metadata only), and the next stage names it in
`deps` and reads the table through that stage's loaders. Dagster's default io_manager
would instead pickle a returned value into DAGSTER_HOME, a second copy that the desk,
the exports and the reports never read. Installed as "io_manager", this one turns that
mistake into a failed run naming the asset, instead of a silent second store.
"""

from __future__ import annotations

from typing import Any

import dagster as dg


class SqlHandoffError(dg.DagsterError):
    """An asset tried to hand data on outside SQL."""


class SqlHandoffIOManager(dg.ConfigurableIOManager):
    """Refuses values: every stage hands its data on through SQL tables."""

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        if obj is None:
            return
        raise SqlHandoffError(
            f"{_name(context)} returned a {type(obj).__name__}: stages hand data on through "
            "SQL only; write the stage's table and return dg.MaterializeResult")

    def load_input(self, context: dg.InputContext) -> Any:
        raise SqlHandoffError(
            f"{_name(context)} asks for an upstream value: name the upstream asset in `deps` "
            "and read its SQL table through that stage's loader")


def _name(context: dg.OutputContext | dg.InputContext) -> str:
    return f"asset {context.asset_key.to_user_string()}" if context.has_asset_key \
        else f"output {context.name}"
