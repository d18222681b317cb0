"""Organisations, users, API tokens and what each role may do.

A token is ``aw_`` and 43 random URL-safe characters, shown once; the database keeps only
its SHA-256 (a token has 256 bits of entropy, so a fast hash suffices, as for session
keys).  Every request names its token in ``Authorization: Bearer``; the token's user and
organisation scope everything the request sees: another organisation's resources are not
found, exactly as if they did not exist.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from airwork.service.db import ROLES, Database, Org, Token, User, new_id, now
from airwork.service.errors import Forbidden, Unauthorized
from airwork.service.passwords import Brake, hash_password, verify_password

__all__ = [
    "PERMISSIONS",
    "Principal",
    "authenticate",
    "create_org",
    "create_token",
    "create_user",
    "hash_token",
    "set_password",
    "sign_in",
]

PERMISSIONS: dict[str, frozenset[str]] = {
    "read": frozenset(ROLES),
    "check": frozenset({"owner", "planner", "pilot"}),
    "plan": frozenset({"owner", "planner"}),
    "manage": frozenset({"owner"}),
}
"""Action -> roles allowed: every role reads; pilots also check missions; planners upload
sites and aircraft and run and cancel jobs; owners also manage users and tokens."""

TOKEN_PREFIX = "aw_"


@dataclass(frozen=True)
class Principal:
    """Who makes a request."""

    user_id: str
    user_name: str
    org_id: str
    role: str
    token_id: str

    def require(self, action: str) -> None:
        """Raise 403 unless the role may ``action``."""
        if self.role not in PERMISSIONS[action]:
            allowed = ", ".join(r for r in ROLES if r in PERMISSIONS[action])
            raise Forbidden(f"a {self.role} may not {action} (needs {allowed})")


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(
    session: Any, user: User, label: str = "", *, lifetime: timedelta | None = None
) -> tuple[Token, str]:
    """A new token of ``user`` (added to the session); ``(row, secret)``.  With a
    ``lifetime`` it expires that long after now; without, it lasts until revoked."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    made = now()
    row = Token(
        id=new_id("tok"),
        user_id=user.id,
        org_id=user.org_id,
        secret_sha256=hash_token(secret),
        label=label[:200],
        created_at=made,
        expires_at=None if lifetime is None else made + lifetime,
    )
    session.add(row)
    return row, secret


def create_user(
    session: Any, org_id: str, name: str, role: str, password: str | None = None
) -> User:
    if role not in ROLES:
        raise ValueError(f"role {role!r}: one of {', '.join(ROLES)}")
    user = User(
        id=new_id("usr"),
        org_id=org_id,
        name=name[:200],
        role=role,
        created_at=now(),
        password_hash=None if password is None else hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def create_org(
    db: Database,
    name: str,
    *,
    owner: str = "owner",
    password: str | None = None,
    max_field_ha: float = 5000.0,
    max_active_jobs: int = 20,
    max_upload_mb: float | None = None,
) -> dict[str, Any]:
    """A new organisation with its owner and the owner's first token (one transaction).

    Returns
    -------
    dict
        ``{"org": {...}, "user": {...}, "token": SECRET}``.
    """
    name = name.strip()
    if not name or len(name) > 200:
        raise ValueError("an organisation's name has 1 to 200 characters")
    with db.write() as s:
        org = Org(
            id=new_id("org"),
            name=name,
            created_at=now(),
            max_field_ha=float(max_field_ha),
            max_active_jobs=int(max_active_jobs),
            max_upload_bytes=None if max_upload_mb is None else int(max_upload_mb * 2**20),
        )
        s.add(org)
        s.flush()
        user = create_user(s, org.id, owner, "owner", password)
        _, secret = create_token(s, user, "created with the organisation")
    return {
        "org": {"id": org.id, "name": org.name},
        "user": {"id": user.id, "name": user.name, "role": user.role},
        "token": secret,
    }


def authenticate(db: Database, header: str | None) -> Principal:
    """The principal of an ``Authorization`` header.

    Raises
    ------
    Unauthorized
        No header, not a bearer token, or an unknown or revoked token.
    """
    if not header:
        raise Unauthorized("missing Authorization: Bearer TOKEN header")
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise Unauthorized("the Authorization header must be 'Bearer TOKEN'")
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        raise Unauthorized("invalid or revoked token")
    with db.read() as s:
        row = s.execute(
            select(Token, User)
            .join(User, User.id == Token.user_id)
            .where(Token.secret_sha256 == hash_token(secret), Token.revoked_at.is_(None))
        ).first()
    if row is None:
        raise Unauthorized("invalid or revoked token")
    token, user = row
    if token.expires_at is not None and token.expires_at <= now():
        raise Unauthorized("the token has expired; sign in again")
    return Principal(user.id, user.name, user.org_id, user.role, token.id)


SIGN_IN_LIFETIME = timedelta(hours=12)
"""How long a token made by signing in with a password lasts."""
_WRONG = "wrong organisation, user or password"


def sign_in(db: Database, brake: Brake, org: str, user: str, password: str) -> dict[str, Any]:
    """A new token for the user ``user`` of the organisation named ``org`` whose password
    is ``password``, lasting :data:`SIGN_IN_LIFETIME`.

    Organisation names need not be unique: the password decides among at most five
    same-named users of same-named organisations.

    Raises
    ------
    Unauthorized
        The same line whether the organisation, the user or the password is wrong.
    TooMany
        Too many failed sign-ins of this name lately.
    """
    key = f"{org.strip().casefold()}\x00{user.strip().casefold()}"
    brake.check(key)
    with db.read() as s:
        candidates = s.scalars(
            select(User)
            .join(Org, Org.id == User.org_id)
            .where(Org.name == org.strip(), User.name == user.strip())
            .order_by(User.created_at, User.id)
            .limit(5)
        ).all()
    found = next((u for u in candidates if verify_password(password, u.password_hash)), None)
    if found is None:
        if not candidates:
            verify_password(password, None)  # the same work as for a real user
        brake.failed(key)
        raise Unauthorized(_WRONG)
    brake.succeeded(key)
    with db.write() as s:
        person = s.get(User, found.id)
        token, secret = create_token(s, person, "signed in", lifetime=SIGN_IN_LIFETIME)
        org_row = s.get(Org, person.org_id)
        answer = {
            "token": secret,
            "token_id": token.id,
            "expires_at": token.expires_at,
            "user": {"id": person.id, "name": person.name, "role": person.role},
            "org": {"id": org_row.id, "name": org_row.name},
        }
    return answer


def set_password(db: Database, who: Principal, password: str, current: str | None) -> None:
    """Set the caller's password; when one is set already, ``current`` must match it."""
    with db.write() as s:
        person = s.get(User, who.user_id)
        if person.password_hash is not None and not verify_password(
            current or "", person.password_hash
        ):
            raise Forbidden("the current password is wrong")
        person.password_hash = hash_password(password)
