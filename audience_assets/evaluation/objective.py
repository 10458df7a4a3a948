"""The study's objective evaluation: every model drafts the same fact sheets with the
same writer, judged by the strict validator, no template fallback.

Per model: attempts until a valid post (mean, median; a fact sheet never valid
counts all its attempts, as in the study), first-attempt validity, share never
valid, seconds of generation per valid post, decode tokens/s, the load time
apart (the model is unloaded, then loaded by an empty request, so no attempt
pays it), the memory Ollama reports for the loaded model (/api/ps: size and
size_vram) and the rules that failed most.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import ollama

from audience_assets.drafting.validation import validate
from audience_assets.drafting.writing import draft_post, make_writer
from audience_assets.drafting.writing.llm import (
    LLMError,
    LLMSettings,
    LLMUnavailable,
    ModelMissing,
    unavailable_message,
)
from audience_assets.evaluation.runs import (
    EvaluationRun,
    ModelRun,
    validator_fingerprint,
)
from audience_assets.records import FactSheet

DEFAULT_OPTIONS: dict[str, Any] = {"temperature": 0.0, "seed": 42, "num_predict": 160,
                                   "num_ctx": 4096}
KEEP_ALIVE = "10m"
TOP_RULES = 3
COLUMNS = ("model", "sheets", "mean attempts", "median attempts", "1st-attempt valid",
           "never valid", "s per valid post", "load s", "tokens/s", "MB (size / vram)",
           "rules failed most")

Progress = Callable[[str], None]


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _details(model: Any) -> dict[str, Any]:
    details = _get(model, "details")
    if details is None:
        return {}
    if hasattr(details, "model_dump"):
        details = details.model_dump()
    return {k: v for k, v in dict(details).items() if v not in (None, "", [])}


def available_models(client: Any, host: str = "") -> dict[str, Any]:
    """name -> the /api/tags entry of every model on the server."""
    try:
        listed = _get(client.list(), "models") or []
    except (ConnectionError, httpx.TransportError) as exc:
        raise LLMUnavailable(unavailable_message(host)) from exc
    return {str(_get(m, "model") or _get(m, "name")): m for m in listed}


def check_models(models: Sequence[str], available: Mapping[str, Any], host: str = "") -> None:
    """Every model before the first request: a typo must not cost an hour of the others."""
    missing = [m for m in models if m not in available]
    if missing:
        raise ModelMissing(
            f"{', '.join(missing)}: not on Ollama at {host or 'OLLAMA_HOST'} (it has "
            f"{', '.join(sorted(available)) or 'no model'}). Run `ollama pull MODEL` on that "
            "host; the bundled models are registered by `scripts/ollama start`.")


def unload(client: Any, model: str, wait_s: float = 15.0) -> None:
    """Ask the server to drop the model and wait until /api/ps no longer lists it."""
    client.generate(model=model, keep_alive=0)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        loaded = {str(_get(m, "model")) for m in (_get(client.ps(), "models") or [])}
        if model not in loaded:
            return
        time.sleep(0.2)


def load(client: Any, model: str, options: Mapping[str, Any]) -> float:
    """Seconds to load the model (an empty request loads it and generates nothing)."""
    started = time.perf_counter()
    reply = client.generate(model=model, prompt="", options=dict(options), keep_alive=KEEP_ALIVE)
    reported = _get(reply, "load_duration")
    return reported / 1e9 if reported else time.perf_counter() - started


def memory(client: Any, model: str) -> tuple[int, int, int]:
    """(size, size_vram, context_length) of the loaded model, from /api/ps."""
    for m in _get(client.ps(), "models") or []:
        if str(_get(m, "model")) == model:
            return (int(_get(m, "size") or 0), int(_get(m, "size_vram") or 0),
                    int(_get(m, "context_length") or 0))
    return (0, 0, 0)


@dataclass(frozen=True)
class RunSpec:
    models: tuple[str, ...]
    sheets: tuple[FactSheet, ...]
    mode: str = "guided"
    network: str = "x"
    max_attempts: int = 10
    options: Mapping[str, Any] | None = None
    host: str = ""
    timeout_retries: int = 2

    def llm_options(self) -> dict[str, Any]:
        return dict(DEFAULT_OPTIONS if self.options is None else self.options)


def run_id_for(spec_hash: str, now: dt.datetime) -> str:
    return f"{now:%Y%m%dT%H%M%SZ}-{spec_hash[:8]}"


def _prompts(writer: Any) -> dict[str, str]:
    """The prompts a writer renders (any writer make_writer knows: read by attribute)."""
    prompts: dict[str, str] = {}
    for attr in ("prompt", "feedback_prompt"):
        prompt: Any = getattr(writer, attr, None)
        name = str(getattr(prompt, "name", "") or "") if prompt is not None else ""
        if name:
            prompts[name] = str(prompt.sha256)
    return prompts


def run_evaluation(client: Any, spec: RunSpec, progress: Progress | None = None,
                   now: dt.datetime | None = None) -> EvaluationRun:
    """Every model on every fact sheet; models one after another, each alone in memory."""
    say = progress or (lambda _line: None)
    options = spec.llm_options()
    available = available_models(client, spec.host)
    check_models(spec.models, available, spec.host)
    created = now or dt.datetime.now(dt.UTC)
    run = EvaluationRun(
        run_id="", created=created.isoformat(timespec="seconds"), host=spec.host,
        mode=spec.mode, network=spec.network, max_attempts=spec.max_attempts,
        options=options, prompts={}, validator=validator_fingerprint(),
        sheets=[s.to_dict() for s in spec.sheets],
    )
    for model in spec.models:
        settings = LLMSettings(model=model, host=spec.host, options=options,
                               keep_alive=KEEP_ALIVE, timeout_retries=spec.timeout_retries)
        try:
            writer = make_writer(spec.mode, client, settings)
        except ValueError as exc:
            raise LLMError(str(exc)) from None
        run.prompts.update(_prompts(writer))
        started = time.perf_counter()
        try:
            unload(client, model)
            load_s = load(client, model, options)
        except (ConnectionError, httpx.TransportError) as exc:
            raise LLMUnavailable(unavailable_message(spec.host)) from exc
        except ollama.ResponseError as exc:
            raise LLMError(f"Ollama refused to load {model}: {exc.error}") from exc
        say(f"{model}: loaded in {load_s:.1f} s")
        drafts = []
        for i, sheet in enumerate(spec.sheets, 1):
            draft = draft_post(sheet, writer, validate, network=spec.network,
                               max_attempts=spec.max_attempts, fallback=None)
            drafts.append(draft.to_dict())
            say(f"{model} {i}/{len(spec.sheets)} {sheet.title}: "
                f"{'valid' if draft.valid else 'never valid'} after "
                f"{draft.attempt_count} attempt(s), {draft.llm_seconds:.1f} s")
        size, vram, context = memory(client, model)
        wall = time.perf_counter() - started
        unload(client, model)
        entry = available[model]
        run.models.append(ModelRun(
            model=model, digest=str(_get(entry, "digest") or ""), details=_details(entry),
            load_s=round(load_s, 3), memory_bytes=size, vram_bytes=vram,
            context_length=context, wall_s=round(wall, 3), drafts=drafts))
    run.run_id = run_id_for(run.inputs_sha256, created)
    return run


# --- the table -------------------------------------------------------------------


@dataclass(frozen=True)
class ModelSummary:
    model: str
    sheets: int
    mean_attempts: float
    median_attempts: float
    first_attempt_valid: float  # share of fact sheets
    never_valid: float  # share of fact sheets
    seconds_per_valid: float | None  # generation only; None when no post was valid
    load_s: float
    tokens_per_s: float
    memory_bytes: int
    vram_bytes: int
    top_rules: tuple[tuple[str, int], ...]
    generation_s: float
    valid_posts: int

    def row(self) -> dict[str, Any]:
        """The printed row (COLUMNS)."""
        return {
            "model": self.model,
            "sheets": self.sheets,
            "mean attempts": f"{self.mean_attempts:.2f}",
            "median attempts": f"{self.median_attempts:.1f}",
            "1st-attempt valid": f"{self.first_attempt_valid:.0%}",
            "never valid": f"{self.never_valid:.0%}",
            "s per valid post": ("∞" if self.seconds_per_valid is None
                                 else round(self.seconds_per_valid, 2)),
            "load s": round(self.load_s, 2),
            "tokens/s": round(self.tokens_per_s, 1),
            "MB (size / vram)": f"{self.memory_bytes / 2**20:,.0f} / "
                                f"{self.vram_bytes / 2**20:,.0f}",
            "rules failed most": ", ".join(f"{r} ({n})" for r, n in self.top_rules) or "-",
        }

    def record(self) -> dict[str, Any]:
        """Machine-readable (CSV/JSON): plain numbers, shares as fractions."""
        return {
            "model": self.model, "sheets": self.sheets,
            "mean_attempts": round(self.mean_attempts, 4),
            "median_attempts": self.median_attempts,
            "first_attempt_valid": round(self.first_attempt_valid, 4),
            "never_valid": round(self.never_valid, 4),
            "seconds_per_valid_post": (None if self.seconds_per_valid is None
                                       else round(self.seconds_per_valid, 3)),
            "generation_s": round(self.generation_s, 3), "valid_posts": self.valid_posts,
            "load_s": round(self.load_s, 3), "tokens_per_s": round(self.tokens_per_s, 2),
            "memory_mb": round(self.memory_bytes / 2**20, 1),
            "vram_mb": round(self.vram_bytes / 2**20, 1),
            "rules_failed_most": "; ".join(f"{r}={n}" for r, n in self.top_rules),
        }


def summarize(model_run: ModelRun) -> ModelSummary:
    drafts = model_run.drafts
    attempts = [d["attempt_count"] for d in drafts]
    model_attempts = [a for d in drafts for a in d["attempts"]]
    first_valid = sum(1 for d in drafts if d["attempts"] and d["attempts"][0]["valid"])
    valid = sum(1 for d in drafts if d["valid"])
    # A load that still happened inside an attempt (other options) is load, not generation.
    attempt_load = sum(a.get("load_duration_ns", 0) for a in model_attempts) / 1e9
    generation = sum(a["latency_s"] for a in model_attempts) - attempt_load
    eval_count = sum(a["eval_count"] for a in model_attempts)
    eval_s = sum(a["eval_duration_ns"] for a in model_attempts) / 1e9
    rules = Counter(str(v["rule"]) for a in model_attempts if not a["valid"]
                    for v in a["violations"])
    n = len(drafts)
    return ModelSummary(
        model=model_run.model, sheets=n,
        mean_attempts=statistics.mean(attempts) if attempts else 0.0,
        median_attempts=float(statistics.median(attempts)) if attempts else 0.0,
        first_attempt_valid=first_valid / n if n else 0.0,
        never_valid=(n - valid) / n if n else 0.0,
        seconds_per_valid=generation / valid if valid else None,
        load_s=model_run.load_s + attempt_load,
        tokens_per_s=eval_count / eval_s if eval_s else 0.0,
        memory_bytes=model_run.memory_bytes, vram_bytes=model_run.vram_bytes,
        top_rules=tuple(rules.most_common(TOP_RULES)),
        generation_s=generation, valid_posts=valid,
    )


def summaries(run: EvaluationRun) -> list[ModelSummary]:
    return [summarize(m) for m in run.models]


def table_text(rows: Sequence[ModelSummary], fmt: str = "github") -> str:
    from tabulate import tabulate

    return tabulate([r.row() for r in rows], headers="keys", tablefmt=fmt,
                     disable_numparse=True)


def header_text(run: EvaluationRun) -> str:
    return (f"run {run.run_id}: {len(run.sheets)} fact sheet(s), mode {run.mode}, network "
            f"{run.network}, at most {run.max_attempts} attempt(s), temperature "
            f"{run.options.get('temperature')}, seed {run.options.get('seed')}, host "
            f"{run.host or 'OLLAMA_HOST'}")


def chart_png(rows: Sequence[ModelSummary], title: str = "", dpi: int = 90) -> bytes:
    """Four panels, one bar per model: mean attempts, s per valid post, tokens/s, MB."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers; must precede pyplot
    import matplotlib.pyplot as plt

    from audience_assets.analysis.charts import figure_png

    names = [r.model for r in rows]
    panels: list[tuple[str, list[float | None]]] = [
        ("intentos medios", [r.mean_attempts for r in rows]),
        ("s por post válido", [r.seconds_per_valid for r in rows]),
        ("tokens/s", [r.tokens_per_s for r in rows]),
        ("memoria MB (total; oscuro: VRAM)", [r.memory_bytes / 2**20 for r in rows]),
    ]
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.5), dpi=dpi)
    try:
        for ax, (label, values) in zip(axes.flat, panels, strict=True):
            # A model never valid has no seconds per valid post: no bar (a 0 would read
            # as the fastest), its name marked instead.
            heights = [0.0 if v is None else v for v in values]
            ax.bar(range(len(names)), heights, color="tab:blue")
            for i, v in enumerate(values):
                if v is None:
                    ax.annotate("nunca válido", (i, 0), ha="center", va="bottom",
                                fontsize=7, color="tab:red")
            if label.startswith("memoria"):
                ax.bar(range(len(names)), [r.vram_bytes / 2**20 for r in rows],
                       color="tab:purple")
            ax.set_title(label, fontsize=9)
            ax.set_xticks(range(len(names)), names, rotation=20, ha="right", fontsize=7)
        if title:
            fig.suptitle(title, fontsize=9)
        return figure_png(fig)
    finally:
        plt.close(fig)


def write_outputs(run: EvaluationRun, folder: Path) -> dict[str, Path]:
    """run.json, objective.csv / .json, objective.png and drafts.jsonl in `folder`."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    rows = summaries(run)
    paths = {"run": run.save(folder)}
    records = [r.record() for r in rows]
    paths["csv"] = folder / "objective.csv"
    with paths["csv"].open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(records[0]) if records else ["model"])
        writer.writeheader()
        writer.writerows(records)
    paths["json"] = folder / "objective.json"
    paths["json"].write_text(json.dumps({
        "run_id": run.run_id, "inputs_sha256": run.inputs_sha256,
        "drafts_sha256": run.drafts_sha256, "models": records,
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    paths["chart"] = folder / "objective.png"
    paths["chart"].write_bytes(chart_png(rows, header_text(run)))
    paths["drafts"] = folder / "drafts.jsonl"
    with paths["drafts"].open("w", encoding="utf-8") as f:
        for m in run.models:
            for d in m.drafts:
                f.write(json.dumps({"model": m.model, "sheet": d["fact_sheet"]["title"],
                                    "valid": d["valid"], "attempts": d["attempt_count"],
                                    "text": d["text"]}, ensure_ascii=False) + "\n")
    return paths

