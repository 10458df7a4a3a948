"""Network facts stated once (audience_assets/networks.py): the prompts, the validator,
the desk and the CLIs read them, a client may only lower a limit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from audience_assets.drafting.validation import load_config, validate
from audience_assets.drafting.validation.config import DEFAULT_DIR, ValidatorConfigError
from audience_assets.drafting.writing.prompts import NETWORK_LIMITS
from audience_assets.networks import NETWORK_KEYS, NETWORKS, network
from audience_assets_tests.drafting.validation.corpus_data import fact_sheets

PACKAGE = Path(__file__).resolve().parents[1] / "audience_assets"
GOOD = ("El programa @laruletasuerte de @antena3com consiguió 2.620.000 espectadores únicos, "
        "1.250.000 de audiencia media y un 15.7% de cuota. 🎡📺 #LaRuletaDeLaSuerte "
        "#Audiencias")


def test_the_facts() -> None:
    assert NETWORK_KEYS == ("x", "bluesky", "threads")
    assert [(n.limit, n.unit) for n in NETWORKS.values()] == [
        (280, "caracteres ponderados"), (300, "grafemas"), (500, "caracteres")]
    with pytest.raises(ValueError, match="unknown network 'myspace': expected one of x, "):
        network("myspace")


def test_the_prompts_state_the_networks_limits_as_before() -> None:
    # The exact strings the prompts were evaluated with (benchmarks compare renders).
    assert NETWORK_LIMITS == {
        "x": "X (Twitter): como máximo 280 caracteres; cada emoji cuenta como 2",
        "bluesky": "Bluesky: como máximo 300 caracteres",
        "threads": "Threads: como máximo 500 caracteres",
    }


def test_the_validator_uses_the_network_limits_and_a_client_may_lower_one(tmp_path) -> None:
    limits = load_config().settings.limits
    assert (limits.x, limits.bluesky, limits.threads) == (280, 300, 500)
    sheet = fact_sheets()["ruleta"]
    assert "length.limit" not in validate(GOOD, sheet, "x").rules
    shutil.copytree(DEFAULT_DIR, tmp_path / "cfg")
    settings = tmp_path / "cfg" / "settings.yaml"
    settings.write_text(settings.read_text() + "limits: {x: 100}\n")
    lowered = validate(GOOD, sheet, "x", config=load_config(tmp_path / "cfg"))
    assert "length.limit" in lowered.rules
    message = next(v.message for v in lowered.violations if v.rule == "length.limit")
    assert message.endswith("caracteres ponderados (máximo 100).")
    shutil.copytree(DEFAULT_DIR, tmp_path / "cfg2")
    settings = tmp_path / "cfg2" / "settings.yaml"
    settings.write_text(settings.read_text() + "limits: {bluesky: 301}\n")
    with pytest.raises(ValidatorConfigError, match="bluesky"):
        load_config(tmp_path / "cfg2")


def test_no_other_module_states_a_network_unit_or_limit_rule() -> None:
    """The facts' Spanish words appear in networks.py only."""
    words = ("caracteres ponderados", "grafemas", "como máximo 280", "como máximo 300",
             "como máximo 500")
    stated = [f"{path.relative_to(PACKAGE)}: {word}"
              for path in PACKAGE.rglob("*.py") if path.name != "networks.py"
              for word in words if word in path.read_text(encoding="utf-8")]
    assert stated == []
