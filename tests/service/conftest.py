"""The service under test: one Dask engine (threads) for the session, the API on SQLite
and on a fresh PostgreSQL + PostGIS database (``AIRWORK_TEST_PG_URL``, else a throw-away
server the tests install and start themselves: :mod:`tests.service.pgserver`)."""

from __future__ import annotations

import io
import json
import os
import secrets
import time
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio.raw
import pytest
import shapely

from . import pgserver

BACKENDS = ["sqlite", "postgresql"]
EXAMPLE = resources.files("airwork") / "data" / "example_field.geojson"


def example_bytes() -> bytes:
    return EXAMPLE.read_bytes()


def need_pg() -> str:
    """The PostgreSQL URL, or skip when no server can be had (fail on CI, where the tests
    install and start one themselves)."""
    pg_url = pgserver.url()
    if not pg_url:
        reason = "no PostgreSQL + PostGIS: not root, and Debian's packages are not installed"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return pg_url


def create_pg_database() -> str:
    """A new empty database on the test cluster; its URL."""
    import sqlalchemy as sa

    base = sa.engine.make_url(need_pg())
    name = f"airwork_{secrets.token_hex(6)}"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    import sqlalchemy as sa

    url_ = sa.engine.make_url(url)
    admin = sa.create_engine(url_.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {url_.database} WITH (FORCE)")
    admin.dispose()


@pytest.fixture(scope="session")
def engine():
    """One Dask engine (a LocalCluster of threads) shared by every test app."""
    from airwork.engine import Engine

    with Engine(processes=False, workers=1, threads_per_worker=2) as eng:
        yield eng


def database_url(backend: str, tmp: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'airwork.db'}"
        return
    url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


@dataclass
class Api:
    """A test client with helpers."""

    client: Any
    backend: str

    @property
    def app(self):
        return self.client.app

    @property
    def service(self):
        return self.app.state.service

    def org(self, name: str = "Acme", **kw: Any) -> Org:
        from airwork.service.auth import create_org

        out = create_org(self.service.db, name, **kw)
        return Org(self, out["org"]["id"], out["token"], out["user"]["id"])

    def wait(self, org: Org, job_id: str, timeout: float = 60.0) -> dict[str, Any]:
        end = time.monotonic() + timeout
        while True:
            body = self.client.get(f"/api/v1/jobs/{job_id}", headers=org.h).json()
            if body["status"] in ("done", "failed") or time.monotonic() > end:
                return body
            time.sleep(0.05)


@dataclass
class Org:
    api: Api
    id: str
    token: str
    user_id: str

    @property
    def h(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def upload(self, files: list[tuple[str, str, bytes]], **data: str):
        """POST /sites with ``(field, filename, bytes)`` parts."""
        parts = [
            (field, (name, content, "application/octet-stream")) for field, name, content in files
        ]
        return self.api.client.post("/api/v1/sites", headers=self.h, files=parts, data=data)

    def site(self) -> str:
        r = self.upload([("file", "example_field.geojson", example_bytes())])
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def job(self, site: str, **body: Any):
        payload = {"kind": "spray", "site": site, "aircraft": ["sprayer-40"], **body}
        return self.api.client.post("/api/v1/jobs", headers=self.h, json=payload)


def make_api(backend: str, tmp: Path, engine, **settings: Any) -> Iterator[Api]:
    from fastapi.testclient import TestClient

    from airwork.service import Settings, create_app

    for url in database_url(backend, tmp):
        app = create_app(Settings(data_dir=tmp / "data", db_url=url, **settings), engine=engine)
        with TestClient(app) as client:
            yield Api(client, backend)


@pytest.fixture(scope="session", params=BACKENDS)
def api(request, engine, tmp_path_factory) -> Iterator[Api]:
    """The service on each database (PostgreSQL skipped only where none can be started)."""
    if request.param == "postgresql":
        need_pg()
    yield from make_api(request.param, tmp_path_factory.mktemp(request.param), engine)


@pytest.fixture(scope="session")
def sqlite_api(engine, tmp_path_factory) -> Iterator[Api]:
    yield from make_api("sqlite", tmp_path_factory.mktemp("sqlite-only"), engine)


# ---------------------------------------------------------------------------- files
def example_features() -> list[dict[str, Any]]:
    return json.loads(example_bytes())["features"]


def write_ogr(path: Path, driver: str) -> Path:
    """The example field written with a GDAL driver."""
    feats = example_features()
    geoms = np.array([shapely.geometry.shape(f["geometry"]) for f in feats], dtype=object)
    columns = [
        np.array([f["properties"][k] for f in feats], dtype=object) for k in ("role", "name")
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        pyogrio.raw.write(
            path,
            shapely.to_wkb(geoms),
            columns,
            ["role", "name"],
            driver=driver,
            crs="EPSG:4326",
            geometry_type="Unknown",
        )
    return path


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def shapefile_zip(tmp: Path) -> bytes:
    """The example field's polygon as a zipped Shapefile (.shp, .shx, .dbf, .prj)."""
    feats = [f for f in example_features() if f["properties"]["role"] == "field"]
    geoms = np.array([shapely.geometry.shape(f["geometry"]) for f in feats], dtype=object)
    folder = tmp / f"shp-{secrets.token_hex(4)}"
    folder.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        pyogrio.raw.write(
            folder / "parcel.shp",
            shapely.to_wkb(geoms),
            [np.array(["field"], dtype=object)],
            ["role"],
            driver="ESRI Shapefile",
            crs="EPSG:4326",
            geometry_type="Polygon",
        )
    return zip_bytes({f"parcel/{p.name}": p.read_bytes() for p in sorted(folder.iterdir())})


@pytest.fixture(scope="session")
def slow_kind() -> Iterator[str]:
    """The ``slow-test`` kind, registered in this process (the threads engine sees it)."""
    from airwork.jobs import registry

    from .slow_kind import NAME, SLOW

    registry.register_kind(NAME, SLOW)
    yield NAME
    registry._KINDS.pop(NAME, None)
    registry.kind.cache_clear()
