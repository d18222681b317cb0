"""An organisation's own upload limit (bytes per request; none: the server's).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orgs") as orgs:
        orgs.add_column(sa.Column("max_upload_bytes", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orgs") as orgs:
        orgs.drop_column("max_upload_bytes")
