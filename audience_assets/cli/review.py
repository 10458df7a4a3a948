"""`audience review [--host 127.0.0.1] [--port 8765]`: serve the review desk.

Binds to 127.0.0.1 unless --host (or AUDIENCE_REVIEW_HOST) says otherwise; prints
the desk's URL last, once it accepts connections. Reads the same settings as the
pipeline (AUDIENCE_DB_URL, AUDIENCE_OUTPUT_DIR) plus AUDIENCE_REVIEWERS_FILE.
"""

from __future__ import annotations

import argparse
import socket
import sys
from typing import Any

from audience_assets import settings
from audience_assets.cli import UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser("review", help="serve the review desk (web)")
    parser.add_argument("--host", default=settings.get("AUDIENCE_REVIEW_HOST"),
                        help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int,
                        default=settings.get("AUDIENCE_REVIEW_PORT"),
                        help="TCP port (default 8765)")
    parser.set_defaults(handler=run)


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from audience_assets.review import auth
    from audience_assets.review.app import DeskSettings, create_app

    if not 0 < args.port < 65536:
        raise UsageError(f"--port {args.port} is not a TCP port")
    _check_port(args.host, args.port)
    settings = DeskSettings.from_env()
    try:
        users = auth.load_users(settings.users_file)
    except auth.ReviewersFileError as exc:
        raise UsageError(str(exc)) from None
    if not users:
        print(f"audience review: no reviewer in {settings.users_file}; add one with "
              f"`audience reviewer add NAME`", file=sys.stderr)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"audience review: listening on {args.host}, reachable from other machines; "
              f"put it behind HTTPS and set AUDIENCE_REVIEW_SECURE_COOKIES=1", file=sys.stderr)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{shown}:{args.port}/"

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:
                print(url, flush=True)

    config = uvicorn.Config(create_app(settings), host=args.host, port=args.port,
                            log_level="warning", access_log=False)
    Server(config).run()
    return 0
