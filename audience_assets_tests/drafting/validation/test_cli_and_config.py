"""`audience validate-tweet`, the configuration loader, the figure helpers, the naive check."""

from __future__ import annotations

import json
import shutil

import pytest

from audience_assets.cli import main
from audience_assets.drafting.validation import (
    ValidatorConfigError,
    format_figure,
    format_share,
    format_viewers,
    load_config,
    validate,
)
from audience_assets.drafting.validation.config import DEFAULT_DIR
from audience_assets_tests.drafting.validation.corpus_data import fact_sheets, load
from audience_lab.naive import naive_check, naive_failures

RULETA = fact_sheets()["ruleta"]
GOOD = load("clean")[0].text


def test_cli_jsonl_prints_one_verdict_per_line(tmp_path, capsys):
    lines = [{"id": 1, "record": RULETA, "text": GOOD, "network": "x"},
             {"id": "b", "record": RULETA, "text": GOOD.replace("consiguió", "ha conseguido"),
              "network": "bluesky"}]
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n")
    assert main(["validate-tweet", "--input", str(path)]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert out[0] == {"id": 1, "valid": True, "violations": []}
    assert out[1]["id"] == "b" and out[1]["valid"] is False
    assert [v["rule"] for v in out[1]["violations"]] == ["style.tense"]
    assert set(out[1]["violations"][0]) == {"rule", "message"}


def test_cli_single_post(tmp_path, capsys):
    record = tmp_path / "sheet.json"
    record.write_text(json.dumps(RULETA))
    assert main(["validate-tweet", "--record", str(record), "--text", "Hola"]) == 0
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["valid"] is False
    assert "words.banned" in {v["rule"] for v in verdict["violations"]}


@pytest.mark.parametrize("content", ["not json\n", '{"id": 1, "text": "x"}\n',
                                     '{"id": 1, "record": {"title": "x"}, "text": "x"}\n',
                                     '{"id": 1, "record": {}, "text": "x", "network": "fax"}\n'])
def test_cli_unreadable_input_exits_2_with_one_line(tmp_path, capsys, content):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": 0, "record": RULETA, "text": GOOD}) + "\n" + content)
    assert main(["validate-tweet", "--input", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing printed before the whole input was read
    assert len(captured.err.strip().splitlines()) == 1 and "bad.jsonl:2" in captured.err


def test_cli_missing_file_and_bad_arguments(tmp_path, capsys):
    assert main(["validate-tweet", "--input", str(tmp_path / "none.jsonl")]) == 2
    assert main(["validate-tweet"]) == 2
    assert main(["validate-tweet", "--record", str(tmp_path / "x.json")]) == 2
    assert "audience validate-tweet:" in capsys.readouterr().err


def test_config_errors_name_the_file_and_entry(tmp_path):
    shutil.copytree(DEFAULT_DIR, tmp_path / "cfg")
    words = tmp_path / "cfg" / "words.yaml"
    words.write_text(words.read_text().replace("\nbanned:", "\nbaned:", 1))
    with pytest.raises(ValidatorConfigError, match=r"words\.yaml: .*banned"):
        load_config(tmp_path / "cfg")
    shutil.copytree(DEFAULT_DIR, tmp_path / "cfg2")
    (tmp_path / "cfg2" / "settings.yaml").write_text("limits: [\n")
    with pytest.raises(ValidatorConfigError, match=r"settings\.yaml: not valid YAML"):
        load_config(tmp_path / "cfg2")
    with pytest.raises(ValidatorConfigError, match="not found"):
        load_config(tmp_path / "nowhere")


def test_banned_words_are_client_editable(tmp_path):
    shutil.copytree(DEFAULT_DIR, tmp_path / "cfg")
    words = tmp_path / "cfg" / "words.yaml"
    words.write_text(words.read_text().replace("\nbanned:\n", "\nbanned:\n  - concurso\n", 1))
    config = load_config(tmp_path / "cfg")
    text = GOOD.replace("El programa", "El concurso")
    assert validate(text, RULETA).valid
    assert "words.banned" in validate(text, RULETA, config=config).rules


def test_format_figures_as_the_client_writes_them():
    assert format_viewers(2620000) == "2.620.000"
    assert format_viewers(35000) == "35.000"
    assert format_share(15.7) == "15.7%"
    assert format_share(8) == "8.0%"
    assert format_figure(1206000, "avg_audience") == "1.206.000"
    assert format_figure(13.1, "share") == "13.1%"
    with pytest.raises(ValueError):
        format_figure(1, "rating")


def test_naive_check_passes_what_the_strict_validator_rejects():
    sloppy = GOOD.replace("consiguió", "ha conseguido").replace("#Audiencias", "#TVRatings")
    assert naive_check(sloppy, RULETA)
    assert not validate(sloppy, RULETA).valid
    assert naive_check(GOOD, RULETA)
    assert "missing number 1.206.000" in naive_failures(GOOD.replace("1.206.000", "1,2 M"), RULETA)
    assert not naive_check("Hola " + GOOD, RULETA)
    assert not naive_check(GOOD.replace(" #Audiencias", ""), RULETA)
