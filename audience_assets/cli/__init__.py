"""The `audience` command: one subcommand per module listed in COMMANDS.

Each module defines `register(subparsers)`, adding its parser with
`set_defaults(handler=...)`; a handler returns the exit code. Input the
command cannot read ends with exit code 2 and one line on stderr, never a
traceback (raise `UsageError`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import sys
from collections.abc import Sequence

COMMANDS: tuple[str, ...] = (
    "audience_assets.cli.parse",
    "audience_assets.cli.samples",
    "audience_assets.cli.run",
    "audience_assets.cli.select",
    "audience_assets.cli.validate",
    "audience_assets.cli.draft",
    "audience_assets.cli.evaluate",
    "audience_assets.cli.images",
    "audience_assets.cli.review",
    "audience_assets.cli.reviewer",
    "audience_assets.cli.report",
)


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


def broadcast_date(value: str, option: str = "--date") -> str:
    """`value` as YYYY-MM-DD, or the one-line error every command gives for a bad date."""
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="audience", description="Spanish TV-audience files to validated post drafts."
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except UsageError as exc:
        print(f"audience {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
