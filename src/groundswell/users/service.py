"""Users, sign-in with throttling, browser sessions and API tokens. Services flush and never commit."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from groundswell.errors import Conflict, InvalidInput, NotFound, TooManyAttempts, Unauthenticated
from groundswell.governance import audit_log
from groundswell.models import ApiToken, Employee, User, WebSession
from groundswell.users.passwords import MIN_LENGTH, generate_password, hash_password, needs_rehash, verify_password
from groundswell.users.permissions import Role

SESSION_LIFETIME = timedelta(hours=12)
MAX_FAILURES = 5  # consecutive failed sign-ins before the account locks
LOCK_BASE = timedelta(minutes=1)  # doubles with every further failure, up to LOCK_MAX
LOCK_MAX = timedelta(hours=1)
TOKEN_PREFIX = "gs_"
SCOPES = ("read", "write")


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class NewUser:
    user: User
    password: str  # as given, or generated; shown once


def create_user(
    session: Session,
    *,
    username: str,
    role: str,
    password: str | None = None,
    employee_handle: str | None = None,
    display_name: str = "",
    email: str | None = None,
    actor: str = "system",
    now: datetime | None = None,
) -> NewUser:
    name = username.strip().lower()
    if not name or len(name) > 128 or any(c.isspace() for c in name):
        raise InvalidInput("a username is 1 to 128 characters without spaces")
    try:
        role = Role(role).value
    except ValueError:
        raise InvalidInput(f"unknown role {role!r}: use one of {', '.join(r.value for r in Role)}") from None
    if session.scalar(select(User.id).where(User.username == name)) is not None:
        raise Conflict(f"user {name!r} already exists")
    password = password if password is not None else generate_password()
    _check_password(password)
    employee_id = None
    if employee_handle:
        employee_id = session.scalar(select(Employee.id).where(Employee.handle == employee_handle))
        if employee_id is None:
            raise NotFound(f"no employee with handle {employee_handle!r}: import the people file first")
    when = _now(now)
    user = User(
        username=name, display_name=display_name or name, email=email, role=role,
        password_hash=hash_password(password), employee_id=employee_id, active=True, failed_logins=0,
        created_at=when, updated_at=when,
    )  # fmt: skip
    session.add(user)
    session.flush()
    audit_log.append(
        session, actor=actor, action="user.created", entity="user", entity_id=user.id,
        after={"username": name, "role": role, "employee": employee_handle}, at=when,
    )  # fmt: skip
    return NewUser(user=user, password=password)


def _check_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_LENGTH} characters")


def set_password(session: Session, *, user_id: int, password: str, actor: str, now: datetime | None = None) -> User:
    _check_password(password)
    user = get_user(session, user_id)
    user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until, user.updated_at = 0, None, _now(now)
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))  # sign out everywhere
    audit_log.append(
        session, actor=actor, action="user.password_set", entity="user", entity_id=user.id, at=user.updated_at
    )
    return user


def update_user(
    session: Session, *, user_id: int, actor: str, role: str | None = None, active: bool | None = None,
    display_name: str | None = None, now: datetime | None = None,
) -> User:  # fmt: skip
    user = get_user(session, user_id)
    before = {"role": user.role, "active": user.active, "display_name": user.display_name}
    if role is not None:
        user.role = Role(role).value
    if active is not None:
        user.active = active
        if not active:
            session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    if display_name is not None:
        user.display_name = display_name
    user.updated_at = _now(now)
    after = {"role": user.role, "active": user.active, "display_name": user.display_name}
    if after != before:
        audit_log.append(
            session, actor=actor, action="user.updated", entity="user", entity_id=user.id,
            before=before, after=after, at=user.updated_at,
        )  # fmt: skip
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user with id {user_id}")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def authenticate(session: Session, *, username: str, password: str, now: datetime | None = None) -> User:
    """The user, if the password is right and the account is active and not locked. Failures count towards a
    lock that grows with each further failure; the error never says whether the username exists."""
    when = _now(now)
    user = session.scalar(select(User).where(User.username == username.strip().lower()).with_for_update())
    if user is not None and user.locked_until is not None and user.locked_until > when:
        raise TooManyAttempts(f"too many failed sign-ins: try again after {user.locked_until:%H:%M} UTC")
    if not verify_password(user.password_hash if user else None, password) or user is None or not user.active:
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILURES:
                lock = min(LOCK_BASE * 2 ** (user.failed_logins - MAX_FAILURES), LOCK_MAX)
                user.locked_until = when + lock
        session.flush()
        raise Unauthenticated("wrong username or password")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, when
    session.flush()
    return user


@dataclass(frozen=True, slots=True)
class SignedIn:
    token: str  # the cookie's value
    web_session: WebSession


def start_session(
    session: Session, *, user: User, ip: str | None = None, user_agent: str | None = None, now: datetime | None = None
) -> SignedIn:
    when = _now(now)
    token = secrets.token_urlsafe(32)
    row = WebSession(
        token_hash=_digest(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32), created_at=when,
        expires_at=when + SESSION_LIFETIME, ip=ip, user_agent=(user_agent or "")[:512] or None,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return SignedIn(token=token, web_session=row)


def session_user(session: Session, token: str, *, now: datetime | None = None) -> tuple[User, WebSession] | None:
    row = session.scalar(select(WebSession).where(WebSession.token_hash == _digest(token)))
    if row is None or row.expires_at <= _now(now):
        return None
    user = session.get(User, row.user_id)
    return (user, row) if user is not None and user.active else None


def end_session(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == _digest(token)))


@dataclass(frozen=True, slots=True)
class NewToken:
    token: str  # shown once
    row: ApiToken


def create_token(
    session: Session, *, user_id: int, name: str, scopes: list[str], actor: str,
    expires_at: datetime | None = None, now: datetime | None = None,
) -> NewToken:  # fmt: skip
    unknown = sorted(set(scopes) - set(SCOPES))
    if not scopes or unknown:
        raise InvalidInput(f"token scopes are {' and/or '.join(SCOPES)}; got {scopes}")
    if not name.strip():
        raise InvalidInput("give the token a name that says what uses it")
    user = get_user(session, user_id)
    when = _now(now)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id, name=name.strip()[:128], prefix=token[:10], token_hash=_digest(token),
        scopes=sorted(set(scopes)), created_at=when, expires_at=expires_at,
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit_log.append(
        session, actor=actor, action="token.created", entity="api_token", entity_id=row.id,
        after={"user": user.username, "name": row.name, "scopes": row.scopes}, at=when,
    )  # fmt: skip
    return NewToken(token=token, row=row)


def token_user(session: Session, token: str, *, now: datetime | None = None) -> tuple[User, ApiToken] | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    when = _now(now)
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= when):
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return user, row


def touch_token(session: Session, *, token_id: int, now: datetime | None = None) -> None:
    row = session.get(ApiToken, token_id)
    if row is not None:
        row.last_used_at = _now(now)


def revoke_token(
    session: Session, *, token_id: int, actor: str, user_id: int | None = None, now: datetime | None = None
) -> ApiToken:
    """Revoke a token; with `user_id`, only one of that user's own."""
    row = session.get(ApiToken, token_id)
    if row is None or (user_id is not None and row.user_id != user_id):
        raise NotFound(f"no API token with id {token_id}")
    if row.revoked_at is None:
        row.revoked_at = _now(now)
        audit_log.append(
            session, actor=actor, action="token.revoked", entity="api_token", entity_id=row.id, at=row.revoked_at
        )
    return row


def list_tokens(session: Session, *, user_id: int | None = None) -> list[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.id)
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return list(session.scalars(query))


def actor_name(session: Session, user: User) -> str:
    """The name a user's actions carry: their employee handle when linked (so the inbox and the approval
    machine know them), else their username."""
    if user.employee_id is not None:
        handle = session.scalar(select(Employee.handle).where(Employee.id == user.employee_id))
        if handle:
            return handle
    return user.username
