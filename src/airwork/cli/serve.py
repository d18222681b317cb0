"""``airwork serve`` (the operator's workspace over HTTP) and ``airwork org`` (organisations
and their first owner token)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from airwork.cli.common import console, handle_errors

__all__ = ["org_app", "private_tmp", "serve"]

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="AIRWORK_DB",
        help="Database URL: sqlite:///FILE or postgresql+psycopg://USER@HOST/DB "
        "[default: a SQLite file in the data directory].",
    ),
]
DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="AIRWORK_DATA",
        help="Uploaded files and the default database [default: ./airwork-data].",
    ),
]


@handle_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    db: DbOpt = None,
    data_dir: DataOpt = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Dask scheduler tcp://HOST:PORT of a cluster [default: a local cluster].",
        ),
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Workers of the local cluster.", min=1)
    ] = None,
    max_upload_mb: Annotated[
        float, typer.Option("--max-upload-mb", help="Largest request body (MiB).", min=0.01)
    ] = 20.0,
    basemap_url: Annotated[
        str | None,
        typer.Option(
            "--basemap-url",
            envvar="AIRWORK_BASEMAP_URL",
            help="Raster tile URL template (https://HOST/{z}/{x}/{y}.png) under the web app's "
            "map [default: none, a plain background with a graticule].",
        ),
    ] = None,
    basemap_attribution: Annotated[
        str | None,
        typer.Option(
            "--basemap-attribution",
            envvar="AIRWORK_BASEMAP_ATTRIBUTION",
            help="The tile provider's credit shown under its tiles, e.g. '© OpenStreetMap "
            "contributors' [default: the tile host's name].",
        ),
    ] = None,
) -> None:
    """Start the service: the web map app at /, the HTTP API (OpenAPI at /openapi.json, docs
    at /docs) and the job engine."""
    import dataclasses

    import uvicorn

    from airwork.service import Limits, Settings, create_app

    limits = dataclasses.replace(Limits(), upload_bytes=int(max_upload_mb * 2**20))
    if basemap_url is not None and not basemap_url.startswith(("https://", "http://")):
        from airwork.cli.common import fail

        fail(
            f"--basemap-url {basemap_url[:80]!r}: an http(s) URL template, e.g. https://HOST/{{z}}/{{x}}/{{y}}.png"
        )
    settings = Settings.from_env(
        db_url=db,
        data_dir=data_dir,
        scheduler=scheduler,
        workers=workers,
        limits=limits,
        basemap_url=basemap_url,
        basemap_attribution=basemap_attribution,
    )
    from airwork.service.serverlock import one_server

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with one_server(settings.database_url):  # a second server on this database: one line
        _migrated(settings)
        private_tmp(settings.data_dir)
        console.print(
            f"airwork service on http://{host}:{port} (web app /, docs /docs), data in "
            f"{settings.data_dir.resolve()}, database {_safe_url(settings.database_url)}",
            highlight=False,
        )
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def private_tmp(data_dir: Path) -> Path:
    """Temporary files of this process and its local workers (spooled uploads, the
    workers' job folders) go to ``DATA_DIR/tmp``, not to the system's temporary folder."""
    import tempfile

    folder = (Path(data_dir) / "tmp").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = None  # computed again from TMPDIR
    return folder


def _migrated(settings) -> None:
    """Create or migrate the database now, so a database that cannot be used is one line."""
    from airwork.service.db import Database
    from airwork.service.migrate import upgrade

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings.database_url)
    try:
        upgrade(database.engine)
    except Exception as exc:  # SQLAlchemy's and the drivers' errors: say which database
        from airwork.cli.common import fail

        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        fail(f"cannot use the database {_safe_url(settings.database_url)}: {first}")
    finally:
        database.dispose()


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


org_app = typer.Typer(help="Organisations of the service.", no_args_is_help=True)


@org_app.command("create")
@handle_errors
def org_create(
    name: Annotated[str, typer.Argument(help="The organisation's name.")],
    db: DbOpt = None,
    data_dir: DataOpt = None,
    owner: Annotated[str, typer.Option("--owner", help="The owner's user name.")] = "owner",
    owner_password: Annotated[
        str | None,
        typer.Option(
            "--owner-password",
            envvar="AIRWORK_OWNER_PASSWORD",
            help="The owner's password for signing in on the web app (10+ characters; "
            "prefer the environment variable, which other users' ps does not show).",
            show_default=False,
        ),
    ] = None,
    max_field_ha: Annotated[
        float,
        typer.Option("--max-field-ha", help="Largest field of a site (ha).", min=0.01, max=1e6),
    ] = 5000.0,
    max_active_jobs: Annotated[
        int,
        typer.Option(
            "--max-active-jobs", help="Queued and running jobs at once.", min=1, max=10**6
        ),
    ] = 20,
    max_upload_mb: Annotated[
        float | None,
        typer.Option(
            "--max-upload-mb",
            help="Largest upload of this organisation (MiB), within the server's "
            "[default: the server's].",
            min=0.001,
            max=1e6,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create an organisation with its owner; prints the owner's token (shown once)."""
    if owner_password is not None and not 10 <= len(owner_password) <= 200:
        raise typer.BadParameter("10 to 200 characters", param_hint="--owner-password")
    limits = {
        "max_field_ha": max_field_ha,
        "max_active_jobs": max_active_jobs,
        "max_upload_mb": max_upload_mb,
    }
    out = _org_create(name, db, data_dir, owner, owner_password, limits)
    if as_json:
        typer.echo(json.dumps(out))
        return
    console.print(f"organisation {out['org']['name']} ({out['org']['id']})", highlight=False)
    console.print(f"owner token (shown once): {out['token']}", highlight=False)


def _org_create(name, db, data_dir, owner, password, limits: dict) -> dict:
    from airwork.service import Settings
    from airwork.service.auth import create_org
    from airwork.service.db import Database

    settings = Settings.from_env(db_url=db, data_dir=data_dir)
    _migrated(settings)
    database = Database(settings.database_url)
    try:
        return create_org(
            database,
            name,
            owner=owner,
            password=password,
            **limits,
        )
    finally:
        database.dispose()


@org_app.command("list")
@handle_errors
def org_list(db: DbOpt = None, data_dir: DataOpt = None) -> None:
    """List the organisations (id, name)."""
    from sqlalchemy import select

    from airwork.service import Settings
    from airwork.service.db import Database, Org

    settings = Settings.from_env(db_url=db, data_dir=data_dir)
    _migrated(settings)
    database = Database(settings.database_url)
    try:
        with database.read() as s:
            for org in s.scalars(select(Org).order_by(Org.created_at)):
                typer.echo(f"{org.id}  {org.name}")
    finally:
        database.dispose()
