"""A blind panel the team can rerun (issue 21, item 7): posts from the writers to compare
plus the editors' frozen reference posts, shuffled under codes into the forms of
`audience evaluate forms`, scored with `audience evaluate scores`.

    .venv/bin/python benchmarks/blind_panel.py --writers natural,guided,study \
        --reviewers 3 --out var/panel [--sheets 10]
    # send DIR/formularios/ to the reviewers; keep DIR/clave.json apart; then
    .venv/bin/audience evaluate scores DIR/formularios/evaluacion_*.json --key DIR/clave.json

Fact sheets: data/evaluation/reference_posts.jsonl (the study's five and five more), or
another file of the same shape (--references: reference_posts_week.jsonl and _week2, real
plan sheets of the sample week), whose editor posts were written and committed before
any writer ran for the panel.
Writers: natural (production: DEFAULT_CANDIDATES, 1, template fallback), guided, free, study
(the study's own prompt, ../shared/STUDY-PROMPT.md; no fallback) against OLLAMA_HOST,
and template (no model). `natural:POLICY` is the natural writer with another copy policy
for its examples (drafting/writing/copying.py MODES: `natural:phrases`), so two policies
can meet on one form. Each writer's post is its kept draft (the form shows the
first valid one, else the last attempt). The editor's posts appear as one more
"model", `editor`; nobody filling a form can tell which is which. The study's
reviewers saw 4 posts per fact sheet: --per-sheet (default: every writer + editor).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REFERENCES = ROOT / "data" / "evaluation" / "reference_posts.jsonl"


def load_references(path: Path = REFERENCES) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def editor_drafts(references: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from audience_assets.records import FactSheet

    out = []
    for ref in references:
        sheet = FactSheet.from_dict(ref["sheet"])
        out.append({"sheet_key": sheet.key, "text": ref["text"], "valid": True,
                    "writer": "editor", "attempt_count": 1,
                    "attempts": [{"number": 1, "writer": "editor", "text": ref["text"],
                                  "valid": True, "violations": [], "latency_s": 0.0,
                                  "eval_count": 0, "eval_duration_ns": 0}]})
    return out


def writer_drafts(mode: str, sheets: list[Any], host: str, model: str,
                  study_prompt: Path, natural_candidates: int | None = None,
                  timeout: float = 300, num_thread: int = 0) -> list[dict[str, Any]]:
    import ollama

    from audience_assets.drafting.validation import validate
    from audience_assets.drafting.writing import TemplateWriter, copying, draft_post, make_writer
    from audience_assets.drafting.writing.llm import LLMSettings
    from audience_assets.drafting.writing.loop import DEFAULT_CANDIDATES
    from audience_lab.study import StudyWriter, load_study_prompt

    mode, _, policy = mode.partition(":")
    client = ollama.Client(host=host, timeout=timeout) if mode != "template" else None
    options: dict[str, Any] = {"temperature": 0.7, "seed": 42, "num_predict": 160}
    if num_thread:
        options["num_thread"] = num_thread
    settings = LLMSettings(model=model, host=host, options=options)
    fallback: Any = None
    candidates = 1
    writer: Any
    if mode == "study":
        assert client is not None  # only the template writes without a model
        writer = StudyWriter(client, settings, load_study_prompt(study_prompt))
    elif mode == "template":
        writer = TemplateWriter()
    else:
        writer = make_writer(mode, client, settings)
        if policy:
            if mode != "natural" or policy not in copying.MODES:
                raise SystemExit(f"unknown writer {mode}:{policy}; only natural takes a copy "
                                 f"policy ({', '.join(copying.MODES)})")
            writer.copy_policy = replace(copying.load_policy(), examples=policy)
        fallback = TemplateWriter()
        candidates = (natural_candidates or DEFAULT_CANDIDATES) if mode == "natural" else 1
    drafts, chosen = [], list[str]()
    for sheet in sheets:
        draft = draft_post(sheet, writer, validate, max_attempts=10 if mode != "study" else 3,
                           fallback=fallback, use_feedback=mode != "study",
                           candidates=candidates, chosen_today=chosen)
        chosen.append(draft.skeleton)
        drafts.append(draft.to_dict())
        label = f"{mode}:{policy}" if policy else mode
        print(f"  {label}: {sheet.title[:40]} -> {'valid' if draft.valid else 'invalid'}",
              file=sys.stderr, flush=True)
    return drafts


def main(argv: list[str] | None = None) -> int:
    from audience_assets.evaluation.forms import build_forms
    from audience_assets.evaluation.runs import EvaluationRun, ModelRun, validator_fingerprint
    from audience_assets.records import FactSheet
    from audience_assets.resources.llm import DEFAULT_HOST, DEFAULT_MODEL
    from audience_lab.study import DEFAULT_STUDY_PROMPT

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", default="natural,guided,study")
    parser.add_argument("--reviewers", type=int, default=3)
    parser.add_argument("--sheets", type=int, default=10, help="the first N reference sheets")
    parser.add_argument("--references", type=Path, default=REFERENCES,
                        help="the editors' frozen posts and their sheets (default: "
                             "data/evaluation/reference_posts.jsonl; "
                             "reference_posts_week.jsonl: 10 sheets of the sample week)")
    parser.add_argument("--per-sheet", type=int, default=0,
                        help="posts per fact sheet on a form (default: all writers + editor)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--host", default=os.environ.get("OLLAMA_HOST") or DEFAULT_HOST)
    parser.add_argument("--model", default=os.environ.get("OLLAMA_MODEL") or DEFAULT_MODEL)
    parser.add_argument("--study-prompt", type=Path, default=DEFAULT_STUDY_PROMPT)
    parser.add_argument("--seed", type=int, default=None, help="shuffle seed of the forms")
    parser.add_argument("--candidates", type=int, default=None,
                        help="natural writer's samples per sheet (default: production's); 1 "
                             "keeps its first valid draft, for a loaded machine")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds one model request may take")
    parser.add_argument("--num-thread", type=int, default=0,
                        help="CPU threads for the model (0: Ollama's choice); 1 resists a "
                             "busy 2-core machine better")
    args = parser.parse_args(argv)
    writers = [w.strip() for w in args.writers.split(",") if w.strip()]
    references = load_references(args.references)[: args.sheets]
    sheets = [FactSheet.from_dict(r["sheet"]) for r in references]
    started = time.perf_counter()
    models = [ModelRun("editor", args.references.name, {}, 0.0, 0, 0, 0, 0.0,
                       editor_drafts(references))]
    for mode in writers:
        t = time.perf_counter()
        drafts = writer_drafts(mode, sheets, args.host, args.model, args.study_prompt,
                               args.candidates, args.timeout, args.num_thread)
        models.append(ModelRun(mode, args.model if mode != "template" else "-", {}, 0.0, 0,
                               0, 0, time.perf_counter() - t, drafts))
    run = EvaluationRun(
        run_id="panel-" + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S"),
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), host=args.host,
        mode="panel:" + ",".join(["editor", *writers]), network="x", max_attempts=10,
        options={"temperature": 0.7, "seed": 42}, prompts={},
        validator=validator_fingerprint(), sheets=[s.to_dict() for s in sheets],
        models=models)
    args.out.mkdir(parents=True, exist_ok=True)
    run.save(args.out)
    per_sheet = args.per_sheet or len(models)
    written = build_forms(run, args.reviewers, args.out, per_sheet=per_sheet, seed=args.seed)
    print(f"blind panel {run.run_id}: {len(sheets)} fact sheets, writers "
          f"{', '.join(writers)} + editor, {args.reviewers} forms in {written.forms_dir} "
          f"(key {written.key}), {time.perf_counter() - started:.0f} s")
    print(f"score: audience evaluate scores {written.forms_dir}/evaluacion_*.json "
          f"--key {written.key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
