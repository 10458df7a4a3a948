"""`audience draft`: template mode needs no server; a server that is down is named."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from audience_assets.cli import main

SHEET = {"title": "@navedelmisterio", "channel": "@cuatro", "unique_viewers": 4_624_000,
         "avg_audience": 794_000, "share": 7.4, "event": "Lo más visto del día"}


def test_template_mode_prints_the_post_writer_attempts_and_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    record = tmp_path / "sheet.json"
    record.write_text(json.dumps(SHEET), encoding="utf-8")
    assert main(["draft", "--record", str(record), "--mode", "template"]) == 0
    out = capsys.readouterr().out
    assert "4.624.000" in out and "794.000" in out and "7.4%" in out and "@cuatro" in out
    assert "writer: template" in out and "attempts: 1" in out and "valid: yes" in out


def test_json_lines_in_json_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = tmp_path / "sheets.jsonl"
    other = {**SHEET, "title": "@laruletasuerte", "event": ""}
    record.write_text(json.dumps(SHEET) + "\n" + json.dumps(other) + "\n", encoding="utf-8")
    assert main(["draft", "--record", str(record), "--mode", "template", "--json"]) == 0
    drafts = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [d["fact_sheet"]["title"] for d in drafts] == ["@navedelmisterio", "@laruletasuerte"]
    assert all(d["valid"] and d["status"] == "pending_review" for d in drafts)


def test_server_down_exits_1_naming_ollama_host(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        host = f"http://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setenv("OLLAMA_HOST", host)
    record = tmp_path / "sheet.json"
    record.write_text(json.dumps(SHEET), encoding="utf-8")
    assert main(["draft", "--record", str(record), "--mode", "free"]) == 1
    err = capsys.readouterr().err
    assert host in err and "scripts/ollama start" in err


def test_a_sheet_without_figures_is_a_usage_error(tmp_path: Path) -> None:
    record = tmp_path / "sheet.json"
    record.write_text(json.dumps({"title": "@x", "channel": "@y"}), encoding="utf-8")
    assert main(["draft", "--record", str(record)]) == 2
