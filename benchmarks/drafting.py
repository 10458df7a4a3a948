"""Drafting modes side by side: the study's method (baseline) vs free vs guided.

Same model, same fact sheets, one run: the five fact sheets of the study
(DOMAIN.md) plus synthetic ones (seeded). For each mode:

- baseline: the study's method: one instruction prompt (prompts/drafting/
  baseline.v1.md), no feedback, attempts counted until the study's naive
  check passes (at most --max-attempts); no fallback.
- free: the project's system prompt, violations of the strict validator fed
  back, up to --max-attempts, then the template fallback.
- guided: structured output (placeholders filled by code), same loop.

Every model draft is judged afterwards by the strict validator. Printed per
mode: mean attempts, first-attempt validity (strict), final validity of the
model's own drafts (strict; baseline: its naive-accepted draft), share that
fell back (baseline: never accepted), seconds per strictly valid model draft,
decode tokens/s, and the model's memory as `ps()` reports it.

    scripts/ollama start                      # prints the host URL
    OLLAMA_HOST=http://127.0.0.1:11434 .venv/bin/python benchmarks/drafting.py \
        [--model NAME] [--items 50] [--max-attempts 10] [--modes baseline,free,guided]

Any Ollama host and model work (e.g. a GPU host with qwen2.5:14b-instruct-q5_K_M).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ollama
from tabulate import tabulate

from audience_assets.drafting.validation import validate
from audience_assets.drafting.writing import FreeWriter, GuidedWriter, TemplateWriter, draft_post
from audience_assets.drafting.writing.llm import LLMSettings
from audience_assets.drafting.writing.loop import Draft
from audience_assets.drafting.writing.prompts import load_prompt
from audience_assets.evaluation.runs import study_sheets
from audience_assets.records import FactSheet
from audience_assets.resources.llm import DEFAULT_HOST, DEFAULT_MODEL
from audience_lab.naive import naive_failures

# The study's five (DOMAIN.md): one definition, shared with `audience evaluate`.
STUDY_SHEETS = study_sheets()

PROGRAMMES = [
    ("@telediario_tve", "@La1_tve", "INFORMACIÓN"), ("@noticias_a3", "@antena3com", "INFORMACIÓN"),
    ("@informativost5", "@telecincoes", "INFORMACIÓN"), ("@elhormiguero", "@antena3com",
                                                          "ENTRETENIMIENTO"),
    ("@larevuelta", "@La1_tve", "ENTRETENIMIENTO"), ("@pasapalabra", "@antena3com", "CONCURSOS"),
    ("@bocanadaverdad", "@laSextaTV", "INFORMACIÓN"), ("@elintermedio", "@laSextaTV",
                                                        "ENTRETENIMIENTO"),
    ("@cuartomilenio", "@cuatro", "ENTRETENIMIENTO"), ("@sueñosdelibertad", "@antena3com",
                                                        "FICCION"),
    ("@lapromesa", "@La1_tve", "FICCION"), ("@masterchef_es", "@La1_tve", "ENTRETENIMIENTO"),
    ("@aquiahoratv3", "@tv3cat", "INFORMACIÓN"), ("@lamanana_cs", "@canalsur", "ENTRETENIMIENTO"),
    ("@madridlive", "@telemadrid", "INFORMACIÓN"), ("@elchiringuito", "@megatv", "DEPORTES"),
]
EVENTS = ["", "", "Lo más visto del día", "Lo más visto del día por jóvenes",
          "Lo más visto del día en Andalucía", "Lo más visto del día en Cataluña",
          "Máximo histórico de espectadores únicos del programa",
          "Máximo de temporada de cuota del programa"]


def synthetic_sheets(n: int, seed: int = 2024) -> list[FactSheet]:
    rng = random.Random(seed)
    sheets = []
    for i in range(n):
        title, channel, genre = PROGRAMMES[i % len(PROGRAMMES)]
        reach = rng.randrange(80, 6_000) * 1000
        avg = max(10_000, int(reach * rng.uniform(0.1, 0.6)) // 1000 * 1000)
        sheets.append(FactSheet(title, channel, reach, avg, round(rng.uniform(2.0, 30.0), 1),
                                rng.choice(EVENTS), genre=genre, start=f"synthetic-{i}"))
    return sheets


@dataclass(frozen=True)
class NaiveVerdict:
    valid: bool
    violations: tuple[dict[str, Any], ...]


def naive_judge(text: str, sheet: FactSheet, network: str) -> NaiveVerdict:
    failures = naive_failures(text, sheet)
    return NaiveVerdict(not failures, tuple({"rule": "naive", "message": f, "span": None}
                                            for f in failures))


@dataclass
class ModeResult:
    mode: str
    drafts: list[Draft]
    first_valid: int
    final_valid: int  # model drafts (not the fallback) that pass the strict validator
    seconds: float
    memory: tuple[int, int]


def run_mode(mode: str, sheets: list[FactSheet], client: ollama.Client, settings: LLMSettings,
             max_attempts: int) -> ModeResult:
    if mode == "baseline":
        writer: Any = FreeWriter(client, settings, prompt=load_prompt("drafting/baseline.v1"),
                                 feedback_prompt=None, single_message=True, name="baseline")
        judge: Any = naive_judge
        fallback = None
    elif mode == "free":
        writer, judge, fallback = FreeWriter(client, settings), validate, TemplateWriter()
    else:
        writer, judge, fallback = GuidedWriter(client, settings), validate, TemplateWriter()
    drafts, first_valid, final_valid = [], 0, 0
    started = time.perf_counter()
    for i, sheet in enumerate(sheets, 1):
        draft = draft_post(sheet, writer, judge, max_attempts=max_attempts, fallback=fallback,
                           use_feedback=(mode != "baseline"))
        first = draft.attempts[0]
        if first.text and validate(first.text, sheet, "x").valid:
            first_valid += 1
        model_text = draft.text if not draft.fell_back else ""
        if model_text and draft.writer == writer.name and validate(model_text, sheet, "x").valid:
            final_valid += 1
        drafts.append(draft)
        print(f"  {mode} {i}/{len(sheets)}: {draft.attempt_count} attempt(s), "
              f"{draft.llm_seconds:.1f} s, {'fallback' if draft.fell_back else 'model'}",
              file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    loaded = [m for m in client.ps().models if m.model == settings.model]
    memory = (int(loaded[0].size or 0), int(loaded[0].size_vram or 0)) if loaded else (0, 0)
    return ModeResult(mode, drafts, first_valid, final_valid, seconds, memory)


def row(result: ModeResult, model: str) -> dict[str, Any]:
    n = len(result.drafts)
    attempts = [d.attempt_count for d in result.drafts]
    eval_count = sum(d.eval_count for d in result.drafts)
    eval_s = sum(d.eval_duration_ns for d in result.drafts) / 1e9
    llm_s = sum(d.llm_seconds for d in result.drafts)
    not_accepted = sum(1 for d in result.drafts if d.fell_back or not d.valid)
    return {
        "model": model,
        "mode": result.mode,
        "items": n,
        "mean attempts": round(statistics.mean(attempts), 2),
        "1st-attempt valid (strict)": f"{result.first_valid / n:.0%}",
        "model drafts valid (strict)": f"{result.final_valid / n:.0%}",
        "fell back / never accepted": f"{not_accepted / n:.0%}",
        "s per valid draft": (round(llm_s / result.final_valid, 2)
                              if result.final_valid else "∞"),
        "tokens/s": round(eval_count / eval_s, 1) if eval_s else 0.0,
        "model MB (size / vram)": f"{result.memory[0] / 2**20:,.0f} / "
                                  f"{result.memory[1] / 2**20:,.0f}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("OLLAMA_HOST") or DEFAULT_HOST)
    parser.add_argument("--model", default=os.environ.get("OLLAMA_MODEL") or DEFAULT_MODEL)
    parser.add_argument("--items", type=int, default=50,
                        help="fact sheets: the study's five, then synthetic ones")
    parser.add_argument("--max-attempts", type=int, default=10)
    parser.add_argument("--modes", default="baseline,free,guided")
    parser.add_argument("--temperature", type=float, default=0.7,
                        help="same for every mode; each attempt uses a new seed")
    parser.add_argument("--num-predict", type=int, default=160)
    parser.add_argument("--num-thread", type=int, default=0,
                        help="CPU threads for the model (0: Ollama's choice); 1 resists "
                             "a busy 2-core machine better")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--out", type=Path, help="also write every draft as JSON here")
    args = parser.parse_args(argv)

    sheets = (STUDY_SHEETS + synthetic_sheets(max(0, args.items - len(STUDY_SHEETS))))
    sheets = sheets[:args.items]
    client = ollama.Client(host=args.host, timeout=args.timeout)
    options: dict[str, Any] = {"temperature": args.temperature, "seed": 42,
                               "num_predict": args.num_predict, "num_ctx": 4096}
    if args.num_thread:
        options["num_thread"] = args.num_thread
    settings = LLMSettings(model=args.model, host=args.host, options=options, keep_alive="10m")
    # Load the model first, so that no mode pays the load.
    client.chat(args.model, [{"role": "user", "content": "Hola"}],
                options={**options, "num_predict": 1}, keep_alive="10m")
    results = []
    for mode in args.modes.split(","):
        print(f"{mode}: {len(sheets)} fact sheets on {args.model} at {args.host}",
              file=sys.stderr)
        results.append(run_mode(mode, sheets, client, settings, args.max_attempts))
        # Each mode's row as soon as it is known: a long run still shows something.
        print(json.dumps(row(results[-1], args.model), ensure_ascii=False), file=sys.stderr)
    table = [row(r, args.model) for r in results]
    print(f"\nDrafting benchmark: {len(sheets)} fact sheets (5 from the study, "
          f"{max(0, len(sheets) - 5)} synthetic), at most {args.max_attempts} attempts, "
          f"temperature {args.temperature}, num_predict {args.num_predict}, "
          f"num_thread {args.num_thread or 'default'}, host {args.host}\n")
    print(tabulate(table, headers="keys", tablefmt="github"))
    print("\nStudy reference (RTX 4090, 5 items, naive check): qwen2.5:14b-instruct-q5_K_M "
          "1.00 attempts, 3.89 s per valid draft; qwen2.5:7b never passed in 10 attempts.")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({
            "table": table,
            "drafts": {r.mode: [d.to_dict() for d in r.drafts] for r in results},
        }, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
