"""The application factory: :func:`create_app` wires the database (migrated at start-up),
the file store, the job engine and the routes under ``/api/v1``."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from airwork import __version__
from airwork.service import problems
from airwork.service.config import Settings
from airwork.service.db import Database
from airwork.service.deps import Service, Svc, Who, principal, service
from airwork.service.runner import JobRunner
from airwork.service.storage import BlobStore

__all__ = ["Service", "Svc", "Who", "create_app", "principal", "service"]

log = logging.getLogger("airwork.service")


def create_app(settings: Settings | None = None, *, engine: Any = None) -> FastAPI:
    """The airwork service as an ASGI app.

    Parameters
    ----------
    settings : Settings, optional
        Default :meth:`Settings.from_env`.
    engine : Engine, optional
        A job engine to use (and leave open); default one made from the settings at
        start-up and closed at shutdown.
    """
    settings = settings or Settings.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        svc, owned = _start(settings, engine)
        app.state.service = svc
        try:
            yield
        finally:
            svc.runner.close()
            if owned is not None:
                owned.close()
            svc.db.dispose()

    app = FastAPI(
        title="airwork",
        version=__version__,
        summary="Plan, check and export civil drone aerial work, for teams.",
        description=(
            "Sites, aircraft, jobs and checks of one organisation. Every request carries "
            "`Authorization: Bearer TOKEN` (`airwork org create NAME` prints the first). "
            "Errors are RFC 9457 problem details with one-line messages."
        ),
        lifespan=lifespan,
        openapi_tags=[
            {"name": "jobs", "description": "Plan jobs off the request path."},
            {"name": "sites", "description": "Uploaded job files, airspace, obstacles, DEM."},
            {"name": "aircraft", "description": "Presets and the organisation's own."},
            {"name": "checks", "description": "Check any mission before it flies."},
            {"name": "accounts", "description": "The organisation, users and tokens."},
        ],
    )
    problems.install(app)
    from airwork.service.limits import BodyLimit

    app.add_middleware(BodyLimit, max_bytes=settings.limits.upload_bytes)
    from airwork.service.routes import accounts, checks, jobs, meta, sites

    for module in (jobs, sites, checks, accounts, meta):
        app.include_router(module.router, prefix="/api/v1")

    @app.get("/health", tags=["accounts"], summary="Liveness (no token needed)")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    _mount_webapp(app, settings)
    return app


def _mount_webapp(app: FastAPI, settings: Settings) -> None:
    """The web map app at ``/`` (static files, mounted after every route so ``/api/v1``,
    ``/docs``, ``/openapi.json`` and ``/health`` win), its pages sent with a
    Content-Security-Policy; the API's requests never pass through it."""
    from fastapi.staticfiles import StaticFiles
    from starlette.middleware.gzip import GZipMiddleware

    from airwork.webapp import content_security_policy, static_dir

    headers = [
        (b"content-security-policy", content_security_policy(settings.basemap_url).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
    ]
    # gzip the app's own files only (MapLibre: 1.7 MB to 0.45 MB); the API's outputs keep
    # their bytes as stored (their Repr-Digest is of the identity encoding)
    static = GZipMiddleware(StaticFiles(directory=static_dir(), html=True), minimum_size=1024)
    app.mount("/", _WithHeaders(static, headers), name="webapp")


class _WithHeaders:
    """An ASGI app that adds ``headers`` to every response of ``inner``."""

    def __init__(self, inner: Any, headers: list[tuple[bytes, bytes]]):
        self.inner = inner
        self.headers = headers

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.headers]}
            await send(message)

        await self.inner(scope, receive, send_with_headers)


def _start(settings: Settings, engine: Any) -> tuple[Service, Any]:
    from airwork.service import migrate

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    migrate.upgrade(db.engine)
    store = BlobStore(settings.data_dir)
    owned = None
    if engine is None:
        from airwork.engine import Engine

        engine = owned = Engine(
            settings.scheduler, workers=settings.workers, processes=settings.processes
        )
    runner = JobRunner(db, store, engine, settings)
    again = runner.recover()
    if again:
        log.warning("queued %d job(s) again after a restart: %s", len(again), ", ".join(again))
    return Service(settings, db, store, runner), owned
