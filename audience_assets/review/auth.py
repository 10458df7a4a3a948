"""Reviewers and their sessions (no Dagster).

Reviewers are configured by the operator in a YAML file (AUDIENCE_REVIEWERS_FILE,
default var/reviewers.yaml, outside git) holding argon2id hashes made by
argon2-cffi; `audience reviewer add NAME` writes it. Sessions live in SQL table
`review_sessions`: a random token in an HttpOnly cookie (only its SHA-256 is
stored), a per-session CSRF token, an expiry, and the SHA-256 of the reviewer's password
hash at sign-in: a password reset or a removal from the file changes it, which ends the
session on its next request (no database step needed after editing the file).

Failed sign-ins are counted in SQL (`review_signin_failures`), per name and per client
address. Each attempt is counted before its password is checked, by a compare-and-set
on the row, so parallel guesses are each counted. Past FREE_FAILURES the next attempt
waits a growing delay (1, 2, 4, ... s): at most NAME_MAX_DELAY_S for a name (all a
stranger can impose on a named editor) and ADDRESS_MAX_DELAY_S for an address (what a
guesser imposes on itself). A success clears both rows; a row idle for RESET_AFTER_S
starts again from zero.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from audience_assets import settings
from audience_assets.sql.schema import review_sessions, review_signin_failures

DEFAULT_USERS_FILE = settings.default("AUDIENCE_REVIEWERS_FILE")
NAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verifying an unknown name against this keeps the answer time the same as for a known one.
_DUMMY_HASH = _hasher.hash("not-a-reviewer-password")
FREE_FAILURES = 3
NAME_MAX_DELAY_S = 10.0
ADDRESS_MAX_DELAY_S = 600.0
RESET_AFTER_S = 3600.0


class ReviewersFileError(ValueError):
    """The reviewers file is unreadable or malformed: one line naming file and problem."""


@dataclass(frozen=True)
class Session:
    reviewer: str
    csrf_token: str
    expires_at: float
    credential: str = ""


class SigninThrottled(Exception):
    """Too many failed sign-ins for this name or address: try again in `wait_s`."""

    def __init__(self, wait_s: float) -> None:
        super().__init__(f"wait {wait_s:.0f} s")
        self.wait_s = wait_s


def users_file() -> Path:
    return Path(settings.get("AUDIENCE_REVIEWERS_FILE"))


def load_users(path: str | Path | None = None) -> dict[str, str]:
    """name -> argon2 hash. A missing file means no reviewer yet (nobody can sign in)."""
    file = Path(path) if path else users_file()
    try:
        stat = file.stat()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ReviewersFileError(f"{file}: cannot read reviewers: {exc}") from None
    # the desk reads the file on every request (a reset or removal must end sessions at
    # once); parsing it only when it changed keeps that cheap
    mark = (str(file.resolve()), stat.st_mtime_ns, stat.st_size, stat.st_ino)
    if _cache.get("mark") == mark:
        return dict(_cache["users"])
    users = _parse_users(file)
    _cache.update(mark=mark, users=users)
    return dict(users)


_cache: dict[str, Any] = {}


def _parse_users(file: Path) -> dict[str, str]:
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
    _write_users(file, users)
    return file


def _write_users(file: Path, users: dict[str, str]) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump({"reviewers": {n: {"password_hash": h}
                                                 for n, h in sorted(users.items())}}),
                   encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(file)


def remove_user(name: str, path: str | Path | None = None) -> Path:
    """Remove one reviewer; their sessions end on their next request."""
    file = Path(path) if path else users_file()
    users = load_users(file)
    if name not in users:
        raise ValueError(f"no reviewer named {name!r} in {file}")
    del users[name]
    _write_users(file, users)
    return file


def credential(password_hash: str | None) -> str:
    """What a session remembers of the password it was opened with."""
    return hashlib.sha256(password_hash.encode()).hexdigest() if password_hash else ""


def verify(users: dict[str, str], name: str, password: str) -> bool:
    digest = users.get(name)
    try:
        return _hasher.verify(digest or _DUMMY_HASH, password) and digest is not None
    except (VerificationError, InvalidHashError):
        return False


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(engine: sa.Engine, reviewer: str, ttl_seconds: float,
                 password_hash: str | None = None) -> tuple[str, Session]:
    """A new session: returns the cookie token (never stored) and the session."""
    token = secrets.token_urlsafe(32)
    now = time.time()
    session = Session(reviewer, secrets.token_urlsafe(32), now + ttl_seconds,
                      credential(password_hash))
    with engine.begin() as conn:
        conn.execute(review_sessions.delete().where(review_sessions.c.expires_at < now))
        conn.execute(review_sessions.insert().values(
            token_sha256=_sha(token), reviewer=reviewer, csrf_token=session.csrf_token,
            created_at=now, expires_at=session.expires_at, credential=session.credential))
    return token, session


def find_session(engine: sa.Engine, token: str | None,
                 current_hash: Callable[[str], str | None] | None = None) -> Session | None:
    """The live session for a cookie token. With `current_hash` (reviewer -> password
    hash now, None when removed), a session opened with another password, or for a
    reviewer no longer in the file, is ended here."""
    if not token:
        return None
    c = review_sessions.c
    with engine.connect() as conn:
        row = conn.execute(sa.select(review_sessions).where(
            c.token_sha256 == _sha(token), c.expires_at > time.time())).first()
    if row is None:
        return None
    session = Session(row.reviewer, row.csrf_token, row.expires_at, row.credential)
    if current_hash is not None and (
            not session.credential
            or not secrets.compare_digest(session.credential,
                                          credential(current_hash(session.reviewer)))):
        close_session(engine, token)
        return None
    return session


def revoke_sessions(engine: sa.Engine, reviewer: str) -> int:
    """End every session of one reviewer (removal, password reset)."""
    with engine.begin() as conn:
        return int(conn.execute(review_sessions.delete().where(
            review_sessions.c.reviewer == reviewer)).rowcount or 0)


def signin_delay(failures: int, cap: float) -> float:
    """Seconds before the attempt after `failures` failed ones: 0, then 1, 2, 4, ..."""
    if failures < FREE_FAILURES:
        return 0.0
    return float(min(cap, 2.0 ** (failures - FREE_FAILURES)))


class _Lost(Exception):
    """Another attempt claimed the same row first: read again."""


CLAIM_PATIENCE_S = 30.0  # how long one attempt keeps retrying lost races


def _ensure_rows(engine: sa.Engine, subjects: tuple[tuple[str, str, float], ...]) -> None:
    """Each counter's row, created at zero if absent, each in its own transaction: the
    counting below then only updates (compare-and-set), with no insert whose savepoint
    SQLite's driver could commit apart from the rest of the attempt."""
    table, c = review_signin_failures, review_signin_failures.c
    for scope, subject, _cap in subjects:
        with engine.connect() as conn:
            exists = conn.execute(sa.select(c.failures).where(
                c.scope == scope, c.subject == subject)).first()
        if exists is None:
            try:
                with engine.begin() as conn:
                    conn.execute(table.insert().values(
                        scope=scope, subject=subject, failures=0, next_at=0.0, last_at=0.0))
            except sa.exc.IntegrityError:
                pass  # a parallel attempt created it


def claim_attempt(engine: sa.Engine, name: str, address: str,
                  now: float | None = None) -> None:
    """Count one sign-in attempt for `name` and `address` before its password is
    checked; raises SigninThrottled while either must wait. Compare-and-set on each
    row's `failures` in one transaction, retried when a parallel attempt got there
    first; a counter idle for RESET_AFTER_S and not waiting starts again at one."""
    subjects = (("name", name[:256], NAME_MAX_DELAY_S),
                ("address", address[:256], ADDRESS_MAX_DELAY_S))
    table, c = review_signin_failures, review_signin_failures.c
    # Bounded by time, not by a count of lost races: on a loaded host a dozen parallel
    # guesses can each lose many rounds, and a guess that gives up must not be reported
    # as throttled without having been counted.
    deadline = time.monotonic() + CLAIM_PATIENCE_S
    busy = attempt = 0
    while time.monotonic() < deadline:
        attempt += 1
        at = time.time() if now is None else now
        try:
            _ensure_rows(engine, subjects)
            with engine.begin() as conn:
                rows = {scope: conn.execute(sa.select(table).where(
                    c.scope == scope, c.subject == subject)).one()
                    for scope, subject, _cap in subjects}
                fresh = {scope: r.last_at < at - RESET_AFTER_S and r.next_at <= at
                         for scope, r in rows.items()}
                wait = max((r.next_at - at for scope, r in rows.items() if not fresh[scope]),
                           default=0.0)
                if wait > 0:
                    raise SigninThrottled(wait)
                for scope, subject, cap in subjects:
                    row = rows[scope]
                    counted = 1 if fresh[scope] else row.failures + 1
                    done = conn.execute(table.update().where(
                        c.scope == scope, c.subject == subject,
                        c.failures == row.failures, c.last_at == row.last_at).values(
                        failures=counted, next_at=at + signin_delay(counted, cap),
                        last_at=at))
                    if done.rowcount != 1:
                        raise _Lost
            return
        except sa.exc.OperationalError:
            busy += 1  # SQLite's writer lock past its busy timeout
            if busy > 3:
                raise
        except (_Lost, sa.exc.NoResultFound):
            time.sleep(0.002 * (1 + attempt % 10))
    raise SigninThrottled(1.0)


def clear_failures(engine: sa.Engine, name: str, address: str) -> None:
    """A correct password: both counters start again."""
    c = review_signin_failures.c
    with engine.begin() as conn:
        conn.execute(review_signin_failures.delete().where(sa.or_(
            sa.and_(c.scope == "name", c.subject == name[:256]),
            sa.and_(c.scope == "address", c.subject == address[:256]))))


def close_session(engine: sa.Engine, token: str | None) -> None:
    if token:
        with engine.begin() as conn:
            conn.execute(review_sessions.delete().where(
                review_sessions.c.token_sha256 == _sha(token)))


def csrf_ok(session: Session, sent: str | None) -> bool:
    return bool(sent) and secrets.compare_digest(session.csrf_token, str(sent))
