"""The Alembic migrations, up and down, on SQLite and PostgreSQL + PostGIS; the schema they
make is the models' (autogenerate finds nothing to change)."""

from __future__ import annotations

import warnings

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from airwork.service import migrate
from airwork.service.db import Base, Database

from .conftest import BACKENDS, create_pg_database, drop_pg_database

TABLES = {"orgs", "users", "tokens", "sites", "aircraft", "jobs", "job_files"}
POSTGIS = {"spatial_ref_sys"}


@pytest.fixture(params=BACKENDS)
def empty_db(request, tmp_path):
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'm.db'}")
        yield db
        db.dispose()
        return
    url = create_pg_database()
    db = Database(url)
    try:
        yield db
    finally:
        db.dispose()
        drop_pg_database(url)


def tables(db: Database) -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - POSTGIS


def differences(db: Database) -> list:
    def include(obj, name, type_, reflected, compare_to):
        # PostGIS's own table and our GiST index (made by the migration on PostgreSQL only)
        return name not in POSTGIS and name != "ix_sites_geometry"

    with db.engine.connect() as conn, warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Did not recognize type 'geometry'")  # PostGIS's
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include}
        )
        return compare_metadata(ctx, Base.metadata)


def test_up_down_up(empty_db):
    db = empty_db
    assert migrate.current(db.engine) is None
    migrate.upgrade(db.engine)
    assert migrate.current(db.engine) == migrate.head() == "0003"
    assert tables(db) == TABLES | {"alembic_version"}
    assert differences(db) == []
    migrate.downgrade(db.engine)
    assert migrate.current(db.engine) is None
    assert tables(db) == {"alembic_version"}
    migrate.upgrade(db.engine)
    assert tables(db) == TABLES | {"alembic_version"}


def test_upgrade_is_idempotent_and_keeps_rows(empty_db):
    from airwork.service.auth import create_org

    db = empty_db
    migrate.upgrade(db.engine)
    org = create_org(db, "Kept")
    migrate.upgrade(db.engine)
    with db.read() as s:
        assert s.execute(sa.text("SELECT name FROM orgs")).scalars().all() == ["Kept"]
    assert org["token"].startswith("aw_")


def test_0002_adds_passwords_to_existing_users(empty_db):
    """An organisation made before passwords keeps its owner and token; the owner has no
    password and the token does not expire."""
    from airwork.service.auth import authenticate, create_org

    db = empty_db
    migrate.upgrade(db.engine, "0001")
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO orgs (id, name, created_at, max_field_ha, max_active_jobs) "
            "VALUES ('org_old', 'Old', '2026-01-01 00:00:00+00:00', 10, 2)"
        )
        conn.exec_driver_sql(
            "INSERT INTO users (id, org_id, name, role, created_at) "
            "VALUES ('usr_old', 'org_old', 'boss', 'owner', '2026-01-01 00:00:00+00:00')"
        )
    migrate.upgrade(db.engine)
    assert migrate.current(db.engine) == "0003"
    with db.read() as s:
        hashes = s.execute(sa.text("SELECT password_hash FROM users")).scalars().all()
    assert hashes == [None]
    new = create_org(db, "New")
    assert authenticate(db, f"Bearer {new['token']}").org_id == new["org"]["id"]


def test_the_comparison_can_fail(empty_db):
    """A column the migrations do not make is seen."""
    db = empty_db
    migrate.upgrade(db.engine)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE orgs ADD COLUMN extra INTEGER")
    assert any(d[0] == "remove_column" for d in differences(db))


def test_0003_gives_existing_organisations_the_servers_upload_limit(empty_db):
    """An organisation made before per-organisation upload limits has none of its own: the
    server's limit applies to it."""
    from airwork.service.db import Org

    db = empty_db
    migrate.upgrade(db.engine, "0002")
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO orgs (id, name, created_at, max_field_ha, max_active_jobs) "
            "VALUES ('org_old', 'Old', '2026-01-01 00:00:00+00:00', 10, 2)"
        )
    migrate.upgrade(db.engine)
    with db.read() as s:
        org = s.get(Org, "org_old")
        assert org.max_upload_bytes is None and org.upload_limit_bytes(1000) == 1000
