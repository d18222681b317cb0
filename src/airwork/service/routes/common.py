"""Pieces every route module shares: lookups scoped to the caller's organisation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from airwork.service.auth import Principal
from airwork.service.errors import NotFound, TooLarge

__all__ = ["get_owned", "page", "plausible_id"]


def plausible_id(value: str) -> bool:
    return 0 < len(value) <= 64 and value.isascii() and value.isprintable()


def get_owned(session: Any, model: Any, id_: str, who: Principal, what: str) -> Any:
    """The row ``id_`` of the caller's organisation; 404 otherwise (another
    organisation's row is not found, exactly as a missing one)."""
    row = session.get(model, id_) if plausible_id(id_) else None
    if row is None or row.org_id != who.org_id:
        raise NotFound(f"{what} {id_[:64]!r} not found")
    return row


def page(session: Any, query: Any, limit: int, offset: int) -> tuple[list[Any], int]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.scalars(query.limit(limit).offset(offset)).all()
    return list(rows), int(total or 0)


def within_org_limit(org: Any, server_bytes: int, uploads: list[Any]) -> None:
    """Refuse an upload larger than the organisation's own limit (413).

    Raises
    ------
    TooLarge
    """
    limit = org.upload_limit_bytes(server_bytes)
    size = sum(len(u.data) for u in uploads)
    if size > limit:
        raise TooLarge(
            f"the upload is {_size(size)}, over the organisation's limit of {_size(limit)}"
        )


def _size(n: int) -> str:
    return f"{n:,} bytes" if n < 2**20 else f"{n / 2**20:.1f} MiB"
