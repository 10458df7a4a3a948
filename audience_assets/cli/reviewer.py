"""`audience reviewer add NAME [--password-stdin]`: add or reset a reviewer of the desk.

Writes an argon2id hash (argon2-cffi) into the reviewers file
(AUDIENCE_REVIEWERS_FILE, default var/reviewers.yaml), readable by its owner only.
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
