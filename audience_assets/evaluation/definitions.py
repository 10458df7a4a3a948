"""The model evaluation's own code location (workspace.yaml: `model_evaluation`).

Kept out of the daily location so that a "Materialize all" over the daily assets (the
location's asset graph, or the daily jobs) can never start it, and its runs are listed
apart. It also needs the models named in the launchpad (no default), so even a
selection spanning both locations cannot start it unconfigured. See docs/operations.md,
"What Materialize all starts"."""

import dagster as dg

from audience_assets.definitions import resources
from audience_assets.evaluation.assets import model_evaluation

defs = dg.Definitions(
    assets=[model_evaluation],
    resources={key: resources[key] for key in ("llm", "storage")},
    executor=dg.in_process_executor,
)
