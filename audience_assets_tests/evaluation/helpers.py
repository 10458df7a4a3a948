"""Evaluation runs built from data (no server) and a reviewer who fills forms
programmatically, as a person would in Excel."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from audience_assets.evaluation import forms as F
from audience_assets.evaluation.runs import EvaluationRun, ModelRun, study_sheets


def attempt(number: int, text: str, valid: bool, rules: tuple[str, ...] = (),
            latency: float = 2.0, eval_count: int = 40, eval_s: float = 1.0,
            load_ns: int = 0) -> dict[str, Any]:
    return {"number": number, "writer": "guided", "text": text, "valid": valid,
            "violations": [{"rule": r, "message": r, "span": None} for r in rules],
            "latency_s": latency, "eval_count": eval_count,
            "eval_duration_ns": int(eval_s * 1e9), "prompt_eval_count": 100,
            "load_duration_ns": load_ns, "error": ""}


def draft(sheet: dict[str, Any], attempts: list[dict[str, Any]], model: str) -> dict[str, Any]:
    valid = bool(attempts) and attempts[-1]["valid"]
    return {"sheet_key": f"|{sheet['channel']}||{sheet['title']}|Total Individuos (4+)|"
                         "Total España",
            "fact_sheet": sheet, "text": attempts[-1]["text"] if attempts else "",
            "network": "x", "mode": "guided", "writer": "guided", "model": model,
            "prompt_name": "drafting/guided.v1", "prompt_sha256": "0" * 64, "valid": valid,
            "violations": [] if valid else attempts[-1]["violations"], "fell_back": False,
            "attempts": attempts, "attempt_count": len(attempts)}


def run_of(models: list[str], n_sheets: int = 3) -> EvaluationRun:
    """Every model writes a valid post per fact sheet, on the first attempt."""
    sheets = [s.to_dict() for s in study_sheets()[:n_sheets]]
    run = EvaluationRun(run_id="20260101T000000Z-test0001", created="2026-01-01T00:00:00+00:00",
                        host="", mode="guided", network="x", max_attempts=3,
                        options={"temperature": 0, "seed": 42}, prompts={},
                        validator={"config_version": 1, "sha256": "0"}, sheets=sheets)
    for i, m in enumerate(models):
        drafts = [draft(s, [attempt(1, f"Post {i} sobre {s['title']} #a #b 📺📊", True)], m)
                  for s in sheets]
        run.models.append(ModelRun(m, "d" * 64, {}, 1.0, 500 * 2**20, 0, 4096, 10.0, drafts))
    return run


Scorer = Callable[[str, str, str, int], Any]  # (reviewer, model, criterion, sheet) -> value


def key_of(folder: Path) -> dict[str, Any]:
    return json.loads((folder / F.KEY_FILE).read_text(encoding="utf-8"))


def fill_xlsx(path: Path, key: dict[str, Any], level: str | None, score: Scorer,
              best: Callable[[str, str, int], bool], out: Path | None = None) -> Path:
    wb = load_workbook(path)
    ws = wb[F.SHEET_NAME]
    reviewer = ws[F.REVIEWER_CELL].value
    ws[F.LEVEL_CELL] = level
    for row in range(F.HEADER_ROW + 1, ws.max_row + 1):
        code = ws.cell(row=row, column=F.COL_CODE).value
        if not code:
            continue
        entry = key["codes"][code]
        if best(reviewer, entry["model"], entry["sheet"]):
            ws.cell(row=row, column=F.COL_BEST, value=F.BEST_MARK)
        for i, cid in enumerate(F.CRITERION_IDS):
            ws.cell(row=row, column=F.FIRST_SCORE_COL + i,
                    value=score(reviewer, entry["model"], cid, entry["sheet"]))
    target = out or path.with_name(path.stem + "_lleno.xlsx")
    wb.save(target)
    return target
