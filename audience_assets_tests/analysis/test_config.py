"""The analysis configuration refuses bad files with file, key and problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from audience_assets.analysis.config import AnalysisConfigError, load_analysis_config
from audience_assets_tests.analysis.helpers import BASE


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "analysis.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_bundled_configuration_loads() -> None:
    config = load_analysis_config()
    assert config.channel_handle("A3") == "@antena3com"
    assert config.channel_handle("UNKNOWN TV") == "UNKNOWN TV"
    assert config.event_phrase("day_top", "Jóvenes 13-24", "Total España") == (
        "Lo más visto del día entre los jóvenes")
    assert config.event_phrase("day_top", "Total Individuos (4+)", "Andalucía") == (
        "Lo más visto del día en Andalucía")
    assert config.event_phrase("golden_minute", "Total Individuos (4+)", "Total España",
                               "22:47") == "Minuto de oro del día a las 22:47"


@pytest.mark.parametrize(("change", "expected"), [
    ({"rules": {**BASE["rules"], "most_viewed": {}}}, "unknown rule 'most_viewed'"),
    ({"channels": {"A3": {"handle": "antena3"}}}, "channels.A3.handle: 'antena3' is not an"),
    ({"priority": BASE["priority"][1:]}, "priority lacks enabled rule(s): "
                                         "historical_record_unique_viewers"),
    ({"priority": [*BASE["priority"], "day_top"]}, "priority lists 'day_top' twice"),
    ({"rules": {**BASE["rules"], "day_top": {"event": "Lo más visto {cuando}"}}},
     "unknown placeholder {cuando}"),
    ({"rules": {**BASE["rules"], "day_top": {"targets": ["Niños"]}}},
     "rules.day_top.targets names 'Niños'"),
    ({"prime_time": {"start": "24:00", "end": "20:30"}}, "prime_time: Value error, start"),
    ({"anomalies": {"window_minutes": 20}}, "anomalies.window_minutes: must be odd"),
    ({"rank_metric": "likes"}, "rank_metric: Input should be"),
    ({"targets": {}}, "targets: names no target"),
    ({"season_start": "9-1"}, "season_start: '9-1' is not a month-day"),
    ({"thresholds": 3}, "thresholds: Extra inputs are not permitted"),
])
def test_invalid_settings_name_file_key_and_problem(tmp_path: Path, change: dict[str, object],
                                                    expected: str) -> None:
    path = write(tmp_path, {**BASE, **change})
    with pytest.raises(AnalysisConfigError) as error:
        load_analysis_config(path)
    message = str(error.value)
    assert message.startswith(f"{path}: ")
    assert expected.replace("Value error, ", "") in message


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(AnalysisConfigError, match="cannot read"):
        load_analysis_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nrules: {day_top: [\n", encoding="utf-8")
    with pytest.raises(AnalysisConfigError, match=r"line \d+: not valid YAML"):
        load_analysis_config(bad)
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(AnalysisConfigError, match="expected a mapping"):
        load_analysis_config(listing)
