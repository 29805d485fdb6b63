"""Denormalize each show's interval onto show_mcs and refuse MC double booking.

``show_mcs`` gets ``show_start``, ``show_end`` and ``reserving`` (the show is
confirmed, live or completed, and not deleted), kept in step by triggers on both
tables. On PostgreSQL an exclusion constraint then refuses one MC on two
overlapping reserving, live shows, exactly as ``ex_shows_room_overlap`` does for
rooms, and the MC side of a conflict check is served by its GiST index.

Create Date: 2026-11-23 02:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"

POSTGRESQL_TRIGGERS: tuple[str, ...] = (
    "\nCREATE FUNCTION studiocore_show_mcs_copy_show() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    SELECT s.show_start, s.show_end,\n           (s.show_status_id IN (2, 3, 4) AND s.deleted_at IS NULL)\n      INTO NEW.show_start, NEW.show_end, NEW.reserving\n      FROM shows s WHERE s.id = NEW.show_id\n       FOR SHARE;  -- wait for a concurrent change of the show, then copy its result\n    RETURN NEW;\nEND $$",
    "\nCREATE TRIGGER show_mcs_copy_show\nBEFORE INSERT OR UPDATE OF show_id, show_start, show_end, reserving ON show_mcs\nFOR EACH ROW WHEN (pg_trigger_depth() = 0)\nEXECUTE FUNCTION studiocore_show_mcs_copy_show()",
    "\nCREATE FUNCTION studiocore_shows_sync_show_mcs() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    UPDATE show_mcs sm\n       SET show_start = n.show_start, show_end = n.show_end,\n           reserving = (n.show_status_id IN (2, 3, 4) AND n.deleted_at IS NULL)\n      FROM new_shows n\n     WHERE sm.show_id = n.id\n       AND (sm.show_start, sm.show_end, sm.reserving) IS DISTINCT FROM\n           (n.show_start, n.show_end,\n            (n.show_status_id IN (2, 3, 4) AND n.deleted_at IS NULL));\n    RETURN NULL;\nEND $$",
    "\nCREATE TRIGGER shows_sync_show_mcs\nAFTER UPDATE ON shows REFERENCING NEW TABLE AS new_shows\nFOR EACH STATEMENT EXECUTE FUNCTION studiocore_shows_sync_show_mcs()",
)

SQLITE_TRIGGERS: tuple[str, ...] = (
    "CREATE TRIGGER show_mcs_copy_show_insert AFTER INSERT ON show_mcs BEGIN\n    UPDATE show_mcs SET\n        show_start = (SELECT show_start FROM shows WHERE id = NEW.show_id),\n        show_end = (SELECT show_end FROM shows WHERE id = NEW.show_id),\n        reserving = (SELECT show_status_id IN (2, 3, 4) AND deleted_at IS NULL\n                     FROM shows WHERE id = NEW.show_id)\n    WHERE id = NEW.id;\nEND",
    "CREATE TRIGGER show_mcs_copy_show_update AFTER UPDATE OF show_id, show_start, show_end, reserving ON show_mcs BEGIN\n    UPDATE show_mcs SET\n        show_start = (SELECT show_start FROM shows WHERE id = NEW.show_id),\n        show_end = (SELECT show_end FROM shows WHERE id = NEW.show_id),\n        reserving = (SELECT show_status_id IN (2, 3, 4) AND deleted_at IS NULL\n                     FROM shows WHERE id = NEW.show_id)\n    WHERE id = NEW.id;\nEND",
    "CREATE TRIGGER shows_sync_show_mcs AFTER UPDATE OF show_start, show_end, show_status_id,\n    deleted_at ON shows BEGIN\n    UPDATE show_mcs SET show_start = NEW.show_start, show_end = NEW.show_end,\n        reserving = (NEW.show_status_id IN (2, 3, 4) AND NEW.deleted_at IS NULL)\n    WHERE show_id = NEW.id;\nEND",
)

MC_EXCLUSION = """
ALTER TABLE show_mcs ADD CONSTRAINT ex_show_mcs_mc_overlap EXCLUDE USING gist (
    mc_id WITH =,
    tstzrange(show_start, show_end, '[)') WITH &&
) WHERE (reserving AND deleted_at IS NULL)
"""

BACKFILL = """
UPDATE show_mcs SET
    show_start = (SELECT show_start FROM shows WHERE shows.id = show_mcs.show_id),
    show_end = (SELECT show_end FROM shows WHERE shows.id = show_mcs.show_id),
    reserving = (SELECT show_status_id IN (2, 3, 4) AND deleted_at IS NULL
                 FROM shows WHERE shows.id = show_mcs.show_id)
"""


POSTGRESQL_DROPS: tuple[str, ...] = (
    "ALTER TABLE show_mcs DROP CONSTRAINT ex_show_mcs_mc_overlap",
    "DROP TRIGGER shows_sync_show_mcs ON shows",
    "DROP TRIGGER show_mcs_copy_show ON show_mcs",
    "DROP FUNCTION studiocore_shows_sync_show_mcs()",
    "DROP FUNCTION studiocore_show_mcs_copy_show()",
)

SQLITE_DROPS: tuple[str, ...] = (
    "DROP TRIGGER shows_sync_show_mcs",
    "DROP TRIGGER show_mcs_copy_show_update",
    "DROP TRIGGER show_mcs_copy_show_insert",
)


def create_guards(postgres: bool) -> None:
    """The triggers keeping ``show_mcs`` in step and, on PostgreSQL, the exclusion
    constraint (0004 drops them with :func:`drop_guards`, and its downgrade
    creates them again with this)."""
    for statement in (*POSTGRESQL_TRIGGERS, MC_EXCLUSION) if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def drop_guards(postgres: bool) -> None:
    for statement in POSTGRESQL_DROPS if postgres else SQLITE_DROPS:
        op.execute(statement)


def upgrade() -> None:
    with op.batch_alter_table("show_mcs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("show_start", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("show_end", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("reserving", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(BACKFILL)
    create_guards(op.get_context().dialect.name == "postgresql")


def downgrade() -> None:
    drop_guards(op.get_context().dialect.name == "postgresql")
    with op.batch_alter_table("show_mcs", schema=None) as batch_op:
        batch_op.drop_column("reserving")
        batch_op.drop_column("show_end")
        batch_op.drop_column("show_start")
