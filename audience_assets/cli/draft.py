"""`audience draft --record FILE.json [--mode free|guided|template] [--model NAME]
[--network x|bluesky|threads]`: draft the post of a fact sheet and print it.

FILE.json holds one fact sheet (an object), a list of them, or JSON lines (as
`audience select` prints). The server is OLLAMA_HOST (`scripts/ollama start`
prints the local one); the model --model, else OLLAMA_MODEL, else the bundled
Qwen. Prints each post, then the writer, the attempts and the time.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from audience_assets import settings
from audience_assets.cli import UsageError
from audience_assets.drafting.validation import validate
from audience_assets.drafting.writing import TemplateWriter, draft_post, make_writer
from audience_assets.drafting.writing.llm import LLMError, LLMSettings
from audience_assets.drafting.writing.loop import DEFAULT_CANDIDATES, DEFAULT_MAX_ATTEMPTS
from audience_assets.drafting.writing.writers import WRITER_NAMES
from audience_assets.networks import NETWORK_KEYS
from audience_assets.records import FactSheet
from audience_assets.resources.llm import DEFAULT_MODEL, OllamaResource


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("draft", help="draft the post of a fact sheet (Ollama)")
    parser.add_argument("--record", required=True, metavar="FILE.json",
                        help="a fact sheet (JSON object), a list of them, or JSON lines")
    parser.add_argument("--mode", choices=WRITER_NAMES, default="natural")
    parser.add_argument("--candidates", type=int, default=DEFAULT_CANDIDATES,
                        help="model drafts per fact sheet; the valid one least like the "
                             "previous posts is kept")
    parser.add_argument("--model", default=None,
                        help=f"Ollama model (default: OLLAMA_MODEL or {DEFAULT_MODEL})")
    parser.add_argument("--network", choices=NETWORK_KEYS, default="x")
    parser.add_argument("--max-attempts", type=int, default=DEFAULT_MAX_ATTEMPTS)
    parser.add_argument("--no-fallback", action="store_true",
                        help="keep the last model draft instead of the template fallback")
    parser.add_argument("--json", action="store_true", help="print each draft as a JSON line")
    parser.set_defaults(handler=run)


def read_sheets(path: str) -> list[FactSheet]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    try:
        data: Any = json.loads(text)
        items = data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        try:
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise UsageError(f"{path}: not JSON nor JSON lines ({exc})") from None
    try:
        return [FactSheet.from_dict(item) for item in items]
    except (ValueError, TypeError, AttributeError) as exc:
        raise UsageError(f"{path}: {exc}") from None


def run(args: argparse.Namespace) -> int:
    sheets = read_sheets(args.record)
    if args.max_attempts < 1:
        raise UsageError("--max-attempts must be at least 1")
    if args.candidates < 1:
        raise UsageError("--candidates must be at least 1")
    llm = OllamaResource(host=settings.get("OLLAMA_HOST"),
                         model=args.model or settings.get("OLLAMA_MODEL"))
    writer = make_writer(args.mode, llm.client(), LLMSettings(**llm.llm_settings()))
    fallback = None if args.no_fallback else TemplateWriter()
    chosen: list[str] = []
    for sheet in sheets:
        started = time.perf_counter()
        try:
            draft = draft_post(sheet, writer, validate, network=args.network,
                               max_attempts=args.max_attempts, fallback=fallback,
                               candidates=args.candidates if args.mode != "template" else 1,
                               chosen_today=chosen)
            chosen.append(draft.skeleton)
        except LLMError as exc:
            print(f"audience draft: {exc}", file=sys.stderr)
            return 1
        seconds = time.perf_counter() - started
        if args.json:
            print(json.dumps({**draft.to_dict(), "seconds": round(seconds, 2)},
                             ensure_ascii=False))
            continue
        writer_label = draft.writer + (" (fallback after the model's attempts)"
                                       if draft.fell_back else "")
        model = f", model {draft.model}" if draft.model else ""
        print(draft.text)
        print(f"-- writer: {writer_label}{model}; attempts: {draft.attempt_count}; "
              f"valid: {'yes' if draft.valid else 'no'}; time: {seconds:.1f} s")
        for v in draft.violations:
            print(f"   {v['rule']}: {v['message']}")
        print()
    return 0
