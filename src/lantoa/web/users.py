"""Users, sessions and login throttling, over the web tables (SQLAlchemy Core, both backends).

Passwords are hashed with argon2id; session tokens are random and only their SHA-256 is stored,
so a leaked database does not let anyone log in. Each session carries its own CSRF secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from lantoa.errors import InputError, NotFound, PermissionDenied
from lantoa.web import schema as t

SESSION_TTL = timedelta(hours=12)
SESSION_CACHE_S = 5.0
"""Seconds a checked session is trusted without a database read (this process's logouts and
password changes take effect at once; another process's within this delay)."""
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)

_hasher = PasswordHasher()


class Role(StrEnum):
    """What a user may do: viewers read, editors also manage alerts and sources, admins everything."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {"viewer": 0, "editor": 1, "admin": 2}[self.value]


class TooManyAttempts(PermissionDenied):
    """Too many failed logins for this user from this address; wait before trying again."""


AGENCY_LEVELS = ("central", "province", "commune")


@dataclass(frozen=True)
class Agency:
    """A body in the external-information hierarchy (central, province, commune); every user
    belongs to one so that coordination can scope rights by place in the hierarchy."""

    id: int
    name: str
    level: str
    parent_id: int | None


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: Role
    lang: str
    active: bool
    agency_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class Session:
    token: str
    """The raw token (only known right after creation; the cookie value)."""
    user: User
    csrf_secret: str
    expires_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(session: Session) -> str:
    """The form token of a session: an HMAC of its secret, so it never reveals the cookie."""
    return hmac.new(session.csrf_secret.encode(), b"csrf", hashlib.sha256).hexdigest()


def check_csrf(session: Session, supplied: str | None) -> bool:
    return bool(supplied) and hmac.compare_digest(csrf_token(session), supplied or "")


def _validate(username: str, password: str | None) -> None:
    if not username or len(username) > 100 or not username.replace(".", "").replace("_", "").isalnum():
        raise InputError(f"invalid user name {username!r}: letters, digits, '.' and '_' only")
    if password is not None and len(password) < 8:
        raise InputError("password too short: at least 8 characters")


def _user(row: object) -> User:
    m = row._mapping  # type: ignore[attr-defined]
    return User(
        id=m["id"],
        username=m["username"],
        role=Role(m["role"]),
        lang=m["lang"],
        active=bool(m["active"]),
        agency_id=m["agency_id"],
        created_at=_aware(m["created_at"]),
    )


class UserService:
    """Accounts and sessions on one database engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cache: dict[str, tuple[float, Session]] = {}

    # agencies
    def add_agency(self, name: str, level: str, parent: str | None = None) -> Agency:
        if level not in AGENCY_LEVELS:
            raise InputError(f"agency level must be one of {', '.join(AGENCY_LEVELS)}, not {level!r}")
        if not name.strip():
            raise InputError("an agency needs a name")
        parent_id = self.agency(parent).id if parent else None
        try:
            with t.writer(self.engine).begin() as conn:
                conn.execute(t.agencies.insert().values(name=name.strip(), level=level, parent_id=parent_id))
        except IntegrityError as exc:
            raise InputError(f"agency {name!r} already exists") from exc
        return self.agency(name.strip())

    def agency(self, name: str) -> Agency:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.agencies).where(t.agencies.c.name == name)).first()
        if row is None:
            raise NotFound(f"no agency {name!r}")
        return Agency(row.id, row.name, row.level, row.parent_id)

    def list_agencies(self) -> list[Agency]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.agencies).order_by(t.agencies.c.id)).all()
        return [Agency(r.id, r.name, r.level, r.parent_id) for r in rows]

    # accounts
    def add(
        self,
        username: str,
        password: str,
        role: Role | str = Role.VIEWER,
        lang: str = "vi",
        agency: str | None = None,
    ) -> User:
        _validate(username, password)
        role = Role(role)
        agency_id = self.agency(agency).id if agency else None
        try:
            with t.writer(self.engine).begin() as conn:
                conn.execute(
                    t.users.insert().values(
                        username=username,
                        password_hash=_hasher.hash(password),
                        role=role.value,
                        agency_id=agency_id,
                        lang=lang if lang in ("vi", "en") else "vi",
                        active=True,
                        created_at=_now(),
                    )
                )
        except IntegrityError as exc:
            raise InputError(f"user {username!r} already exists") from exc
        return self.get(username)

    def get(self, username: str) -> User:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.users).where(t.users.c.username == username)).first()
        if row is None:
            raise NotFound(f"no user {username!r}")
        return _user(row)

    def list(self) -> list[User]:
        with self.engine.connect() as conn:
            return [_user(r) for r in conn.execute(select(t.users).order_by(t.users.c.username))]

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(t.users)).scalar_one())

    def set_password(self, username: str, password: str) -> None:
        _validate(username, password)
        with t.writer(self.engine).begin() as conn:
            done = conn.execute(
                t.users.update()
                .where(t.users.c.username == username)
                .values(password_hash=_hasher.hash(password))
            )
            if done.rowcount == 0:
                raise NotFound(f"no user {username!r}")
            self._cache.clear()
            uid = select(t.users.c.id).where(t.users.c.username == username).scalar_subquery()
            conn.execute(t.sessions.delete().where(t.sessions.c.user_id == uid))

    def set_lang(self, user_id: int, lang: str) -> None:
        if lang not in ("vi", "en"):
            raise InputError(f"unknown language {lang!r}")
        with t.writer(self.engine).begin() as conn:
            conn.execute(t.users.update().where(t.users.c.id == user_id).values(lang=lang))

    # login
    def recent_failures(self, username: str, ip: str) -> int:
        since = _now() - FAILURE_WINDOW
        q = (
            select(func.count())
            .select_from(t.login_attempts)
            .where(
                t.login_attempts.c.username == username,
                t.login_attempts.c.ip == ip,
                t.login_attempts.c.ok.is_(False),
                t.login_attempts.c.at >= since,
            )
        )
        with self.engine.connect() as conn:
            return int(conn.execute(q).scalar_one())

    def authenticate(self, username: str, password: str, ip: str) -> User:
        """Check a password; raise ``TooManyAttempts`` after 5 failures in 15 minutes (user + IP)."""
        if self.recent_failures(username, ip) >= MAX_FAILURES:
            raise TooManyAttempts("too many failed logins; try again in 15 minutes")
        with self.engine.connect() as conn:
            row = conn.execute(select(t.users).where(t.users.c.username == username)).first()
        ok = False
        if row is not None and row._mapping["active"]:
            try:
                ok = _hasher.verify(row._mapping["password_hash"], password)
            except (VerificationError, InvalidHashError):
                ok = False
        else:
            # Same work whether or not the user exists, so timing does not reveal user names.
            _hasher.hash(password)
        with t.writer(self.engine).begin() as conn:
            conn.execute(t.login_attempts.insert().values(username=username[:100], ip=ip, at=_now(), ok=ok))
        if not ok or row is None:
            raise PermissionDenied("wrong user name or password")
        if _hasher.check_needs_rehash(row._mapping["password_hash"]):
            self.set_password(username, password)
        return _user(row)

    # sessions
    def create_session(self, user: User, ttl: timedelta = SESSION_TTL) -> Session:
        token = secrets.token_urlsafe(32)
        secret = secrets.token_hex(32)
        expires = _now() + ttl
        with t.writer(self.engine).begin() as conn:
            conn.execute(
                t.sessions.insert().values(
                    token_hash=token_hash(token),
                    user_id=user.id,
                    csrf_secret=secret,
                    created_at=_now(),
                    expires_at=expires,
                )
            )
        return Session(token, user, secret, expires)

    def session(self, token: str | None) -> Session | None:
        """The live session of a cookie value, or None (unknown, expired, or user disabled)."""
        if not token or len(token) > 200:
            return None
        key = token_hash(token)
        cached = self._cache.get(key)
        if cached and time.monotonic() - cached[0] < SESSION_CACHE_S and cached[1].expires_at > _now():
            return cached[1]
        q = (
            select(t.users, t.sessions.c.csrf_secret, t.sessions.c.expires_at)
            .join(t.users, t.users.c.id == t.sessions.c.user_id)
            .where(t.sessions.c.token_hash == key)
        )
        with self.engine.connect() as conn:
            row = conn.execute(q).first()
        if row is None:
            return None
        m = row._mapping
        expires = _aware(m["expires_at"])
        if expires <= _now() or not m["active"]:
            self.end_session(token)
            return None
        session = Session(token, _user(row), m["csrf_secret"], expires)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[key] = (time.monotonic(), session)
        return session

    def end_session(self, token: str) -> None:
        self._cache.pop(token_hash(token), None)
        with t.writer(self.engine).begin() as conn:
            conn.execute(t.sessions.delete().where(t.sessions.c.token_hash == token_hash(token)))
