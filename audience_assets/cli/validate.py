"""`audience validate-tweet`: the strict validator's verdict on posts, as JSON lines.

    audience validate-tweet --input FILE.jsonl       one {"id", "record", "text", "network"} a line
    audience validate-tweet --record FILE.json --text "..." [--network x]

Prints one line per post: {"id": ..., "valid": ..., "violations": [{"rule", "message"}]}.
Exit 0 whenever the input was readable, whatever the verdicts; 2 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from audience_assets.cli import UsageError
from audience_assets.drafting.validation import ValidatorConfigError, load_config, validate
from audience_assets.drafting.validation.config import NETWORKS
from audience_assets.drafting.validation.context import Facts


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate-tweet", help="check post drafts against their fact sheets and the client's rules")
    parser.add_argument("--input", metavar="FILE.jsonl",
                        help='one JSON object a line: {"id", "record", "text", "network"} '
                             '("-" reads standard input)')
    parser.add_argument("--record", metavar="FILE.json", help="the fact sheet of one post")
    parser.add_argument("--text", help="the post to check (with --record)")
    parser.add_argument("--network", default="x", choices=NETWORKS,
                        help="network of the --text post (default x)")
    parser.add_argument("--config", metavar="DIR",
                        help="validator configuration folder (default data/config/validator)")
    parser.set_defaults(handler=run)


def _read_json(path: str) -> Any:
    try:
        raw = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    return raw


def _facts(record: Any, where: str) -> Facts:
    if not isinstance(record, dict):
        raise UsageError(f"{where}: record must be a JSON object")
    try:
        return Facts.of(record)
    except ValueError as exc:
        raise UsageError(f"{where}: {exc}") from None


def _jobs_from_jsonl(path: str) -> list[tuple[Any, str, Facts, str]]:
    jobs = []
    for number, line in enumerate(_read_json(path).splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{where}: not JSON ({exc.msg})") from None
        if not isinstance(item, dict) or "text" not in item or "record" not in item:
            raise UsageError(f"{where}: expected an object with id, record, text and network")
        if not isinstance(item["text"], str):
            raise UsageError(f"{where}: text must be a string")
        network = item.get("network") or "x"
        if network not in NETWORKS:
            raise UsageError(f"{where}: unknown network {network!r} (x, bluesky, threads)")
        jobs.append((item.get("id"), item["text"], _facts(item["record"], where), network))
    return jobs


def run(args: argparse.Namespace) -> int:
    if bool(args.input) == bool(args.record):
        raise UsageError("give either --input FILE.jsonl, or --record FILE.json with --text")
    if args.record and args.text is None:
        raise UsageError("--record needs --text")
    try:
        config = load_config(args.config)
    except ValidatorConfigError as exc:
        raise UsageError(str(exc)) from None
    if args.input:
        jobs = _jobs_from_jsonl(args.input)
    else:
        try:
            record = json.loads(_read_json(args.record))
        except json.JSONDecodeError as exc:
            raise UsageError(f"{args.record}: not JSON ({exc.msg})") from None
        jobs = [(Path(args.record).stem, args.text, _facts(record, args.record), args.network)]
    for post_id, text, facts, network in jobs:
        result = validate(text, facts, network, config=config)
        line = {"id": post_id, "valid": result.valid,
                "violations": [{"rule": v.rule, "message": v.message}
                               for v in result.violations]}
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0
