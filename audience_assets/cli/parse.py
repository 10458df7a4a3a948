"""`audience parse FILE`: the normalised records of one delivery, as JSON lines or CSV."""

from __future__ import annotations

import argparse
import csv
import json
import sys

from audience_assets.cli import UsageError
from audience_assets.ingestion.kantar import KantarParseError, parse_file
from audience_assets.records import RECORD_FIELDS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("parse", help="print the normalised records of a Kantar file")
    parser.add_argument("file", help="a programmes delivery (.tsv/.txt or .xlsx)")
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        delivery = parse_file(args.file)
    except KantarParseError as exc:
        raise UsageError(str(exc)) from None
    if args.format == "jsonl":
        for record in delivery.records:
            sys.stdout.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
    else:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(RECORD_FIELDS))
        writer.writeheader()
        for record in delivery.records:
            row = record.to_dict()
            row["extra"] = json.dumps(row["extra"], ensure_ascii=False)
            writer.writerow(row)
    return 0
