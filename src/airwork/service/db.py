"""The service's database: SQLAlchemy 2 models, the engine and transactions.

One schema for both databases: SQLite (the embedded default) and PostgreSQL with PostGIS
(production).  Site geometry is a PostGIS ``geometry(Geometry, 4326)`` column on PostgreSQL
and WKT text on SQLite (:class:`GeometryColumn`).  Every write is one transaction
(:meth:`Database.write`): a request either stores all its rows or none.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import shapely
from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    create_engine,
    event,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator, UserDefinedType

__all__ = [
    "ROLES",
    "STATUSES",
    "Aircraft",
    "Base",
    "Database",
    "GeometryColumn",
    "Job",
    "JobFile",
    "Org",
    "Site",
    "Token",
    "User",
    "new_id",
    "now",
]

ROLES = ("owner", "planner", "pilot", "viewer")
STATUSES = ("queued", "running", "done", "failed")
ACTIVE = ("queued", "running")

_NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def now() -> datetime:
    return datetime.now(UTC)


def new_id(prefix: str) -> str:
    """An opaque, unguessable id (``job_5f2c...``)."""
    return f"{prefix}_{secrets.token_hex(12)}"


class PostGISGeometry(UserDefinedType):
    """PostGIS ``geometry(Geometry, 4326)``: EWKT in, hex EWKB out."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "geometry(Geometry,4326)"


class GeometryColumn(TypeDecorator):
    """Geometry in WGS84: PostGIS ``geometry(Geometry, 4326)`` on PostgreSQL, WKT text
    elsewhere.  Values in and out are shapely geometries."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(PostGISGeometry())
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: Any, dialect) -> Any:
        if value is None:
            return None
        wkt = value if isinstance(value, str) else shapely.to_wkt(value, rounding_precision=-1)
        return f"SRID=4326;{wkt}" if dialect.name == "postgresql" else wkt

    def process_result_value(self, value: Any, dialect) -> shapely.Geometry | None:
        if value is None:
            return None
        if dialect.name == "postgresql":  # hex EWKB, as PostGIS prints geometry
            return shapely.from_wkb(bytes.fromhex(value) if isinstance(value, str) else value)
        return shapely.from_wkt(value)


class UTCDateTime(TypeDecorator):
    """A timestamp with its time zone, read back as UTC on SQLite too (which keeps none)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def _json() -> Any:
    return JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=_NAMING)


class Org(Base):
    __tablename__ = "orgs"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    max_field_ha: Mapped[float] = mapped_column(Float)
    max_active_jobs: Mapped[int] = mapped_column(Integer)
    # bytes one upload may carry (None: the server's limit; never above it)
    max_upload_bytes: Mapped[int | None] = mapped_column(Integer, nullable=True)

    def upload_limit_bytes(self, server_bytes: int) -> int:
        """What one upload of this organisation may carry: its own limit within the
        server's. [bytes]"""
        own = self.max_upload_bytes
        return server_bytes if own is None else min(int(own), server_bytes)


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Token(Base):
    """An API token, stored as the SHA-256 of its secret (shown once, at creation)."""

    __tablename__ = "tokens"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Site(Base):
    """An uploaded site: its files (by content hash), how to read them, what they hold."""

    __tablename__ = "sites"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    files: Mapped[list[dict[str, Any]]] = mapped_column(_json())
    options: Mapped[dict[str, Any]] = mapped_column(_json())
    summary: Mapped[dict[str, Any]] = mapped_column(_json())
    geometry: Mapped[Any] = mapped_column(GeometryColumn(), nullable=True)


class Aircraft(Base):
    """An organisation's own aircraft: its spec sheet (by content hash) and figures."""

    __tablename__ = "aircraft"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    file: Mapped[dict[str, Any]] = mapped_column(_json())
    summary: Mapped[dict[str, Any]] = mapped_column(_json())


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_org_id_created_at", "org_id", "created_at"),
        Index("ix_jobs_status", "status"),
    )
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"))
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(String(500), default="")
    request: Mapped[dict[str, Any]] = mapped_column(_json())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    summary: Mapped[dict[str, Any] | None] = mapped_column(_json(), nullable=True)
    notes: Mapped[list[str] | None] = mapped_column(_json(), nullable=True)
    report: Mapped[dict[str, Any] | None] = mapped_column(_json(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class JobFile(Base):
    """One output of a finished job, with its SHA-256."""

    __tablename__ = "job_files"
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Database:
    """An engine and its transactions.

    Parameters
    ----------
    url : str
        SQLAlchemy URL (``sqlite:///...``, ``postgresql+psycopg://...``).
    """

    def __init__(self, url: str):
        self.url = url
        self.engine = _make_engine(url)
        # On SQLite a write transaction takes the write lock at BEGIN (no lock upgrade
        # failing half-way under load); reads stay concurrent (WAL).
        self._writer = self.engine.execution_options(airwork_write=True)
        # SQLite has one writer at a time: this process's writers queue on a lock (woken at
        # once) rather than in SQLite's busy handler (which sleeps and polls)
        self._write_lock = threading.RLock() if self.dialect == "sqlite" else None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (rolled back at the end)."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        with (
            self._write_lock or contextlib.nullcontext(),
            Session(self._writer, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=20,
            max_overflow=20,
        )

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn, _record) -> None:
            dbapi_conn.isolation_level = None  # we say BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn) -> None:
            write = conn.get_execution_options().get("airwork_write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return create_engine(url, pool_size=20, max_overflow=20, pool_pre_ping=True)
