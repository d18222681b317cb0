"""The operator's workspace: a multi-tenant HTTP service over the library.

Organisations keep their sites, aircraft, jobs and results in one database (SQLite by
default, PostgreSQL with PostGIS for teams); jobs run on Dask distributed
(:mod:`airwork.engine`) off the request path.  ``airwork serve`` starts it;
:func:`create_app` makes the ASGI app.  Nothing but the command line imports this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from airwork.service.app import create_app
    from airwork.service.config import Limits, Settings

__all__ = ["Limits", "Settings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from airwork.service.app import create_app

        return create_app
    if name in ("Limits", "Settings"):
        from airwork.service import config

        return getattr(config, name)
    raise AttributeError(name)
