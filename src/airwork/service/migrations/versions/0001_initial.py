"""Organisations, users, tokens, sites, aircraft, jobs and their files.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from airwork.service.db import GeometryColumn

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(JSONB(), "postgresql")


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    _accounts()
    _sites_and_aircraft()
    _jobs()


def _accounts() -> None:
    op.create_table(
        "orgs",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        _when("created_at"),
        sa.Column("max_field_ha", sa.Float(), nullable=False),
        sa.Column("max_active_jobs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_orgs"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("org_id", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        _when("created_at"),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name="fk_users_org_id_orgs", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
    )
    op.create_index("ix_users_org_id", "users", ["org_id"])
    op.create_table(
        "tokens",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("user_id", sa.String(40), nullable=False),
        sa.Column("org_id", sa.String(40), nullable=False),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        _when("created_at"),
        _when("revoked_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name="fk_tokens_org_id_orgs", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_tokens_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_tokens"),
        sa.UniqueConstraint("secret_sha256", name="uq_tokens_secret_sha256"),
    )
    op.create_index("ix_tokens_org_id", "tokens", ["org_id"])
    op.create_index("ix_tokens_user_id", "tokens", ["user_id"])


def _sites_and_aircraft() -> None:
    for table in ("sites", "aircraft"):
        extra = (
            [
                sa.Column("files", _json(), nullable=False),
                sa.Column("options", _json(), nullable=False),
                sa.Column("summary", _json(), nullable=False),
                sa.Column("geometry", GeometryColumn(), nullable=True),
            ]
            if table == "sites"
            else [
                sa.Column("file", _json(), nullable=False),
                sa.Column("summary", _json(), nullable=False),
            ]
        )
        op.create_table(
            table,
            sa.Column("id", sa.String(40), nullable=False),
            sa.Column("org_id", sa.String(40), nullable=False),
            sa.Column("name", sa.String(200), nullable=False),
            sa.Column("created_by", sa.String(40), nullable=False),
            _when("created_at"),
            *extra,
            sa.ForeignKeyConstraint(
                ["created_by"], ["users.id"], name=f"fk_{table}_created_by_users"
            ),
            sa.ForeignKeyConstraint(
                ["org_id"], ["orgs.id"], name=f"fk_{table}_org_id_orgs", ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
        )
        op.create_index(f"ix_{table}_org_id", table, ["org_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_sites_geometry", "sites", ["geometry"], postgresql_using="gist")


def _jobs() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("org_id", sa.String(40), nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("site_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.String(500), nullable=False),
        sa.Column("request", _json(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("summary", _json(), nullable=True),
        sa.Column("notes", _json(), nullable=True),
        sa.Column("report", _json(), nullable=True),
        _when("created_at"),
        _when("started_at", nullable=True),
        _when("finished_at", nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_jobs_created_by_users"),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name="fk_jobs_org_id_orgs", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name="fk_jobs_site_id_sites"),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
    )
    op.create_index("ix_jobs_org_id_created_at", "jobs", ["org_id", "created_at"])
    op.create_index("ix_jobs_status", "jobs", ["status"])
    op.create_table(
        "job_files",
        sa.Column("job_id", sa.String(40), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name="fk_job_files_job_id_jobs", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("job_id", "name", name="pk_job_files"),
    )


def downgrade() -> None:
    op.drop_table("job_files")
    op.drop_index("ix_jobs_status", table_name="jobs")
    op.drop_index("ix_jobs_org_id_created_at", table_name="jobs")
    op.drop_table("jobs")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_sites_geometry", table_name="sites")
    for table in ("aircraft", "sites"):
        op.drop_index(f"ix_{table}_org_id", table_name=table)
        op.drop_table(table)
    op.drop_index("ix_tokens_user_id", table_name="tokens")
    op.drop_index("ix_tokens_org_id", table_name="tokens")
    op.drop_table("tokens")
    op.drop_index("ix_users_org_id", table_name="users")
    op.drop_table("users")
    op.drop_table("orgs")
