"""Reviewers and their sessions (no Dagster).

Reviewers are configured by the operator in a YAML file (AUDIENCE_REVIEWERS_FILE,
default var/reviewers.yaml, outside git) holding argon2id hashes made by
argon2-cffi; `audience reviewer add NAME` writes it. Sessions live in SQL table
`review_sessions`: a random token in an HttpOnly cookie (only its SHA-256 is
stored), a per-session CSRF token, and an expiry.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from audience_assets import settings
from audience_assets.sql.schema import review_sessions

DEFAULT_USERS_FILE = settings.default("AUDIENCE_REVIEWERS_FILE")
NAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verifying an unknown name against this keeps the answer time the same as for a known one.
_DUMMY_HASH = _hasher.hash("not-a-reviewer-password")


class ReviewersFileError(ValueError):
    """The reviewers file is unreadable or malformed: one line naming file and problem."""


@dataclass(frozen=True)
class Session:
    reviewer: str
    csrf_token: str
    expires_at: float


def users_file() -> Path:
    return Path(settings.get("AUDIENCE_REVIEWERS_FILE"))


def load_users(path: str | Path | None = None) -> dict[str, str]:
    """name -> argon2 hash. A missing file means no reviewer yet (nobody can sign in)."""
    file = Path(path) if path else users_file()
    if not file.exists():
        return {}
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ReviewersFileError(f"{file}: cannot read reviewers: {exc}") from None
    users = data.get("reviewers") if isinstance(data, dict) else None
    if not isinstance(users, dict):
        raise ReviewersFileError(f"{file}: expected a mapping 'reviewers: {{name: "
                                 f"{{password_hash: ...}}}}'")
    out = {}
    for name, entry in users.items():
        digest = entry.get("password_hash") if isinstance(entry, dict) else None
        if not NAME_RE.match(str(name)) or not isinstance(digest, str) \
                or not digest.startswith("$argon2"):
            raise ReviewersFileError(f"{file}: reviewer {name!r} needs a name of letters, "
                                     f"digits, _.@- and an argon2 password_hash")
        out[str(name)] = digest
    return out


def add_user(name: str, password: str, path: str | Path | None = None) -> Path:
    """Add or replace one reviewer's password hash; the file is written owner-only."""
    if not NAME_RE.match(name):
        raise ValueError("reviewer names are 1-64 letters, digits or _.@-")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"passwords need at least {MIN_PASSWORD} characters")
    file = Path(path) if path else users_file()
    users = load_users(file)
    users[name] = _hasher.hash(password)
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump({"reviewers": {n: {"password_hash": h}
                                                 for n, h in sorted(users.items())}}),
                   encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(file)
    return file


def verify(users: dict[str, str], name: str, password: str) -> bool:
    digest = users.get(name)
    try:
        return _hasher.verify(digest or _DUMMY_HASH, password) and digest is not None
    except (VerificationError, InvalidHashError):
        return False


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(engine: sa.Engine, reviewer: str, ttl_seconds: float) -> tuple[str, Session]:
    """A new session: returns the cookie token (never stored) and the session."""
    token = secrets.token_urlsafe(32)
    now = time.time()
    session = Session(reviewer, secrets.token_urlsafe(32), now + ttl_seconds)
    with engine.begin() as conn:
        conn.execute(review_sessions.delete().where(review_sessions.c.expires_at < now))
        conn.execute(review_sessions.insert().values(
            token_sha256=_sha(token), reviewer=reviewer, csrf_token=session.csrf_token,
            created_at=now, expires_at=session.expires_at))
    return token, session


def find_session(engine: sa.Engine, token: str | None) -> Session | None:
    if not token:
        return None
    c = review_sessions.c
    with engine.connect() as conn:
        row = conn.execute(sa.select(review_sessions).where(
            c.token_sha256 == _sha(token), c.expires_at > time.time())).first()
    return Session(row.reviewer, row.csrf_token, row.expires_at) if row else None


def close_session(engine: sa.Engine, token: str | None) -> None:
    if token:
        with engine.begin() as conn:
            conn.execute(review_sessions.delete().where(
                review_sessions.c.token_sha256 == _sha(token)))


def csrf_ok(session: Session, sent: str | None) -> bool:
    return bool(sent) and secrets.compare_digest(session.csrf_token, str(sent))
