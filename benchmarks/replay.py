"""The replay: does the writer learn from the desk? (issue 21, item 5)

Steps, each rerunnable, files in --dir (default var/replay, outside git; frozen copies
under data/evaluation/replay/):

  draft --days 1-3 --out drafts_days1-3.jsonl
        the production writer (natural, 3 candidates by default, validator, template
        fallback) on days 1-3 of week_plan_x.jsonl
  desk  --corrections editor_days1-3.jsonl --pool-out pool_examples.yaml
        the editor's decisions recorded through the desk's own state functions
        (review/state.py: approve, save + approve, reject) in a scratch SQLite
        database, then the pool built from SQL (store.desk_approvals -> pool.build_pool)
  draft --days 4-7 --recent drafts_days1-3.jsonl --out drafts_days4-7_base.jsonl
  draft --days 4-7 --recent drafts_days1-3.jsonl --pool pool_examples.yaml \
        --out drafts_days4-7_pool.jsonl
        the same writer and settings, without and with the learned pool
  score --editor editor_days4-7.jsonl
        word-level edit distance of each draft to the editor's post of the same story
        (Levenshtein on whitespace tokens, normalised by the longer post: rapidfuzz's
        Levenshtein.normalized_distance on token lists; 0 = the editor's post, 1 = nothing
        in common), median and mean per condition, validity and fallbacks; baseline and
        pool printed side by side
  forms --editor editor_days4-7.jsonl --forms-dir var/panel/replay \
        --key-dir var/panel-keys/replay
        blind-panel forms (audience evaluate forms machinery): per story the base draft,
        the pool draft and the editor's post, shuffled under codes; the key and the run
        (which name the writers) go to --key-dir, never beside the forms

    scripts/ollama start --port 11531 --state-dir var/ollama-learn
    export OLLAMA_HOST=http://127.0.0.1:11531 OLLAMA_NUM_THREAD=1
    nice .venv/bin/python benchmarks/replay.py draft --days 1-3 --out drafts_days1-3.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "var" / "replay"
NETWORK = "x"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def day_range(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class _Log:
    def info(self, message: str) -> None:
        print(f"  {message} (load {load_avg()})", file=sys.stderr, flush=True)


def production_llm(host: str | None) -> Any:
    """The `llm` resource as the definitions configure it from the environment
    (OLLAMA_NUM_THREAD, OLLAMA_TIMEOUT, AUDIENCE_DRAFT_SHEET_BUDGET, ...)."""
    from audience_assets import settings
    from audience_assets.resources.llm import OllamaResource

    values: dict[str, Any] = {}
    for name, info in OllamaResource.model_fields.items():
        extra = info.json_schema_extra
        variable = extra.get("env") if isinstance(extra, dict) else None
        if isinstance(variable, str):
            values[name] = settings.get(variable)
    if host:
        values["host"] = host
    return OllamaResource(**values)


def draft(args: argparse.Namespace) -> int:
    from audience_assets.drafting.assets import DraftingConfig, write_drafts
    from audience_assets.drafting.writing.natural import load_examples
    from audience_assets.drafting.writing.pool import (
        LearnedExamples,
        load_pool_config,
        load_pool_file,
    )
    from audience_assets.records import FactSheet

    plan = read_jsonl(args.dir / "week_plan_x.jsonl")
    llm = production_llm(args.host)
    ranks = set(day_range(args.ranks))
    out = args.dir / args.out
    if not args.append:
        out.write_text("", encoding="utf-8")
    recent: list[str] = []
    for name in args.recent or ():
        recent += [r["text"] for r in read_jsonl(args.dir / name)]
    static = load_examples()
    pool = load_pool_file(args.dir / args.pool, static.emojis) if args.pool else None
    config = load_pool_config()
    if args.from_pool is not None:
        from dataclasses import replace
        config = replace(config, from_pool=args.from_pool)
    print(f"drafting days {args.days}: candidates {args.candidates}, pool "
          f"{args.pool or 'none (examples.yaml only)'}"
          f"{f' ({len(pool.examples)} examples, from_pool {config.from_pool})' if pool else ''}"
          f", model {llm.model}, num_thread {llm.num_thread or 'default'}, timeout "
          f"{llm.timeout:.0f} s, sheet budget {llm.sheet_budget_s:.0f} s, load {load_avg()}",
          file=sys.stderr, flush=True)
    for day in day_range(args.days):
        items = sorted((p for p in plan if p["day"] == day and p["rank"] in ranks),
                       key=lambda p: p["rank"])
        sheets = [FactSheet.from_dict(p["sheet"]) for p in items]
        learned = (LearnedExamples.for_day(static, pool, config, items[0]["date"], NETWORK)
                   if pool is not None else None)
        started = time.monotonic()
        print(f"day {day}: {len(sheets)} stories, load {load_avg()}", file=sys.stderr,
              flush=True)
        drafts = write_drafts(sheets, DraftingConfig(candidates=args.candidates), llm, _Log(),
                              recent_posts=tuple(recent), learned=learned)
        with out.open("a", encoding="utf-8") as f:
            for item, d in zip(items, drafts, strict=True):
                f.write(json.dumps({
                    "day": day, "date": item["date"], "rank": item["rank"],
                    "sheet_key": item["sheet_key"], "text": d.text, "valid": d.valid,
                    "writer": d.writer + ("_fallback" if d.fell_back else ""),
                    "attempts": d.attempt_count, "llm_seconds": round(d.llm_seconds, 2),
                    "condition": args.condition or ("pool" if pool is not None else "base"),
                }, ensure_ascii=False) + "\n")
        recent += [d.text for d in drafts]
        used = f", pool examples shown {len(learned.used)}" if learned is not None else ""
        print(f"day {day}: done in {time.monotonic() - started:.0f} s{used}, load {load_avg()}",
              file=sys.stderr, flush=True)
    return 0


# --- the desk ----------------------------------------------------------------------------

def draft_row(item: dict[str, Any], sheet: dict[str, Any], now: float) -> dict[str, Any]:
    """A post_drafts row for a replayed draft, as the pipeline publishes it."""
    valid = bool(item.get("valid", True))
    return {"broadcast_date": item["date"], "sheet_key": item["sheet_key"], "network": NETWORK,
            "text": item["text"], "mode": "natural", "writer": str(item.get("writer", "")),
            "model": "", "prompt_name": "", "prompt_sha256": "", "valid": valid,
            "fell_back": "fallback" in str(item.get("writer", "")),
            "attempt_count": int(item.get("attempts", 1)), "llm_seconds": 0.0,
            "eval_count": 0, "violations": "[]", "attempts": "[]",
            "fact_sheet": json.dumps(sheet, ensure_ascii=False),
            "status": "pending_review" if valid else "invalid", "created_at": now}


def record_decisions(engine: Any, drafts: list[dict[str, Any]],
                     corrections: list[dict[str, Any]], plan: list[dict[str, Any]]
                     ) -> dict[str, int]:
    """The drafts published, then each editor decision as the desk records it: approved
    (approve the draft's text), edited (save the editor's text, then approve it),
    rejected (reject)."""
    from audience_assets.review import state, views
    from audience_assets.sql.schema import post_drafts

    sheets = {p["sheet_key"]: p["sheet"] for p in plan}
    now = time.time()
    with engine.begin() as conn:
        for item in drafts:
            conn.execute(post_drafts.insert().values(**draft_row(item, sheets[item["sheet_key"]],
                                                                 now)))
    counts = {"approved": 0, "edited": 0, "rejected": 0}
    for c in corrections:
        key = state.DraftKey(c["date"], c["sheet_key"], NETWORK)
        editor = str(c.get("editor") or "editor")
        version = views.public_state(engine, key)["version"]
        decision = c["decision"]
        reason = "replay: el editor lo aprobó así"
        if decision == "rejected":
            state.reject(engine, key, None, version, editor, reason="replay")
        elif decision in ("approved", "edited"):
            text = c["text"] if decision == "edited" else c["draft_text"]
            if decision == "edited" and text != c["draft_text"]:
                version = state.save_text(engine, key, text, version, editor)["version"]
            try:
                state.approve(engine, key, text, version, editor)
            except state.OverrideRequired:
                state.approve(engine, key, text, version, editor, override_reason=reason)
        else:
            raise SystemExit(f"unknown decision {decision!r} for {c['sheet_key']}")
        counts[decision] += 1
    return counts


def desk(args: argparse.Namespace) -> int:
    from audience_assets.drafting.store import desk_approvals
    from audience_assets.drafting.writing.natural import load_examples
    from audience_assets.drafting.writing.pool import (
        approvals,
        build_pool,
        load_pool_config,
        write_pool_file,
    )
    from audience_assets.sql.connect import open_engine
    from audience_assets.sql.migrate import upgrade

    plan = read_jsonl(args.dir / "week_plan_x.jsonl")
    drafts = read_jsonl(args.dir / args.drafts)
    corrections = read_jsonl(args.dir / args.corrections)
    db = Path(args.db)
    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    engine = open_engine(f"sqlite:///{db}")
    upgrade(engine)
    counts = record_decisions(engine, drafts, corrections, plan)
    rows = desk_approvals(engine, NETWORK)
    config = load_pool_config()
    pool = build_pool(approvals(rows), config, load_examples().emojis, time.time())
    out = args.dir / args.pool_out
    write_pool_file(pool, out)
    print(f"desk: {counts} recorded in {db}; {len(rows)} approvals -> {len(pool.examples)} "
          f"examples ({sum(1 for e in pool.examples if e.provenance['edited'])} edited), "
          f"{len(pool.skipped)} skipped; pool in {out}")
    for s in pool.skipped:
        print(f"  skipped {s['broadcast_date']} {s['sheet_key'][:60]}: {s['reason']}")
    return 0


# --- scoring -----------------------------------------------------------------------------

def tokens(text: str) -> list[str]:
    return text.split()


def edit_distance(a: str, b: str) -> float:
    from rapidfuzz.distance import Levenshtein
    return float(Levenshtein.normalized_distance(tokens(a), tokens(b)))


def _by_key(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["sheet_key"]: r for r in rows}


def score(args: argparse.Namespace) -> int:
    editor = _by_key(read_jsonl(args.dir / args.editor))
    table = []
    per_story: dict[str, dict[str, float]] = {}
    for condition in ("base", "pool", "mixed"):
        path = args.dir / f"drafts_days4-7_{condition}.jsonl"
        if not path.exists():
            print(f"{condition}: {path} missing", file=sys.stderr)
            continue
        drafts = read_jsonl(path)
        dists = [edit_distance(d["text"], editor[d["sheet_key"]]["text"]) for d in drafts
                 if d["sheet_key"] in editor]
        sentence = [edit_distance(strip_tags(d["text"]), strip_tags(editor[d["sheet_key"]]["text"]))
                    for d in drafts if d["sheet_key"] in editor]
        table.append({
            "condition": condition, "stories": len(drafts), "compared": len(dists),
            "edit distance median": round(statistics.median(dists), 3) if dists else None,
            "mean": round(statistics.mean(dists), 3) if dists else None,
            "sentence only median": round(statistics.median(sentence), 3) if sentence else None,
            "sentence only mean": round(statistics.mean(sentence), 3) if sentence else None,
            "valid": sum(1 for d in drafts if d["valid"]),
            "fallbacks": sum(1 for d in drafts if str(d["writer"]).endswith("_fallback")),
            "1st-attempt valid": sum(1 for d in drafts if d.get("attempts") == 1
                                     and d["valid"]),
            "mean attempts": round(statistics.mean(d.get("attempts", 1) for d in drafts), 2),
            "model s": round(sum(d.get("llm_seconds", 0.0) for d in drafts), 1),
        })
        per_story[condition] = {d["sheet_key"]: edit_distance(
            d["text"], editor[d["sheet_key"]]["text"]) for d in drafts
            if d["sheet_key"] in editor}
    from tabulate import tabulate
    print(tabulate([r for r in table if r["condition"] != "paired"], headers="keys",
                   tablefmt="github"))
    print("\nedit distance: Levenshtein on whitespace tokens (hashtags and emojis included), "
          "normalised by the longer post (rapidfuzz Levenshtein.normalized_distance); "
          "'sentence only': hashtags and emojis removed first. Lower is closer to the editor.")
    if {"base", "pool"} <= set(per_story):
        both = sorted(set(per_story["base"]) & set(per_story["pool"]))
        closer = sum(per_story["pool"][k] < per_story["base"][k] for k in both)
        farther = sum(per_story["pool"][k] > per_story["base"][k] for k in both)
        print(f"per story ({len(both)} paired): the pool's draft closer to the editor's in "
              f"{closer}, farther in {farther}, tied in {len(both) - closer - farther}")
        table.append({"condition": "paired", "pool closer": closer, "pool farther": farther,
                      "tied": len(both) - closer - farther})
    if args.out:
        (args.dir / args.out).write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n",
                                         encoding="utf-8")
    return 0


_TAG_RE = re.compile(r"#\S+")


def strip_tags(text: str) -> str:
    import regex

    from audience_assets.drafting.writing.writers import EMOJI_RE
    body = _TAG_RE.sub(" ", text)
    return " ".join("".join(g for g in regex.findall(r"\X", body)
                            if not EMOJI_RE.search(g)).split())


READER_NOTE = """Evaluación ciega: {sheets} fichas, {posts} publicaciones por ficha bajo códigos.

Lea el formulario (evaluacion_{reviewer}.html o evaluacion_{reviewer}.xlsx: las mismas
fichas, publicaciones y criterios). Devuelva UNO de estos dos archivos, en esta carpeta:

- evaluacion_{reviewer}.xlsx relleno (celdas de puntuación 1-5, «x» en las dos mejores de
  cada ficha, nivel de conocimiento de LLM en B4: bajo, medio o alto); o
- evaluacion_{reviewer}.json: copie evaluacion_{reviewer}.plantilla.json y rellene, para
  cada código, "best" (true en exactamente DOS publicaciones de cada ficha, false en las
  demás) y cada criterio con un número entero de 1 a 5 (5 siempre lo mejor):
  naturalidad, concision, originalidad, alucinacion, hashtags_emojis, global; y "level"
  (bajo, medio o alto). "sheet" es el número de ficha del formulario.
"""


def forms(args: argparse.Namespace) -> int:
    from audience_assets.evaluation.forms import (
        ANSWERS_FORMAT,
        CRITERION_IDS,
        FORMS_DIR,
        KEY_FILE,
        build_forms,
    )
    from audience_assets.evaluation.runs import EvaluationRun, ModelRun, validator_fingerprint

    editor = _by_key(read_jsonl(args.dir / args.editor))
    conditions = {name: _by_key(read_jsonl(args.dir / f"drafts_days4-7_{name}.jsonl"))
                  for name in args.conditions.split(",")}
    # only the stories every condition drafted (and the editor wrote)
    plan = [p for p in read_jsonl(args.dir / "week_plan_x.jsonl")
            if p["sheet_key"] in editor and all(p["sheet_key"] in c
                                                for c in conditions.values())]
    plan.sort(key=lambda p: (p["day"], p["rank"]))
    models = []
    for name, rows in (("editor", editor), *conditions.items()):
        drafts = [{"sheet_key": p["sheet_key"],
                   "text": rows.get(p["sheet_key"], {}).get("text", ""), "valid": True,
                   "writer": name, "attempt_count": 1, "attempts": []}
                  for p in plan]
        models.append(ModelRun(name, "", {}, 0.0, 0, 0, 0, 0.0, drafts))
    run = EvaluationRun(
        run_id="replay-" + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S"),
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), host="",
        mode="replay:" + ",".join(["editor", *conditions]), network=NETWORK,
        max_attempts=10, options={},
        prompts={}, validator=validator_fingerprint(), sheets=[p["sheet"] for p in plan],
        models=models)
    key_dir, forms_dir = Path(args.key_dir), Path(args.forms_dir)
    with tempfile.TemporaryDirectory() as tmp:
        written = build_forms(run, args.reviewers, Path(tmp), per_sheet=len(models),
                              seed=args.seed)
        forms_dir.mkdir(parents=True, exist_ok=True)
        key_dir.mkdir(parents=True, exist_ok=True)
        for path in (Path(tmp) / FORMS_DIR).iterdir():
            shutil.copy2(path, forms_dir / path.name)
        shutil.copy2(written.key, key_dir / KEY_FILE)
    run.save(key_dir)  # names the writers: beside the key, never beside the forms
    key = json.loads((key_dir / KEY_FILE).read_text(encoding="utf-8"))
    for reviewer in key["reviewers"]:
        template = {"format": ANSWERS_FORMAT, "reviewer": reviewer, "run_id": run.run_id,
                    "level": "", "answers": [
                        {"code": code, "sheet": entry["sheet"], "best": False,
                         **dict.fromkeys(CRITERION_IDS)}
                        for code, entry in key["codes"].items()
                        if entry["reviewer"] == reviewer]}
        (forms_dir / f"evaluacion_{reviewer}.plantilla.json").write_text(
            json.dumps(template, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (forms_dir / "INSTRUCCIONES.txt").write_text(READER_NOTE.format(
        sheets=len(plan), posts=len(models), reviewer=key["reviewers"][0]), encoding="utf-8")
    print(f"forms: {sorted(p.name for p in forms_dir.iterdir())} in {forms_dir}; key "
          f"{key_dir / KEY_FILE}\nscore: .venv/bin/audience evaluate scores "
          f"{forms_dir}/evaluacion_R01.json --key {key_dir / KEY_FILE}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--host", default=os.environ.get("OLLAMA_HOST"))
    sub = parser.add_subparsers(dest="step", required=True)
    d = sub.add_parser("draft", help="draft days with the production writer")
    d.add_argument("--days", required=True)
    d.add_argument("--out", required=True)
    d.add_argument("--ranks", default="1-8", help="the stories of each day, by rank")
    d.add_argument("--append", action="store_true", help="add to --out instead of replacing")
    d.add_argument("--candidates", type=int, default=3,
                   help="model drafts per story (production: 3)")
    d.add_argument("--recent", action="append",
                   help="a drafts file (in --dir) whose posts count as the last days' posts")
    d.add_argument("--pool", help="a learned pool file in --dir (default: examples.yaml only)")
    d.add_argument("--from-pool", type=int, default=None,
                   help="pool examples per prompt (default: pool.yaml's from_pool)")
    d.add_argument("--condition", default=None,
                   help="the condition written in each line (default base or pool)")
    k = sub.add_parser("desk", help="record the editor's decisions and build the pool")
    k.add_argument("--drafts", default="drafts_days1-3.jsonl")
    k.add_argument("--corrections", default="editor_days1-3.jsonl")
    k.add_argument("--db", default="var/replay/desk.sqlite")
    k.add_argument("--pool-out", default="pool_examples.yaml")
    s = sub.add_parser("score", help="edit distance to the editor's posts, per condition")
    s.add_argument("--editor", default="editor_days4-7.jsonl")
    s.add_argument("--out", default="scores_days4-7.json")
    f = sub.add_parser("forms", help="blind-panel forms of days 4-7")
    f.add_argument("--editor", default="editor_days4-7.jsonl")
    f.add_argument("--forms-dir", default=str(DEFAULT_DIR.parent / "panel" / "replay"))
    f.add_argument("--key-dir", default=str(DEFAULT_DIR.parent / "panel-keys" / "replay"))
    f.add_argument("--conditions", default="base,pool",
                   help="the drafts files drafts_days4-7_NAME.jsonl to put beside the editor's")
    f.add_argument("--reviewers", type=int, default=1)
    f.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    return {"draft": draft, "desk": desk, "score": score, "forms": forms}[args.step](args)


if __name__ == "__main__":
    sys.exit(main())
