"""Record the client's approval of a proposed schedule: when, by whom, and the
approver's note (or why the proposal went back to draft).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 06:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    with op.batch_alter_table("schedules") as batch:
        batch.add_column(sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("approved_by_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True)
        )
        batch.add_column(sa.Column("approval_note", sa.String(4000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("schedules") as batch:
        batch.drop_column("approval_note")
        batch.drop_column("approved_by_id")
        batch.drop_column("approved_at")
