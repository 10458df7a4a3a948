"""The model evaluation is its own code location and needs its models named: no daily
selection (the daily location's "Materialize all", its jobs, its sensors) can start it."""



from pathlib import Path

import dagster as dg
import pytest
import yaml

from audience_assets.definitions import defs as daily
from audience_assets.evaluation.definitions import defs as evaluation

REPO = Path(__file__).resolve().parents[2]


def test_the_workspace_has_the_daily_and_the_evaluation_locations() -> None:
    entries = [e["python_module"] for e in
               yaml.safe_load((REPO / "workspace.yaml").read_text())["load_from"]]
    assert [(e["location_name"], e["module_name"]) for e in entries] == [
        ("audience_assets", "audience_assets.definitions"),
        ("model_evaluation", "audience_assets.evaluation.definitions")]


def test_the_daily_location_holds_no_evaluation_and_the_other_only_it() -> None:
    daily_keys = {k.to_user_string() for k in daily.resolve_asset_graph().get_all_asset_keys()}
    assert "model_evaluation" not in daily_keys and "post_drafts" in daily_keys
    assert {k.to_user_string() for k in evaluation.resolve_asset_graph().get_all_asset_keys()
            } == {"model_evaluation"}
    dg.Definitions.validate_loadable(evaluation)


@pytest.mark.timeout(120)
def test_an_unconfigured_evaluation_is_refused_before_it_starts() -> None:
    job = evaluation.resolve_implicit_global_asset_job_def()
    with pytest.raises(dg.DagsterInvalidConfigError, match="models"):
        job.execute_in_process(instance=dg.DagsterInstance.ephemeral())
