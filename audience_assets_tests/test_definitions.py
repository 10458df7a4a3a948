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
    "image_candidates": {"post_drafts"},
}


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)


def test_lineage_of_the_contract_assets():
    graph = defs.resolve_asset_graph()
    for key, parents in EXPECTED_PARENTS.items():
        node = graph.get(dg.AssetKey(key))
        assert {p.to_user_string() for p in node.parent_keys} >= parents, key


def test_every_asset_is_partitioned_by_broadcast_date():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        assert graph.get(key).partitions_def == broadcast_days, key.to_user_string()


def test_the_sensor_targets_the_daily_job_and_starts_running():
    sensor = defs.resolve_sensor_def("hot_folder_sensor")
    assert sensor.job_name == "daily_pipeline"
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING


def test_the_module_exposes_exactly_one_definitions_for_dagster_dev():
    import audience_assets.definitions as module

    found = [name for name, value in vars(module).items() if isinstance(value, dg.Definitions)]
    assert found == ["defs"]
