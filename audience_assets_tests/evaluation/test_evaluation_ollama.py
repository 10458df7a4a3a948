"""The objective evaluation against the real Ollama started by scripts/ollama, with
both bundled models. Kept cheap: the free writer (no sampling grammar) with short
answers (3 fact sheets, 2 attempts), so most attempts fail and the loop, the rules
and the timings are all exercised; temperature 0 and a seed, so a re-run must give
the same drafts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import dagster as dg
import pytest

from audience_assets.cli import main
from audience_assets.drafting.validation import RULE_IDS
from audience_assets.evaluation.assets import ModelEvaluationConfig, model_evaluation
from audience_assets.evaluation.objective import (
    COLUMNS,
    RunSpec,
    run_evaluation,
    summaries,
    table_text,
)
from audience_assets.evaluation.runs import EvaluationRun, load_run, study_sheets
from audience_assets.resources.llm import OllamaResource
from audience_assets.resources.storage import StorageResource
from audience_assets_tests.fixtures.ollama import GEMMA_BASE, QWEN, OllamaServer

pytestmark = pytest.mark.integration

# One thread: two threads of a runner wait on each other when other work shares the
# two cores (CI, a busy machine), which costs far more than the second thread gains.
OPTIONS = {"temperature": 0, "seed": 42, "num_predict": 32, "num_ctx": 2048, "num_thread": 1}


@pytest.fixture(scope="module")
def small_run(ollama_server: OllamaServer) -> EvaluationRun:
    spec = RunSpec(models=(QWEN, GEMMA_BASE), sheets=tuple(study_sheets()[:3]), mode="free",
                   max_attempts=2, options=OPTIONS, host=ollama_server.host)
    return run_evaluation(ollama_server.client(), spec)


def test_a_small_run_gives_the_table_with_plausible_values(
    small_run: EvaluationRun, ollama_server: OllamaServer
) -> None:
    tags = {m.model: m.digest for m in ollama_server.client().list().models}
    assert [m.model for m in small_run.models] == [QWEN, GEMMA_BASE]
    for model_run in small_run.models:
        assert model_run.digest == tags[model_run.model] and len(model_run.digest) == 64
        assert 100 * 2**20 < model_run.memory_bytes < 4 * 2**30  # sub-1B models, loaded
        assert 0 <= model_run.vram_bytes <= model_run.memory_bytes
        assert model_run.load_s > 0 and len(model_run.drafts) == 3
    assert small_run.prompts["drafting/free.v1"] and small_run.validator["sha256"]
    rows = summaries(small_run)
    for row in rows:
        assert 1 <= row.median_attempts <= 2 and 1 <= row.mean_attempts <= 2
        assert 0 <= row.first_attempt_valid <= 1 - row.never_valid + 1e-9
        assert (row.seconds_per_valid is None) == (row.valid_posts == 0)
        assert 0.5 < row.tokens_per_s < 2000
        assert row.generation_s > 0
        rules = {r for r, _ in row.top_rules}
        assert rules <= {*RULE_IDS, "writer.output", "invalid"}
        assert row.never_valid == 0 or rules  # what failed is named
    table = table_text(rows)
    lines = table.splitlines()
    assert all(c in lines[0] for c in COLUMNS) and len(lines) == 4
    assert QWEN in lines[2] and GEMMA_BASE in lines[3]


def test_the_cli_prints_the_table_and_a_rerun_reproduces_the_drafts(
    small_run: EvaluationRun, ollama_server: OllamaServer, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", ollama_server.host)
    sheets = tmp_path / "sheets.jsonl"
    sheets.write_text(json.dumps(study_sheets()[0].to_dict()) + "\n", encoding="utf-8")
    args = ["evaluate", "objective", "--models", QWEN, "--sheets", str(sheets),
            "--attempts", "1", "--mode", "free", "--num-predict", "32", "--num-ctx", "2048",
            "--num-thread", "1"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"\| {re.escape(QWEN)} +\| 1 +\|", out), out
    assert main([*args, "--out", str(tmp_path / "b")]) == 0
    first, second = load_run(tmp_path / "a"), load_run(tmp_path / "b")
    assert first.inputs_sha256 == second.inputs_sha256
    assert first.draft_set() == second.draft_set()
    # The same model, writer, seed and sheet inside the larger run wrote the same text.
    assert second.draft_set()[0]["attempts"] == [
        small_run.models[0].drafts[0]["attempts"][0]["text"]]
    for name in ("objective.csv", "objective.json", "objective.png", "drafts.jsonl"):
        assert (tmp_path / "a" / name).stat().st_size > 0


def test_an_unknown_model_is_refused_before_any_work(
    ollama_server: OllamaServer, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", ollama_server.host)
    assert main(["evaluate", "objective", "--models", f"{QWEN},nope:1b"]) == 1
    err = capsys.readouterr().err
    assert "nope:1b: not on Ollama" in err and QWEN in err


def test_the_asset_shows_the_table_in_its_metadata(
    ollama_server: OllamaServer, tmp_path: Path
) -> None:
    sheets = tmp_path / "one.jsonl"
    sheets.write_text(json.dumps(study_sheets()[4].to_dict()) + "\n", encoding="utf-8")
    result = dg.materialize(
        [model_evaluation],
        resources={"llm": OllamaResource(host=ollama_server.host, num_predict=32, num_ctx=2048,
                                          num_thread=1),
                   "storage": StorageResource(output_dir=str(tmp_path / "out"))},
        run_config=dg.RunConfig(ops={"model_evaluation": ModelEvaluationConfig(
            models=[GEMMA_BASE], sheets_file=str(sheets), mode="free", max_attempts=1)}),
    )
    assert result.success
    [materialization] = result.asset_materializations_for_node("model_evaluation")
    metadata = materialization.metadata
    assert GEMMA_BASE in metadata["table"].value and "mean attempts" in metadata["table"].value
    [row] = metadata["per_model"].value
    assert row["model"] == GEMMA_BASE and row["mean_attempts"] == 1
    assert Path(metadata["run_folder"].value, "run.json").is_file()
