"""The validator's evaluation corpora (corpus/*.jsonl) and the fact sheets they use.

clean.jsonl: posts that break no rule. defects.jsonl: posts with the rule ids
they break (`expected`). `batch: holdout` marks posts written and labelled
before the validator first ran on them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CORPUS_DIR = Path(__file__).parent / "corpus"
# Rules added after these corpora were labelled, not scored on them: data.scope (issue
# 21) flags the study's `debate` sheet (national figures, an Andalucía event) in every
# post that does not say the figures are national, which the corpora's authors did
# not ask for. benchmarks/validator_eval.py leaves them out as well.
NEWER_RULES = frozenset({"data.scope"})


@dataclass(frozen=True)
class Sample:
    id: str
    sheet_name: str
    sheet: dict[str, Any]
    text: str
    network: str
    expected: frozenset[str]
    batch: str


def fact_sheets() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads(
        (CORPUS_DIR / "fact_sheets.json").read_text(encoding="utf-8"))
    return data


def load(name: str) -> list[Sample]:
    sheets = fact_sheets()
    samples = []
    for line in (CORPUS_DIR / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        samples.append(Sample(
            id=item["id"], sheet_name=item["sheet"], sheet=sheets[item["sheet"]],
            text=item["text"], network=item.get("network", "x"),
            expected=frozenset(item.get("expected", [])), batch=item.get("batch", "main")))
    return samples
