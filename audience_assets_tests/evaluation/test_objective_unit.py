"""The objective table's arithmetic on runs built from data, and the inputs' checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audience_assets.drafting.writing.llm import ModelMissing
from audience_assets.evaluation.objective import (
    COLUMNS,
    check_models,
    summarize,
    table_text,
    write_outputs,
)
from audience_assets.evaluation.runs import (
    EvaluationInputError,
    ModelRun,
    load_run,
    read_sheets,
    study_sheets,
)
from audience_assets_tests.evaluation.helpers import attempt, draft, run_of


def test_the_study_sheets_are_the_five_of_the_study() -> None:
    sheets = study_sheets()
    assert [(s.title, s.unique_viewers, s.avg_audience, s.share) for s in sheets] == [
        ("@basuraotesoro", 105_000, 35_000, 8.5),
        ("@laruletasuerte", 2_620_000, 1_206_000, 15.7),
        ("@navedelmisterio", 4_624_000, 794_000, 7.4),
        ("@eldebatedegh", 3_207_000, 932_000, 11.9),
        ("Final Supercopa de España @realmadrid vs @fcbarcelona_es", 2_648_000, 1_680_000, 13.1),
    ]
    assert sheets[4].event == "" and sheets[1].channel == "@antena3com"


def test_summary_of_a_model_counts_as_the_study_did() -> None:
    sheets = [s.to_dict() for s in study_sheets()[:3]]
    drafts = [
        # valid at once; its 1 s of load inside the attempt is load, not generation
        draft(sheets[0], [attempt(1, "a", True, latency=4.0, eval_count=30, eval_s=1.0,
                                  load_ns=1_000_000_000)], "m"),
        draft(sheets[1], [attempt(1, "b", False, ("data.order", "style.compound_past")),
                          attempt(2, "c", False, ("data.order",)),
                          attempt(3, "d", True)], "m"),
        draft(sheets[2], [attempt(1, "e", False, ("data.order",)),
                          attempt(2, "f", False, ("hashtags.count",)),
                          attempt(3, "g", False, ("hashtags.count",))], "m"),
    ]
    summary = summarize(ModelRun("m", "x" * 64, {}, 2.5, 700 * 2**20, 0, 4096, 30.0, drafts))
    assert summary.mean_attempts == pytest.approx(7 / 3)
    assert summary.median_attempts == 3
    assert summary.first_attempt_valid == pytest.approx(1 / 3)
    assert summary.never_valid == pytest.approx(1 / 3)
    # 7 attempts: 4 s + 6 x 2 s, minus 1 s of load, over 2 valid posts
    assert summary.seconds_per_valid == pytest.approx((4 + 12 - 1) / 2)
    assert summary.load_s == pytest.approx(3.5)
    assert summary.tokens_per_s == pytest.approx((30 + 6 * 40) / 7)
    assert summary.top_rules == (("data.order", 3), ("hashtags.count", 2),
                                 ("style.compound_past", 1))
    row = summary.row()
    assert list(row) == list(COLUMNS)
    assert row["never valid"] == "33%" and row["MB (size / vram)"] == "700 / 0"


def test_a_model_never_valid_has_no_seconds_per_valid_post(tmp_path: Path) -> None:
    run = run_of(["m"], n_sheets=1)
    run.models[0].drafts = [draft(run.sheets[0], [attempt(1, "x", False, ("data.missing",))],
                                  "m")]
    summary = summarize(run.models[0])
    assert summary.seconds_per_valid is None and summary.row()["s per valid post"] == "∞"
    run.run_id = "r1"
    paths = write_outputs(run, tmp_path)
    assert json.loads(paths["json"].read_text())["models"][0]["seconds_per_valid_post"] is None
    import csv
    row = next(csv.DictReader(paths["csv"].open(encoding="utf-8")))
    assert row["seconds_per_valid_post"] == "" and float(row["never_valid"]) == 1.0
    assert paths["chart"].read_bytes()[:4] == b"\x89PNG"
    assert "| m " in table_text([summary])
    again = load_run(tmp_path)
    assert again.drafts_sha256 == run.drafts_sha256 and again.inputs_sha256 == run.inputs_sha256


def test_inputs_hash_follows_what_decides_the_drafts() -> None:
    a, b = run_of(["m"]), run_of(["m"])
    b.created, b.host = "2030-01-01", "http://elsewhere:11434"
    assert a.inputs_sha256 == b.inputs_sha256
    b.options = {**b.options, "seed": 43}
    assert a.inputs_sha256 != b.inputs_sha256
    c = run_of(["m"])
    c.models[0].digest = "e" * 64  # same tag, other weights
    assert a.inputs_sha256 != c.inputs_sha256


def test_missing_models_are_named_before_any_request() -> None:
    with pytest.raises(ModelMissing, match=r"qwen2\.5:14b, x:1b: not on Ollama at h .*has a:1b"):
        check_models(["a:1b", "qwen2.5:14b", "x:1b"], {"a:1b": {}}, host="h")


def test_bad_sheet_files_say_where(tmp_path: Path) -> None:
    bad = tmp_path / "s.jsonl"
    bad.write_text('{"title": "@a", "channel": "@b"}\n', encoding="utf-8")
    with pytest.raises(EvaluationInputError, match=r"s\.jsonl: fact sheet 1: fact sheet lacks"):
        read_sheets(bad)
    bad.write_text('{"title": 1}\nnot json\n', encoding="utf-8")
    with pytest.raises(EvaluationInputError, match=r"s\.jsonl:2: not JSON"):
        read_sheets(bad)
    with pytest.raises(EvaluationInputError, match="cannot read"):
        read_sheets(tmp_path / "none.jsonl")


@pytest.mark.parametrize(("args", "message"), [
    (["--models", " , "], "--models names no model"),
    (["--models", "a:1b,a:1b"], "--models names a model twice"),
    (["--models", "a:1b", "--mode", "poetic"], "--mode: unknown writer 'poetic'"),
    (["--models", "a:1b", "--mode", "template"], "--mode template: no model writes"),
    (["--models", "a:1b", "--attempts", "0"], "--attempts must be at least 1"),
    (["--models", "a:1b", "--date", "2026-13-01"], "is not a date"),
])
def test_bad_objective_arguments_exit_2_before_any_request(args, message, capsys) -> None:
    from audience_assets.cli import main

    assert main(["evaluate", "objective", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_date_reads_the_days_fact_sheets_from_the_database(tmp_path, monkeypatch, capsys) -> None:
    from audience_assets.analysis.store import replace_fact_sheets
    from audience_assets.cli import main
    from audience_assets.cli.evaluate import _sheets_of_date
    from audience_assets.sql.engine import make_engine

    url = f"sqlite:///{tmp_path / 'a.db'}"
    replace_fact_sheets(make_engine(url), "2026-11-16", study_sheets()[:2])
    monkeypatch.setenv("AUDIENCE_DB_URL", url)
    assert [s.title for s in _sheets_of_date("2026-11-16")] == ["@basuraotesoro",
                                                               "@laruletasuerte"]
    assert main(["evaluate", "objective", "--models", "a:1b", "--date", "2026-11-17"]) == 2
    assert "no fact sheets dated 2026-11-17" in capsys.readouterr().err


def test_the_objective_defaults_to_the_production_writer() -> None:
    from audience_assets.cli import build_parser

    args = build_parser().parse_args(["evaluate", "objective", "--models", "a:1b"])
    assert args.mode == "natural"
