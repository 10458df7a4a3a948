"""One day's posts as the production writer writes them, for a person to read.

Reads the day's stored plan from a project database (read only), drafts the stories of
one network's plan with the natural writer and the `llm` resource's settings (as the
`post_drafts` asset does, template fallback included), and writes them as Markdown and
JSON lines.

    OLLAMA_HOST=http://127.0.0.1:11434 .venv/bin/python benchmarks/sample_day.py \
        --db var/audience.db --date 2026-11-16 --plan threads --out var/sample_day
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from audience_assets.analysis.store import load_plan
from audience_assets.drafting.validation import validate
from audience_assets.drafting.writing import TemplateWriter, draft_post, make_writer
from audience_assets.drafting.writing.llm import LLMSettings
from audience_assets.drafting.writing.loop import DEFAULT_CANDIDATES
from audience_assets.resources.llm import DEFAULT_HOST, OllamaResource


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a project SQLite file")
    parser.add_argument("--date", required=True)
    parser.add_argument("--plan", default="x", help="whose plan's stories to draft")
    parser.add_argument("--network", default="x", help="the network the posts are for")
    parser.add_argument("--host", default=os.environ.get("OLLAMA_HOST") or DEFAULT_HOST)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--candidates", type=int, default=DEFAULT_CANDIDATES,
                        help="samples per story (production's by default; 1 on a loaded "
                             "machine)")
    parser.add_argument("--max-attempts", type=int, default=10)
    parser.add_argument("--num-thread", type=int, default=0,
                        help="CPU threads for the model (0: the resource's setting)")
    parser.add_argument("--timeout", type=float, default=0,
                        help="seconds one request may take (0: the resource's setting)")
    args = parser.parse_args(argv)
    engine = sa.create_engine(f"sqlite:///file:{args.db.resolve()}?mode=ro&uri=true")
    plan = load_plan(engine, args.date)
    if plan is None:
        print(f"sample_day: no plan stored for {args.date} in {args.db}", file=sys.stderr)
        return 2
    sheets = plan.for_network(args.plan)
    overrides: dict[str, Any] = {}
    if args.num_thread:
        overrides["num_thread"] = args.num_thread
    if args.timeout:
        overrides.update(timeout=args.timeout, sheet_budget_s=max(args.timeout, 300.0))
    llm = OllamaResource(host=args.host, **overrides)
    writer = make_writer("natural", llm.client(), LLMSettings(**llm.llm_settings()))
    args.out.mkdir(parents=True, exist_ok=True)
    lines, md = [], [f"# {args.date}: {len(sheets)} posts of the {args.plan} plan, natural "
                     f"writer ({llm.model}), for {args.network}, {args.candidates} "
                     f"candidate(s), at most {args.max_attempts} attempts\n"]
    started, chosen = time.perf_counter(), list[str]()
    for i, sheet in enumerate(sheets, 1):
        draft = draft_post(sheet, writer, validate, network=args.network,
                           max_attempts=args.max_attempts, candidates=args.candidates,
                           fallback=TemplateWriter(), chosen_today=chosen)
        chosen.append(draft.skeleton)
        lines.append(json.dumps(draft.to_dict(), ensure_ascii=False))
        md.append(f"{i}. ({draft.writer}, {draft.attempt_count} attempt(s), "
                  f"{'valid' if draft.valid else 'INVALID'}; {sheet.title}, {sheet.channel})\n\n"
                  f"   {draft.text.replace(chr(10), chr(10) + '   ')}\n")
        print(f"  {i}/{len(sheets)} {sheet.title}: {draft.writer}, {draft.attempt_count} "
              f"attempt(s)", file=sys.stderr, flush=True)
    md.append(f"\n{time.perf_counter() - started:.0f} s, load average "
              f"{'/'.join(f'{x:.1f}' for x in os.getloadavg())} at the end.\n")
    (args.out / "posts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (args.out / "posts.md").write_text("\n".join(md), encoding="utf-8")
    print(args.out / "posts.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
