"""The asset graph is the operators' map: its keys, lineage and groups must not drift unnoticed."""

import dagster as dg

from audience_assets.definitions import defs
from audience_assets.partitions import broadcast_days

EXPECTED_PARENTS = {
    "kantar_raw_file": set(),
    "audience_records": {"kantar_raw_file"},
    "solr_audience_index": {"audience_records"},
    "minute_audience": {"kantar_raw_file"},
    "audience_anomalies": {"minute_audience", "audience_records"},
    "relevant_broadcasts": {"audience_records", "solr_audience_index", "audience_anomalies"},
    "post_plan": {"relevant_broadcasts"},
    "post_drafts": {"post_plan"},
    "image_candidates": {"post_drafts"},
    # one report asset per client profile (data/config/reports/)
    **{f"daily_report/{profile}": {"audience_records", "minute_audience",
                                   "audience_anomalies", "relevant_broadcasts"}
       for profile in ("mercado", "atresmedia")},
}


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)


def test_lineage_of_the_contract_assets():
    graph = defs.resolve_asset_graph()
    for key, parents in EXPECTED_PARENTS.items():
        node = graph.get(dg.AssetKey.from_user_string(key))
        assert {p.to_user_string() for p in node.parent_keys} >= parents, key


# Run on demand (a new model or GPU), not per broadcast date: its history is the
# materializations themselves.
NOT_DAILY = {"model_evaluation"}


def test_every_asset_is_partitioned_by_broadcast_date():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        if key.to_user_string() in NOT_DAILY:
            assert graph.get(key).partitions_def is None
            continue
        assert graph.get(key).partitions_def == broadcast_days, key.to_user_string()


def test_the_daily_job_leaves_the_model_evaluation_out():
    job = defs.resolve_job_def("daily_pipeline")
    selected = {k.to_user_string() for k in job.asset_layer.selected_asset_keys}
    assert "post_drafts" in selected and not selected & NOT_DAILY


def test_the_sensor_targets_the_daily_job_and_starts_running():
    sensor = defs.resolve_sensor_def("hot_folder_sensor")
    assert sensor.job_name == "daily_pipeline"
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING


def test_the_module_exposes_exactly_one_definitions_for_dagster_dev():
    import audience_assets.definitions as module

    found = [name for name, value in vars(module).items() if isinstance(value, dg.Definitions)]
    assert found == ["defs"]


def test_the_ingestion_chain_backfills_a_range_in_one_run():
    graph = defs.resolve_asset_graph()
    for key in ("kantar_raw_file", "audience_records", "solr_audience_index"):
        assert graph.get(dg.AssetKey(key)).backfill_policy == dg.BackfillPolicy.single_run(), key


def test_each_days_analysis_follows_the_day_before():
    graph = defs.resolve_asset_graph()
    key = dg.AssetKey("relevant_broadcasts")
    assert key in graph.get(key).parent_keys
    mapping = graph.get_partition_mapping(key, key)
    assert mapping == dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=-1)
    upstream = mapping.get_upstream_mapped_partitions_result_for_partitions(
        broadcast_days.subset_with_partition_keys(["2026-11-16"]), broadcast_days,
        broadcast_days).partitions_subset
    assert list(upstream.get_partition_keys()) == ["2026-11-15"]


def test_the_instance_never_runs_two_runs_of_one_date_at_once(tmp_path):
    import shutil
    from pathlib import Path

    shutil.copy(Path(__file__).resolve().parents[1] / "dagster.yaml", tmp_path)
    instance = dg.DagsterInstance.from_config(str(tmp_path))
    limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
    assert {"key": "dagster/partition", "value": {"applyLimitPerUniqueValue": True},
            "limit": 1} in limits


# ---- one store: SQL is the only handoff between stages ---------------------------------


def test_no_asset_takes_an_upstream_value_only_its_sql_tables():
    assets = list(defs.assets or [])
    assert len(assets) >= 12
    for assets_def in assets:
        assert isinstance(assets_def, dg.AssetsDefinition)
        for name, input_def in assets_def.op.input_dict.items():
            assert input_def.dagster_type.is_nothing, (
                f"{assets_def.key.to_user_string()} takes {name} as a value")


def test_the_projects_io_manager_stores_nothing_and_refuses_values():
    from audience_assets.resources.handoff import SqlHandoffIOManager

    io_manager = (defs.resources or {})["io_manager"]
    assert isinstance(io_manager, SqlHandoffIOManager)

    @dg.asset
    def returns_a_list() -> list[int]:
        return [1, 2, 3]

    @dg.asset
    def returns_a_result() -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"rows": 3})

    refused = dg.materialize([returns_a_list], resources={"io_manager": io_manager},
                             raise_on_error=False)
    assert not refused.success
    [failure] = [e for e in refused.all_events if e.is_step_failure]
    message = str(failure.step_failure_data.error)
    assert "returns_a_list returned a list" in message and "SQL" in message
    accepted = dg.materialize([returns_a_result], resources={"io_manager": io_manager})
    assert accepted.success


def test_asking_for_an_upstream_value_fails_naming_deps():
    from audience_assets.resources.handoff import SqlHandoffIOManager

    @dg.asset
    def upstream() -> dg.MaterializeResult:
        return dg.MaterializeResult()

    @dg.asset
    def downstream(upstream: object) -> dg.MaterializeResult:
        return dg.MaterializeResult()

    result = dg.materialize([upstream, downstream],
                            resources={"io_manager": SqlHandoffIOManager()},
                            raise_on_error=False)
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    assert "`deps`" in str(failure.step_failure_data.error)
