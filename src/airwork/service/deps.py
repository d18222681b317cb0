"""What every route depends on: the shared :class:`Service` and the caller (FastAPI
dependencies). The routes import them from here, and the app factory
(:mod:`airwork.service.app`) imports the routes: the arrows run one way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from airwork.service.auth import Principal, authenticate
from airwork.service.config import Settings
from airwork.service.db import Database
from airwork.service.passwords import Brake
from airwork.service.runner import JobRunner
from airwork.service.storage import BlobStore

__all__ = ["Service", "Svc", "Who", "principal", "service"]

_bearer = HTTPBearer(auto_error=False, description="An API token: Authorization: Bearer TOKEN")


@dataclass
class Service:
    """What the routes share: settings, database, file store, job runner and the brake
    on guessing passwords."""

    settings: Settings
    db: Database
    store: BlobStore
    runner: JobRunner
    brake: Brake = field(default_factory=Brake)


def service(request: Request) -> Service:
    return request.app.state.service


def principal(
    request: Request,
    _creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, from ``Authorization: Bearer TOKEN`` (401 without a valid token)."""
    return authenticate(service(request).db, request.headers.get("authorization"))


Svc = Annotated[Service, Depends(service)]
"""A route's :class:`Service`."""
Who = Annotated[Principal, Depends(principal)]
"""A route's caller (401 without a valid token)."""
