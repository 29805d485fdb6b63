"""Notifications, webhook endpoints and their deliveries (the outbox); the
audit trail made append-only by triggers (PostgreSQL and SQLite).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"

UID = sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TS = sa.DateTime(timezone=True)

AUDITS_APPEND_ONLY_POSTGRESQL = (
    """
CREATE FUNCTION studiocore_audits_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on audits refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$""",
    """
CREATE TRIGGER audits_append_only
BEFORE UPDATE OR DELETE ON audits
FOR EACH ROW EXECUTE FUNCTION studiocore_audits_append_only()""",
)
AUDITS_APPEND_ONLY_SQLITE = (
    """CREATE TRIGGER audits_no_update BEFORE UPDATE ON audits BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE on audits refused');
END""",
    """CREATE TRIGGER audits_no_delete BEFORE DELETE ON audits BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE on audits refused');
END""",
)


def _common() -> tuple[sa.Column[object], ...]:
    return (
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("deleted_at", TS, nullable=True),
    )


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uid", UID, nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject_uid", UID, nullable=False),
        sa.Column("subject_type", sa.String(length=64), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("actor_uid", UID, nullable=True),
        sa.Column("read_at", TS, nullable=True),
        sa.Column("metadata", JSON, nullable=False),
        *_common(),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["users.id"], name=op.f("fk_notifications_recipient_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("uid", name=op.f("uq_notifications_uid")),
    )
    op.create_index("ix_notifications_recipient_id_uid", "notifications", ["recipient_id", "uid"])
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uid", UID, nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("studio_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("event_types", JSON, nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("failing_since", TS, nullable=True),
        sa.Column("disabled_at", TS, nullable=True),
        sa.Column("metadata", JSON, nullable=False),
        *_common(),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_webhook_endpoints_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["studio_id"], ["studios.id"], name=op.f("fk_webhook_endpoints_studio_id_studios")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoints")),
        sa.UniqueConstraint("uid", name=op.f("uq_webhook_endpoints_uid")),
    )
    op.create_index(op.f("ix_webhook_endpoints_owner_id"), "webhook_endpoints", ["owner_id"])
    op.create_index(op.f("ix_webhook_endpoints_studio_id"), "webhook_endpoints", ["studio_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uid", UID, nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=True),
        sa.Column("locked_until", TS, nullable=True),
        sa.Column("delivered_at", TS, nullable=True),
        sa.Column("attempts_log", JSON, nullable=False),
        *_common(),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["webhook_endpoints.id"],
            name=op.f("fk_webhook_deliveries_endpoint_id_webhook_endpoints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint("uid", name=op.f("uq_webhook_deliveries_uid")),
    )
    op.create_index(
        op.f("ix_webhook_deliveries_endpoint_id"), "webhook_deliveries", ["endpoint_id"]
    )
    op.create_index(
        "ix_webhook_deliveries_due",
        "webhook_deliveries",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'pending'"),
        sqlite_where=sa.text("status = 'pending'"),
    )
    postgres = op.get_context().dialect.name == "postgresql"
    for statement in AUDITS_APPEND_ONLY_POSTGRESQL if postgres else AUDITS_APPEND_ONLY_SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audits_append_only ON audits")
        op.execute("DROP FUNCTION studiocore_audits_append_only()")
    else:
        op.execute("DROP TRIGGER audits_no_update")
        op.execute("DROP TRIGGER audits_no_delete")
    op.drop_index("ix_webhook_deliveries_due", table_name="webhook_deliveries")
    op.drop_index(op.f("ix_webhook_deliveries_endpoint_id"), table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_index(op.f("ix_webhook_endpoints_studio_id"), table_name="webhook_endpoints")
    op.drop_index(op.f("ix_webhook_endpoints_owner_id"), table_name="webhook_endpoints")
    op.drop_table("webhook_endpoints")
    op.drop_index("ix_notifications_recipient_id_uid", table_name="notifications")
    op.drop_table("notifications")
