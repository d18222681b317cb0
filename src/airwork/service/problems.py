"""Errors as RFC 9457 problem details (``application/problem+json``), with the same one-line
messages the command line prints, for every refusal: the service's own, the library's
(``AirworkError``: 400), request validation (422), unknown routes and methods, and, for a
bug of ours, a 500 without a traceback."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from airwork.errors import AirworkError
from airwork.service.errors import ServiceError

__all__ = ["PROBLEM", "Problem", "install", "problem_response", "responses"]

PROBLEM = "application/problem+json"
log = logging.getLogger("airwork.service")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field("about:blank", description="A URI naming the problem type")
    title: str = Field(description="The HTTP status phrase")
    status: int = Field(description="The HTTP status code")
    detail: str = Field(description="What went wrong, in one line")
    instance: str | None = Field(None, description="The request path")


def problem_response(
    status: int, detail: str, *, instance: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": " ".join(str(detail).split()) or title,
    }
    if instance:
        body["instance"] = instance
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries of problem codes."""
    return {
        code: {
            "model": Problem,
            "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
            "description": HTTPStatus(code).phrase,
        }
        for code in codes
    }


_SECRET_FIELDS = {"password", "current"}
"""Fields whose values an error never repeats."""


def _validation_detail(exc: RequestValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        value = err.get("input")
        secret = bool(set(map(str, err.get("loc", ()))) & _SECRET_FIELDS)
        plain = isinstance(value, dict | list) or value is None or secret
        shown = "" if plain else f" = {value!r}"
        if len(shown) > 80:
            shown = shown[:77] + "..."
        lines.append(f"{loc}{shown}: {err.get('msg', 'invalid')}")
    return "; ".join(lines) or "invalid request"


def install(app: FastAPI) -> None:
    """Register the problem handlers on ``app``."""

    @app.exception_handler(ServiceError)
    async def _service(request: Request, exc: ServiceError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return problem_response(exc.status, str(exc), instance=request.url.path, headers=headers)

    @app.exception_handler(AirworkError)
    async def _airwork(request: Request, exc: AirworkError) -> JSONResponse:
        return problem_response(400, str(exc), instance=request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(422, _validation_detail(exc), instance=request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(
            exc.status_code, str(exc.detail), instance=request.url.path, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return problem_response(
            500,
            f"internal error ({type(exc).__name__}); this is a bug in airwork, please report it",
            instance=request.url.path,
        )
