"""Initial schema: every table of the data model and the Phase 2 additions.

On PostgreSQL also the btree_gist extension and the exclusion constraint that
refuses two reserving, live shows overlapping in one room (written as SQL:
alembic's create_exclude_constraint cannot express the tstzrange).

Create Date: 2026-11-23 01:40:10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None


ROOM_EXCLUSION = """
ALTER TABLE shows ADD CONSTRAINT ex_shows_room_overlap EXCLUDE USING gist (
    studio_room_id WITH =,
    tstzrange(show_start, show_end, '[)') WITH &&
) WHERE (show_status_id IN (2, 3, 4) AND deleted_at IS NULL)
"""
"""show_status ids 2, 3, 4 are confirmed, live, completed (seeded with fixed ids in 0002)."""


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.create_table(
        "change_categories",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_categories")),
        sa.UniqueConstraint("uid", name=op.f("uq_change_categories_uid")),
    )
    with op.batch_alter_table("change_categories", schema=None) as batch_op:
        batch_op.create_index(
            "uq_change_categories_name_live",
            ["name"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "change_types",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_types")),
        sa.UniqueConstraint("uid", name=op.f("uq_change_types_uid")),
    )
    with op.batch_alter_table("change_types", schema=None) as batch_op:
        batch_op.create_index(
            "uq_change_types_name_live",
            ["name"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("contact_person", sa.String(length=255), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint("uid", name=op.f("uq_clients_uid")),
    )
    op.create_table(
        "material_types",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_material_types")),
        sa.UniqueConstraint("uid", name=op.f("uq_material_types_uid")),
    )
    with op.batch_alter_table("material_types", schema=None) as batch_op:
        batch_op.create_index(
            "uq_material_types_name_live",
            ["name"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "platforms",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column(
            "api_config",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platforms")),
        sa.UniqueConstraint("uid", name=op.f("uq_platforms_uid")),
    )
    op.create_table(
        "schedule_status",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_status")),
        sa.UniqueConstraint("uid", name=op.f("uq_schedule_status_uid")),
    )
    with op.batch_alter_table("schedule_status", schema=None) as batch_op:
        batch_op.create_index(
            "uq_schedule_status_name_live",
            ["name"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "show_standards",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_show_standards")),
        sa.UniqueConstraint("uid", name=op.f("uq_show_standards_uid")),
    )
    with op.batch_alter_table("show_standards", schema=None) as batch_op:
        batch_op.create_index(
            "uq_show_standards_name_live",
            ["name"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "show_status",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_show_status")),
        sa.UniqueConstraint("uid", name=op.f("uq_show_status_uid")),
    )
    with op.batch_alter_table("show_status", schema=None) as batch_op:
        batch_op.create_index(
            "uq_show_status_name_live",
            ["name"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "show_types",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_show_types")),
        sa.UniqueConstraint("uid", name=op.f("uq_show_types_uid")),
    )
    with op.batch_alter_table("show_types", schema=None) as batch_op:
        batch_op.create_index(
            "uq_show_types_name_live",
            ["name"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "studios",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("address", sa.String(length=1000), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False),
        sa.Column("operational_day_start_hour", sa.Integer(), server_default="6", nullable=False),
        sa.Column(
            "room_changeover_severity", sa.String(length=16), server_default="WARN", nullable=False
        ),
        sa.Column("mc_rest_severity", sa.String(length=16), server_default="WARN", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_studios")),
        sa.UniqueConstraint("uid", name=op.f("uq_studios_uid")),
    )
    op.create_table(
        "task_input_type",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_input_type")),
        sa.UniqueConstraint("uid", name=op.f("uq_task_input_type_uid")),
    )
    with op.batch_alter_table("task_input_type", schema=None) as batch_op:
        batch_op.create_index(
            "uq_task_input_type_name_live",
            ["name"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "task_status",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_status")),
        sa.UniqueConstraint("uid", name=op.f("uq_task_status_uid")),
    )
    with op.batch_alter_table("task_status", schema=None) as batch_op:
        batch_op.create_index(
            "uq_task_status_name_live",
            ["name"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "task_type",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_type")),
        sa.UniqueConstraint("uid", name=op.f("uq_task_type_uid")),
    )
    with op.batch_alter_table("task_type", schema=None) as batch_op:
        batch_op.create_index(
            "uq_task_type_name_live",
            ["name"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("ext_id", sa.String(length=255), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("is_banned", sa.Boolean(), nullable=False),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("uid", name=op.f("uq_users_uid")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(
            "uq_users_email_live",
            ["email"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "audits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column(
            "recordable_uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("recordable_type", sa.String(length=64), nullable=False),
        sa.Column(
            "old_values",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "new_values",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_audits_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audits")),
        sa.UniqueConstraint("uid", name=op.f("uq_audits_uid")),
    )
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.create_index("ix_audits_recordable_uid", ["recordable_uid"], unique=False)
        batch_op.create_index(batch_op.f("ix_audits_user_id"), ["user_id"], unique=False)

    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "commentable_uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("commentable_type", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("content", sa.String(length=10000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_comments_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["comments.id"], name=op.f("fk_comments_parent_id_comments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
        sa.UniqueConstraint("uid", name=op.f("uq_comments_uid")),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_comments_commentable_type_commentable_uid",
            ["commentable_type", "commentable_uid"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_comments_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_comments_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "materials",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("platform_id", sa.Integer(), nullable=True),
        sa.Column("material_type_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=True),
        sa.Column("resource_url", sa.String(length=2048), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("expiring_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_materials_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["material_type_id"],
            ["material_types.id"],
            name=op.f("fk_materials_material_type_id_material_types"),
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name=op.f("fk_materials_platform_id_platforms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_materials")),
        sa.UniqueConstraint("uid", name=op.f("uq_materials_uid")),
    )
    with op.batch_alter_table("materials", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_materials_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_materials_material_type_id"), ["material_type_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_materials_platform_id"), ["platform_id"], unique=False)

    op.create_table(
        "mcs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("alias_name", sa.String(length=255), nullable=True),
        sa.Column("is_banned", sa.Boolean(), nullable=False),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("min_rest_minutes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_mcs_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mcs")),
        sa.UniqueConstraint("uid", name=op.f("uq_mcs_uid")),
    )
    with op.batch_alter_table("mcs", schema=None) as batch_op:
        batch_op.create_index(
            "uq_mcs_user_id_live",
            ["user_id"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "group_uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("group_type", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint("uid", name=op.f("uq_memberships_uid")),
    )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_memberships_group_uid"), ["group_uid"], unique=False)
        batch_op.create_index(batch_op.f("ix_memberships_user_id"), ["user_id"], unique=False)

    op.create_table(
        "schedules",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("studio_id", sa.Integer(), nullable=False),
        sa.Column("schedule_status_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=True),
        sa.Column("start_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("end_time > start_time", name=op.f("ck_schedules_time_order")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_schedules_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["schedule_status_id"],
            ["schedule_status.id"],
            name=op.f("fk_schedules_schedule_status_id_schedule_status"),
        ),
        sa.ForeignKeyConstraint(
            ["studio_id"], ["studios.id"], name=op.f("fk_schedules_studio_id_studios")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
        sa.UniqueConstraint("uid", name=op.f("uq_schedules_uid")),
    )
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedules_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_schedules_schedule_status_id"), ["schedule_status_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_schedules_studio_id"), ["studio_id"], unique=False)

    op.create_table(
        "studio_rooms",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("studio_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("changeover_minutes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["studio_id"], ["studios.id"], name=op.f("fk_studio_rooms_studio_id_studios")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_studio_rooms")),
        sa.UniqueConstraint("uid", name=op.f("uq_studio_rooms_uid")),
    )
    with op.batch_alter_table("studio_rooms", schema=None) as batch_op:
        batch_op.create_index(
            "uq_studio_rooms_studio_id_name_live",
            ["studio_id", "name"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("studio_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["studio_id"], ["studios.id"], name=op.f("fk_tags_studio_id_studios")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("uid", name=op.f("uq_tags_uid")),
    )
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tags_name"),
            ["name"],
            unique=True,
            postgresql_where=sa.text("studio_id IS NULL AND deleted_at IS NULL"),
            sqlite_where=sa.text("studio_id IS NULL AND deleted_at IS NULL"),
        )
        batch_op.create_index(batch_op.f("ix_tags_studio_id"), ["studio_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_tags_studio_id_name"),
            ["studio_id", "name"],
            unique=True,
            postgresql_where=sa.text("studio_id IS NOT NULL AND deleted_at IS NULL"),
            sqlite_where=sa.text("studio_id IS NOT NULL AND deleted_at IS NULL"),
        )

    op.create_table(
        "task_templates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("studio_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["studio_id"], ["studios.id"], name=op.f("fk_task_templates_studio_id_studios")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_templates")),
        sa.UniqueConstraint("uid", name=op.f("uq_task_templates_uid")),
    )
    with op.batch_alter_table("task_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_templates_studio_id"), ["studio_id"], unique=False
        )

    op.create_table(
        "change_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("change_category_id", sa.Integer(), nullable=False),
        sa.Column("change_type_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=4000), nullable=True),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_category_id"],
            ["change_categories.id"],
            name=op.f("fk_change_requests_change_category_id_change_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["change_type_id"],
            ["change_types.id"],
            name=op.f("fk_change_requests_change_type_id_change_types"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_change_requests_requested_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_change_requests_reviewed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"], ["schedules.id"], name=op.f("fk_change_requests_schedule_id_schedules")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_requests")),
        sa.UniqueConstraint("uid", name=op.f("uq_change_requests_uid")),
    )
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_change_requests_schedule_id"), ["schedule_id"], unique=False
        )

    op.create_table(
        "shows",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("schedule_id", sa.Integer(), nullable=True),
        sa.Column("studio_room_id", sa.Integer(), nullable=True),
        sa.Column("show_type_id", sa.Integer(), nullable=False),
        sa.Column("show_status_id", sa.Integer(), nullable=False),
        sa.Column("show_standard_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("show_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("show_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("show_end > show_start", name=op.f("ck_shows_time_order")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_shows_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"], ["schedules.id"], name=op.f("fk_shows_schedule_id_schedules")
        ),
        sa.ForeignKeyConstraint(
            ["show_standard_id"],
            ["show_standards.id"],
            name=op.f("fk_shows_show_standard_id_show_standards"),
        ),
        sa.ForeignKeyConstraint(
            ["show_status_id"], ["show_status.id"], name=op.f("fk_shows_show_status_id_show_status")
        ),
        sa.ForeignKeyConstraint(
            ["show_type_id"], ["show_types.id"], name=op.f("fk_shows_show_type_id_show_types")
        ),
        sa.ForeignKeyConstraint(
            ["studio_room_id"],
            ["studio_rooms.id"],
            name=op.f("fk_shows_studio_room_id_studio_rooms"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shows")),
        sa.UniqueConstraint("uid", name=op.f("uq_shows_uid")),
    )
    with op.batch_alter_table("shows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shows_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            "ix_shows_external_id",
            ["external_id"],
            unique=False,
            postgresql_where=sa.text("external_id IS NOT NULL"),
            sqlite_where=sa.text("external_id IS NOT NULL"),
        )
        batch_op.create_index(batch_op.f("ix_shows_schedule_id"), ["schedule_id"], unique=False)
        batch_op.create_index("ix_shows_show_start", ["show_start"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_shows_show_status_id"), ["show_status_id"], unique=False
        )
        batch_op.create_index(
            "ix_shows_studio_room_id_show_start", ["studio_room_id", "show_start"], unique=False
        )

    if op.get_context().dialect.name == "postgresql":
        op.execute(ROOM_EXCLUSION)

    op.create_table(
        "taggables",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column(
            "taggable_uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("taggable_type", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name=op.f("fk_taggables_tag_id_tags")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taggables")),
        sa.UniqueConstraint("uid", name=op.f("uq_taggables_uid")),
    )
    with op.batch_alter_table("taggables", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_taggables_tag_id"), ["tag_id"], unique=False)
        batch_op.create_index(
            "ix_taggables_taggable_type_taggable_uid",
            ["taggable_type", "taggable_uid"],
            unique=False,
        )

    op.create_table(
        "task_template_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("task_template_id", sa.Integer(), nullable=False),
        sa.Column("task_type_id", sa.Integer(), nullable=False),
        sa.Column("input_type_id", sa.Integer(), nullable=False),
        sa.Column("is_required", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["input_type_id"],
            ["task_input_type.id"],
            name=op.f("fk_task_template_items_input_type_id_task_input_type"),
        ),
        sa.ForeignKeyConstraint(
            ["task_template_id"],
            ["task_templates.id"],
            name=op.f("fk_task_template_items_task_template_id_task_templates"),
        ),
        sa.ForeignKeyConstraint(
            ["task_type_id"],
            ["task_type.id"],
            name=op.f("fk_task_template_items_task_type_id_task_type"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_template_items")),
        sa.UniqueConstraint("uid", name=op.f("uq_task_template_items_uid")),
    )
    with op.batch_alter_table("task_template_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_template_items_task_template_id"),
            ["task_template_id"],
            unique=False,
        )

    op.create_table(
        "schedule_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "snapshot",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("change_request_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=4000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_request_id"],
            ["change_requests.id"],
            name=op.f("fk_schedule_versions_change_request_id_change_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_schedule_versions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedules.id"],
            name=op.f("fk_schedule_versions_schedule_id_schedules"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_versions")),
        sa.UniqueConstraint("uid", name=op.f("uq_schedule_versions_uid")),
    )
    with op.batch_alter_table("schedule_versions", schema=None) as batch_op:
        batch_op.create_index(
            "uq_schedule_versions_schedule_id_version_live",
            ["schedule_id", "version"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "show_materials",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("show_id", sa.Integer(), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["material_id"], ["materials.id"], name=op.f("fk_show_materials_material_id_materials")
        ),
        sa.ForeignKeyConstraint(
            ["show_id"], ["shows.id"], name=op.f("fk_show_materials_show_id_shows")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_show_materials")),
        sa.UniqueConstraint("uid", name=op.f("uq_show_materials_uid")),
    )
    with op.batch_alter_table("show_materials", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_show_materials_material_id"), ["material_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_show_materials_show_id"), ["show_id"], unique=False)
        batch_op.create_index(
            "uq_show_materials_show_id_material_id_live",
            ["show_id", "material_id"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "show_mcs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("show_id", sa.Integer(), nullable=False),
        sa.Column("mc_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=4000), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["mc_id"], ["mcs.id"], name=op.f("fk_show_mcs_mc_id_mcs")),
        sa.ForeignKeyConstraint(["show_id"], ["shows.id"], name=op.f("fk_show_mcs_show_id_shows")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_show_mcs")),
        sa.UniqueConstraint("uid", name=op.f("uq_show_mcs_uid")),
    )
    with op.batch_alter_table("show_mcs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_show_mcs_mc_id"), ["mc_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_show_mcs_show_id"), ["show_id"], unique=False)
        batch_op.create_index(
            "uq_show_mcs_show_id_mc_id_live",
            ["show_id", "mc_id"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "show_platforms",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("show_id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("live_stream_link", sa.String(length=2048), nullable=True),
        sa.Column("platform_show_id", sa.String(length=255), nullable=True),
        sa.Column("viewer_count", sa.Integer(), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name=op.f("fk_show_platforms_platform_id_platforms")
        ),
        sa.ForeignKeyConstraint(
            ["show_id"], ["shows.id"], name=op.f("fk_show_platforms_show_id_shows")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_show_platforms")),
        sa.UniqueConstraint("uid", name=op.f("uq_show_platforms_uid")),
    )
    with op.batch_alter_table("show_platforms", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_show_platforms_platform_id"), ["platform_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_show_platforms_show_id"), ["show_id"], unique=False)
        batch_op.create_index(
            "uq_show_platforms_show_id_platform_id_live",
            ["show_id", "platform_id"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column(
            "taskable_uid",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("taskable_type", sa.String(length=64), nullable=False),
        sa.Column("task_template_item_id", sa.Integer(), nullable=True),
        sa.Column("task_status_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=True),
        sa.Column("due_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["users.id"], name=op.f("fk_tasks_assignee_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["task_status_id"], ["task_status.id"], name=op.f("fk_tasks_task_status_id_task_status")
        ),
        sa.ForeignKeyConstraint(
            ["task_template_item_id"],
            ["task_template_items.id"],
            name=op.f("fk_tasks_task_template_item_id_task_template_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("uid", name=op.f("uq_tasks_uid")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tasks_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index("ix_tasks_taskable_uid", ["taskable_uid"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_taskable_uid")
        batch_op.drop_index(batch_op.f("ix_tasks_assignee_id"))

    op.drop_table("tasks")
    with op.batch_alter_table("show_platforms", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_show_platforms_show_id_platform_id_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_show_platforms_show_id"))
        batch_op.drop_index(batch_op.f("ix_show_platforms_platform_id"))

    op.drop_table("show_platforms")
    with op.batch_alter_table("show_mcs", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_show_mcs_show_id_mc_id_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_show_mcs_show_id"))
        batch_op.drop_index(batch_op.f("ix_show_mcs_mc_id"))

    op.drop_table("show_mcs")
    with op.batch_alter_table("show_materials", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_show_materials_show_id_material_id_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_show_materials_show_id"))
        batch_op.drop_index(batch_op.f("ix_show_materials_material_id"))

    op.drop_table("show_materials")
    with op.batch_alter_table("schedule_versions", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_schedule_versions_schedule_id_version_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("schedule_versions")
    with op.batch_alter_table("task_template_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_template_items_task_template_id"))

    op.drop_table("task_template_items")
    with op.batch_alter_table("taggables", schema=None) as batch_op:
        batch_op.drop_index("ix_taggables_taggable_type_taggable_uid")
        batch_op.drop_index(batch_op.f("ix_taggables_tag_id"))

    op.drop_table("taggables")
    with op.batch_alter_table("shows", schema=None) as batch_op:
        batch_op.drop_index("ix_shows_studio_room_id_show_start")
        batch_op.drop_index(batch_op.f("ix_shows_show_status_id"))
        batch_op.drop_index("ix_shows_show_start")
        batch_op.drop_index(batch_op.f("ix_shows_schedule_id"))
        batch_op.drop_index("ix_shows_external_id")
        batch_op.drop_index(batch_op.f("ix_shows_client_id"))

    op.drop_table("shows")
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_requests_schedule_id"))

    op.drop_table("change_requests")
    with op.batch_alter_table("task_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_templates_studio_id"))

    op.drop_table("task_templates")
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_tags_studio_id_name"),
            postgresql_where=sa.text("studio_id IS NOT NULL AND deleted_at IS NULL"),
            sqlite_where=sa.text("studio_id IS NOT NULL AND deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_tags_studio_id"))
        batch_op.drop_index(
            batch_op.f("ix_tags_name"),
            postgresql_where=sa.text("studio_id IS NULL AND deleted_at IS NULL"),
            sqlite_where=sa.text("studio_id IS NULL AND deleted_at IS NULL"),
        )

    op.drop_table("tags")
    with op.batch_alter_table("studio_rooms", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_studio_rooms_studio_id_name_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("studio_rooms")
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedules_studio_id"))
        batch_op.drop_index(batch_op.f("ix_schedules_schedule_status_id"))
        batch_op.drop_index(batch_op.f("ix_schedules_client_id"))

    op.drop_table("schedules")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memberships_user_id"))
        batch_op.drop_index(batch_op.f("ix_memberships_group_uid"))

    op.drop_table("memberships")
    with op.batch_alter_table("mcs", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_mcs_user_id_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("mcs")
    with op.batch_alter_table("materials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_materials_platform_id"))
        batch_op.drop_index(batch_op.f("ix_materials_material_type_id"))
        batch_op.drop_index(batch_op.f("ix_materials_client_id"))

    op.drop_table("materials")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comments_parent_id"))
        batch_op.drop_index(batch_op.f("ix_comments_owner_id"))
        batch_op.drop_index("ix_comments_commentable_type_commentable_uid")

    op.drop_table("comments")
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audits_user_id"))
        batch_op.drop_index("ix_audits_recordable_uid")

    op.drop_table("audits")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_users_email_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("users")
    with op.batch_alter_table("task_type", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_task_type_name_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("task_type")
    with op.batch_alter_table("task_status", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_task_status_name_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("task_status")
    with op.batch_alter_table("task_input_type", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_task_input_type_name_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("task_input_type")
    op.drop_table("studios")
    with op.batch_alter_table("show_types", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_show_types_name_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("show_types")
    with op.batch_alter_table("show_status", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_show_status_name_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("show_status")
    with op.batch_alter_table("show_standards", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_show_standards_name_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("show_standards")
    with op.batch_alter_table("schedule_status", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_schedule_status_name_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("schedule_status")
    op.drop_table("platforms")
    with op.batch_alter_table("material_types", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_material_types_name_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("material_types")
    op.drop_table("clients")
    with op.batch_alter_table("change_types", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_change_types_name_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("change_types")
    with op.batch_alter_table("change_categories", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_change_categories_name_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("change_categories")
