"""Evaluation runs on disk: what went in (models with digests, prompts, validator,
fact sheets, options, seeds) and what came out (every draft and attempt).

A run is a folder: `run.json` (the record, drafts included) beside the tables and
charts made from it. `inputs_sha256` hashes everything that decides the drafts, so
two runs with the same inputs share it; `drafts_sha256` hashes the drafts'
texts, so a deterministic server (temperature 0, a seed) gives equal ones.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from audience_assets.records import FactSheet

REPO_ROOT = Path(__file__).resolve().parents[2]
STUDY_SHEETS_FILE = REPO_ROOT / "data" / "evaluation" / "study_fact_sheets.jsonl"
VALIDATION_DIR = REPO_ROOT / "audience_assets" / "drafting" / "validation"
RUN_FILE = "run.json"
RUN_FORMAT = 1


class EvaluationInputError(ValueError):
    """An input file of an evaluation (fact sheets, run, form, key) cannot be used."""


def read_sheets(path: str | Path) -> list[FactSheet]:
    """Fact sheets from JSON lines (as `audience select` prints), a JSON list or object."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EvaluationInputError(f"cannot read {path}: {exc.strerror}") from None
    try:
        data: Any = json.loads(text)
        items = data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        items = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise EvaluationInputError(f"{path}:{number}: not JSON ({exc.msg})") from None
    sheets = []
    for number, item in enumerate(items, 1):
        try:
            sheets.append(FactSheet.from_dict(item))
        except (ValueError, TypeError, AttributeError) as exc:
            raise EvaluationInputError(f"{path}: fact sheet {number}: {exc}") from None
    if not sheets:
        raise EvaluationInputError(f"{path}: no fact sheet")
    return sheets


def study_sheets() -> list[FactSheet]:
    """The five public fact sheets of the seed study (DOMAIN.md)."""
    return read_sheets(STUDY_SHEETS_FILE)


def sha256_json(value: Any) -> str:
    data = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def validator_fingerprint(config_dir: Path | None = None) -> dict[str, Any]:
    """The validator's configuration version and a hash of its code and word lists:
    a figure measured under one validator is not comparable with another's."""
    from audience_assets.drafting.validation import load_config

    config = load_config(config_dir)
    digest = hashlib.sha256()
    files = sorted(VALIDATION_DIR.glob("*.py")) + sorted(Path(config.directory).glob("*.yaml"))
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return {"config_version": config.settings.version, "sha256": digest.hexdigest(),
            "config_dir": config.directory}


@dataclass
class ModelRun:
    """One model's part of a run."""

    model: str
    digest: str
    details: dict[str, Any]
    load_s: float
    memory_bytes: int
    vram_bytes: int
    context_length: int
    wall_s: float
    drafts: list[dict[str, Any]]  # Draft.to_dict() per fact sheet, in the sheets' order


@dataclass
class EvaluationRun:
    run_id: str
    created: str
    host: str
    mode: str
    network: str
    max_attempts: int
    options: dict[str, Any]
    prompts: dict[str, str]  # prompt name -> sha256
    validator: dict[str, Any]
    sheets: list[dict[str, Any]]
    models: list[ModelRun] = field(default_factory=list)
    format: int = RUN_FORMAT

    def inputs(self) -> dict[str, Any]:
        """Everything that decides the drafts (not the time, host or results)."""
        return {
            "mode": self.mode, "network": self.network, "max_attempts": self.max_attempts,
            "options": self.options, "prompts": self.prompts,
            "validator": {k: v for k, v in self.validator.items() if k != "config_dir"},
            "sheets": self.sheets,
            "models": [{"model": m.model, "digest": m.digest} for m in self.models],
        }

    @property
    def inputs_sha256(self) -> str:
        return sha256_json(self.inputs())

    def draft_set(self) -> list[dict[str, Any]]:
        """The texts of every attempt, per model and fact sheet."""
        return [{"model": m.model, "sheet": d["sheet_key"],
                 "attempts": [a["text"] for a in d["attempts"]]}
                for m in self.models for d in m.drafts]

    @property
    def drafts_sha256(self) -> str:
        return sha256_json(self.draft_set())

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["inputs_sha256"] = self.inputs_sha256
        data["drafts_sha256"] = self.drafts_sha256
        return data

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / RUN_FILE
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
        return path

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvaluationRun:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["models"] = [ModelRun(**m) for m in data.get("models", [])]
        return cls(**values)


def load_run(path: str | Path) -> EvaluationRun:
    """A run from its folder or its run.json."""
    path = Path(path)
    if path.is_dir():
        path = path / RUN_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EvaluationInputError(f"cannot read run {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise EvaluationInputError(f"{path}: not JSON ({exc.msg})") from None
    if not isinstance(data, dict) or data.get("format") != RUN_FORMAT:
        raise EvaluationInputError(f"{path}: not an evaluation run (format {RUN_FORMAT})")
    try:
        return EvaluationRun.from_dict(data)
    except TypeError as exc:
        raise EvaluationInputError(f"{path}: malformed run ({exc})") from None
