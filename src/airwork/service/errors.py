"""The service's own refusals, each with its HTTP status (rendered as RFC 9457
problem+json by :mod:`airwork.service.problems`)."""

from __future__ import annotations

from airwork.errors import AirworkError

__all__ = [
    "Conflict",
    "Forbidden",
    "NotFound",
    "ServiceError",
    "TooLarge",
    "TooMany",
    "Unauthorized",
    "UploadError",
]


class ServiceError(AirworkError):
    """A refusal with an HTTP status and a one-line message."""

    status = 400
    title = "Bad Request"


class UploadError(ServiceError, ValueError):
    """An uploaded file is of the wrong kind, unreadable, or unsafe."""


class Unauthorized(ServiceError):
    status = 401
    title = "Unauthorized"


class Forbidden(ServiceError):
    status = 403
    title = "Forbidden"


class NotFound(ServiceError, LookupError):
    status = 404
    title = "Not Found"


class Conflict(ServiceError):
    status = 409
    title = "Conflict"


class TooLarge(ServiceError):
    status = 413
    title = "Content Too Large"


class TooMany(ServiceError):
    status = 429
    title = "Too Many Requests"
