"""`audience reviewer add NAME [--password-stdin]`: add or reset a reviewer of the desk;
`audience reviewer remove NAME`; `audience reviewer list`.

Writes an argon2id hash (argon2-cffi) into the reviewers file
(AUDIENCE_REVIEWERS_FILE, default var/reviewers.yaml), readable by its owner only. A reset
or a removal ends the reviewer's open desk sessions: each session remembers the password
hash it was opened with and the desk refuses it once the file says otherwise (and
`remove` also deletes the rows from the SQL store when it can reach it).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from audience_assets.cli import UsageError


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser("reviewer", help="manage the review desk's reviewers")
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add a reviewer or reset a password")
    add.add_argument("name", help="sign-in name (letters, digits, _.@-)")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of stdin (scripts)")
    add.add_argument("--file", default=None, help="reviewers file (default "
                     "AUDIENCE_REVIEWERS_FILE or var/reviewers.yaml)")
    remove = actions.add_parser("remove", help="remove a reviewer and end their sessions")
    remove.add_argument("name")
    remove.add_argument("--file", default=None)
    remove.add_argument("--db", default=None, help="SQL store URL (default AUDIENCE_DB_URL or "
                        "sqlite:///var/audience.db)")
    listing = actions.add_parser("list", help="list the reviewers' names")
    listing.add_argument("--file", default=None)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from audience_assets.review import auth

    try:
        if args.action == "list":
            for name in sorted(auth.load_users(args.file)):
                print(name)
            return 0
        if args.action == "remove":
            path = auth.remove_user(args.name, args.file)
            print(f"reviewer {args.name} removed from {path}; "
                  f"{_revoke(args.name, args.db)}")
            return 0
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass(f"password for {args.name}: ")
            if getpass.getpass("again: ") != password:
                raise UsageError("the passwords differ")
        path = auth.add_user(args.name, password, args.file)
    except auth.ReviewersFileError as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(f"reviewer {args.name} saved in {path}")
    return 0


def _revoke(name: str, db: str | None) -> str:
    """Delete the reviewer's session rows where the store exists (they are refused anyway)."""
    from pathlib import Path

    from audience_assets import settings
    from audience_assets.review import auth
    from audience_assets.sql.engine import make_engine

    url = db or settings.get("AUDIENCE_DB_URL")
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return "no SQL store yet, so no session to end"
    ended = auth.revoke_sessions(make_engine(url), name)
    return f"{ended} open session(s) ended"
