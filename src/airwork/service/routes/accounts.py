"""``/me``, ``/users``, ``/tokens`` and ``/login``: who the caller is, the organisation's
users (an owner adds them, each with a first token and optionally a password), API tokens
(shown once, revocable), and signing in with a password (a token lasting 12 hours)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy import select

from airwork.service.auth import create_token, create_user, set_password, sign_in
from airwork.service.db import Org, Token, User, now
from airwork.service.deps import Svc, Who
from airwork.service.problems import responses
from airwork.service.routes.common import get_owned
from airwork.service.schemas import Login, PasswordSet, TokenCreate, UserCreate

__all__ = ["router"]

router = APIRouter(responses=responses(400, 401, 403, 404, 413, 422), tags=["accounts"])


@router.get("/me", summary="The caller, the organisation and its limits")
def me(svc: Svc, who: Who) -> dict[str, Any]:
    with svc.db.read() as s:
        org = s.get(Org, who.org_id)
    return {
        "user": {"id": who.user_id, "name": who.user_name, "role": who.role},
        "token_id": who.token_id,
        "org": {
            "id": org.id,
            "name": org.name,
            "limits": {
                "max_field_ha": org.max_field_ha,
                "max_active_jobs": org.max_active_jobs,
                "upload_bytes": org.upload_limit_bytes(svc.settings.limits.upload_bytes),
            },
        },
    }


def _user(u: User) -> dict[str, Any]:
    return {
        "id": u.id,
        "name": u.name,
        "role": u.role,
        "created_at": u.created_at,
        "has_password": u.password_hash is not None,
    }


@router.get("/users", summary="The organisation's users")
def list_users(svc: Svc, who: Who) -> list[dict[str, Any]]:
    with svc.db.read() as s:
        rows = s.scalars(
            select(User).where(User.org_id == who.org_id).order_by(User.created_at, User.id)
        ).all()
    return [_user(u) for u in rows]


@router.post("/users", status_code=201, summary="Add a user (owners); its token is shown once")
def add_user(svc: Svc, who: Who, body: UserCreate) -> dict[str, Any]:
    who.require("manage")
    with svc.db.write() as s:
        user = create_user(s, who.org_id, body.name, body.role, body.password)
        token, secret = create_token(s, user, f"created by {who.user_name}")
    return {"user": _user(user), "token": secret, "token_id": token.id}


def _token(t: Token) -> dict[str, Any]:
    return {
        "id": t.id,
        "user": t.user_id,
        "label": t.label,
        "created_at": t.created_at,
        "expires_at": t.expires_at,
        "revoked_at": t.revoked_at,
    }


@router.get("/tokens", summary="The caller's tokens (an owner's: the organisation's)")
def list_tokens(svc: Svc, who: Who) -> list[dict[str, Any]]:
    query = select(Token).where(Token.org_id == who.org_id)
    if who.role != "owner":
        query = query.where(Token.user_id == who.user_id)
    with svc.db.read() as s:
        return [_token(t) for t in s.scalars(query.order_by(Token.created_at, Token.id))]


@router.post("/tokens", status_code=201, summary="A new token for the caller, shown once")
def add_token(svc: Svc, who: Who, body: TokenCreate) -> dict[str, Any]:
    with svc.db.write() as s:
        user = s.get(User, who.user_id)
        token, secret = create_token(s, user, body.label)
    return {**_token(token), "token": secret}


@router.delete("/tokens/{token_id}", status_code=204, summary="Revoke a token")
def revoke_token(svc: Svc, who: Who, token_id: str) -> Response:
    with svc.db.write() as s:
        token = get_owned(s, Token, token_id, who, "token")
        if token.user_id != who.user_id:
            who.require("manage")
        token.revoked_at = token.revoked_at or now()
    return Response(status_code=204)


@router.post(
    "/login",
    summary="Sign in with organisation, user and password: a token lasting 12 hours",
    responses=responses(429),
)
def login(svc: Svc, body: Login) -> dict[str, Any]:
    return sign_in(svc.db, svc.brake, body.org, body.user, body.password)


@router.put("/me/password", status_code=204, summary="Set the caller's password")
def put_password(svc: Svc, who: Who, body: PasswordSet) -> Response:
    set_password(svc.db, who, body.password, body.current)
    return Response(status_code=204)
