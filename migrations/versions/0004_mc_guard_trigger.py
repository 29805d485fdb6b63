"""Guard MC double booking with row locks in a trigger instead of an exclusion
constraint, so that confirming shows no longer rewrites their MC links.

0003 kept ``show_mcs.reserving`` in step with the show's status and let an
exclusion constraint on ``show_mcs`` refuse one MC on two overlapping reserving
shows. Confirming 10k drafts then rewrote 10k link rows and inserted them into a
second GiST index (about half the cost of a promotion). Now:

* ``show_mcs`` keeps only the show's interval (copied by triggers, changed only
  when the show moves) under a GiST index over all live links;
* on PostgreSQL, statement-level triggers on ``shows`` and ``show_mcs`` lock the
  MCs a statement books and sweep their reserving links in the affected window,
  raising SQLSTATE 23P01 (``show_mcs_mc_overlap``) on an overlap: still enforced
  by the database for every writer, serialized per MC by the row locks.

Create Date: 2026-11-23 04:20:00
"""

from __future__ import annotations

from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"

POSTGRESQL_TRIGGERS: tuple[str, ...] = (
    "\nCREATE INDEX ix_show_mcs_mc_range ON show_mcs\nUSING gist (mc_id, tstzrange(show_start, show_end, '[)')) WHERE deleted_at IS NULL",
    "\nCREATE FUNCTION studiocore_show_mcs_copy_show() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    SELECT s.show_start, s.show_end INTO NEW.show_start, NEW.show_end\n      FROM shows s WHERE s.id = NEW.show_id\n       FOR SHARE;  -- wait for a concurrent change of the show, then copy its result\n    RETURN NEW;\nEND $$",
    "\nCREATE TRIGGER show_mcs_copy_show\nBEFORE INSERT OR UPDATE OF show_id, show_start, show_end ON show_mcs\nFOR EACH ROW WHEN (pg_trigger_depth() = 0)\nEXECUTE FUNCTION studiocore_show_mcs_copy_show()",
    "\nCREATE FUNCTION studiocore_shows_sync_show_mcs() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    UPDATE show_mcs SET show_start = NEW.show_start, show_end = NEW.show_end\n     WHERE show_id = NEW.id;\n    RETURN NULL;\nEND $$",
    "\nCREATE TRIGGER shows_sync_show_mcs\nAFTER UPDATE OF show_start, show_end ON shows FOR EACH ROW\nWHEN (OLD.show_start IS DISTINCT FROM NEW.show_start OR OLD.show_end IS DISTINCT FROM NEW.show_end)\nEXECUTE FUNCTION studiocore_shows_sync_show_mcs()",
    "\nCREATE FUNCTION studiocore_assert_mcs_free(p_mc integer[], p_lo timestamptz[], p_hi timestamptz[])\nRETURNS void LANGUAGE plpgsql AS $$\nDECLARE\n    clash record;\nBEGIN\n    -- Lock the MCs (uid order, as the adapter does), then look with a fresh\n    -- snapshot: a concurrent writer of the same MC has committed or not started.\n    PERFORM 1 FROM mcs WHERE id = ANY(p_mc) ORDER BY uid FOR NO KEY UPDATE;\n    -- One sweep per MC over its reserving, live links in the window hull.\n    SELECT (SELECT uid FROM mcs WHERE id = x.mc_id) AS mc_uid, x.show_uid INTO clash FROM (\n        SELECT hit.mc_id, hit.show_uid, hit.show_start,\n               max(hit.show_end) OVER (PARTITION BY hit.mc_id ORDER BY hit.show_start, hit.show_id\n                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end\n          FROM unnest(p_mc, p_lo, p_hi) AS w(mc_id, lo, hi)\n         CROSS JOIN LATERAL (\n            SELECT o.mc_id, o.show_id, s.uid AS show_uid, o.show_start, o.show_end\n              FROM show_mcs o JOIN shows s ON s.id = o.show_id\n             WHERE o.mc_id = w.mc_id AND o.deleted_at IS NULL\n               AND tstzrange(o.show_start, o.show_end, '[)') && tstzrange(w.lo, w.hi, '[)')\n               AND s.show_status_id IN (2, 3, 4) AND s.deleted_at IS NULL\n            OFFSET 0) hit\n    ) x WHERE x.show_start < x.prev_end LIMIT 1;\n    IF FOUND THEN\n        RAISE EXCEPTION 'MC % would be on two overlapping reserving shows (one is %)',\n            clash.mc_uid, clash.show_uid\n            USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'show_mcs_mc_overlap';\n    END IF;\nEND $$",
    "\nCREATE FUNCTION studiocore_shows_check_mcs() RETURNS trigger LANGUAGE plpgsql AS $$\nDECLARE\n    mc integer[]; lo timestamptz[]; hi timestamptz[];\nBEGIN\n    -- the shows that became reserving and live, or moved while reserving\n    SELECT array_agg(g.mc_id), array_agg(g.lo), array_agg(g.hi) INTO mc, lo, hi FROM (\n        SELECT sm.mc_id, min(n.show_start) AS lo, max(n.show_end) AS hi\n          FROM new_shows n JOIN old_shows o ON o.id = n.id\n          JOIN show_mcs sm ON sm.show_id = n.id AND sm.deleted_at IS NULL\n         WHERE n.show_status_id IN (2, 3, 4) AND n.deleted_at IS NULL\n           AND (o.show_status_id NOT IN (2, 3, 4) OR o.deleted_at IS NOT NULL\n                OR o.show_start <> n.show_start OR o.show_end <> n.show_end)\n         GROUP BY sm.mc_id) g;\n    IF mc IS NOT NULL THEN\n        PERFORM studiocore_assert_mcs_free(mc, lo, hi);\n    END IF;\n    RETURN NULL;\nEND $$",
    "\nCREATE TRIGGER shows_check_mcs\nAFTER UPDATE ON shows REFERENCING OLD TABLE AS old_shows NEW TABLE AS new_shows\nFOR EACH STATEMENT EXECUTE FUNCTION studiocore_shows_check_mcs()",
    "\nCREATE FUNCTION studiocore_show_mcs_check() RETURNS trigger LANGUAGE plpgsql AS $$\nDECLARE\n    mc integer[]; lo timestamptz[]; hi timestamptz[];\nBEGIN\n    -- live links of reserving, live shows that are new, or newly live, or re-pointed\n    IF TG_OP = 'INSERT' THEN\n        SELECT array_agg(g.mc_id), array_agg(g.lo), array_agg(g.hi) INTO mc, lo, hi FROM (\n            SELECT n.mc_id, min(s.show_start) AS lo, max(s.show_end) AS hi\n              FROM new_links n JOIN shows s ON s.id = n.show_id\n             WHERE n.deleted_at IS NULL\n               AND s.show_status_id IN (2, 3, 4) AND s.deleted_at IS NULL\n             GROUP BY n.mc_id) g;\n    ELSE\n        SELECT array_agg(g.mc_id), array_agg(g.lo), array_agg(g.hi) INTO mc, lo, hi FROM (\n            SELECT n.mc_id, min(s.show_start) AS lo, max(s.show_end) AS hi\n              FROM new_links n JOIN old_links o ON o.id = n.id\n              JOIN shows s ON s.id = n.show_id\n             WHERE n.deleted_at IS NULL\n               AND (o.deleted_at IS NOT NULL OR o.show_id <> n.show_id OR o.mc_id <> n.mc_id)\n               AND s.show_status_id IN (2, 3, 4) AND s.deleted_at IS NULL\n             GROUP BY n.mc_id) g;\n    END IF;\n    IF mc IS NOT NULL THEN\n        PERFORM studiocore_assert_mcs_free(mc, lo, hi);\n    END IF;\n    RETURN NULL;\nEND $$",
    "\nCREATE TRIGGER show_mcs_check_insert\nAFTER INSERT ON show_mcs REFERENCING NEW TABLE AS new_links\nFOR EACH STATEMENT EXECUTE FUNCTION studiocore_show_mcs_check()",
    "\nCREATE TRIGGER show_mcs_check_update\nAFTER UPDATE ON show_mcs REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links\nFOR EACH STATEMENT EXECUTE FUNCTION studiocore_show_mcs_check()",
)

SQLITE_TRIGGERS: tuple[str, ...] = (
    "CREATE TRIGGER show_mcs_copy_show_insert AFTER INSERT ON show_mcs BEGIN\n    UPDATE show_mcs SET\n        show_start = (SELECT show_start FROM shows WHERE id = NEW.show_id),\n        show_end = (SELECT show_end FROM shows WHERE id = NEW.show_id)\n    WHERE id = NEW.id;\nEND",
    "CREATE TRIGGER show_mcs_copy_show_update AFTER UPDATE OF show_id, show_start, show_end ON show_mcs BEGIN\n    UPDATE show_mcs SET\n        show_start = (SELECT show_start FROM shows WHERE id = NEW.show_id),\n        show_end = (SELECT show_end FROM shows WHERE id = NEW.show_id)\n    WHERE id = NEW.id;\nEND",
    "CREATE TRIGGER shows_sync_show_mcs AFTER UPDATE OF show_start, show_end ON shows BEGIN\n    UPDATE show_mcs SET show_start = NEW.show_start, show_end = NEW.show_end\n    WHERE show_id = NEW.id;\nEND",
)

# 0004's SQLite triggers have the same names as 0003's: 0003.SQLITE_DROPS drops either.

OLD_BACKFILL = """
UPDATE show_mcs SET
    reserving = (SELECT show_status_id IN (2, 3, 4) AND deleted_at IS NULL
                 FROM shows WHERE shows.id = show_mcs.show_id)
"""

POSTGRESQL_DROPS: tuple[str, ...] = (
    "DROP TRIGGER show_mcs_check_update ON show_mcs",
    "DROP TRIGGER show_mcs_check_insert ON show_mcs",
    "DROP TRIGGER shows_check_mcs ON shows",
    "DROP TRIGGER shows_sync_show_mcs ON shows",
    "DROP TRIGGER show_mcs_copy_show ON show_mcs",
    "DROP FUNCTION studiocore_show_mcs_check()",
    "DROP FUNCTION studiocore_shows_check_mcs()",
    "DROP FUNCTION studiocore_assert_mcs_free(integer[], timestamptz[], timestamptz[])",
    "DROP FUNCTION studiocore_shows_sync_show_mcs()",
    "DROP FUNCTION studiocore_show_mcs_copy_show()",
    "DROP INDEX ix_show_mcs_mc_range",
)


def _revision_0003() -> ModuleType:
    """0003's script: this revision replaces what it created, the downgrade restores it."""
    script = op.get_context().script
    assert script is not None
    return script.get_revision("0003").module


def upgrade() -> None:
    postgres = op.get_context().dialect.name == "postgresql"
    _revision_0003().drop_guards(postgres)
    with op.batch_alter_table("show_mcs", schema=None) as batch_op:
        batch_op.drop_column("reserving")
    for statement in POSTGRESQL_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    postgres = op.get_context().dialect.name == "postgresql"
    revision_0003 = _revision_0003()
    for statement in POSTGRESQL_DROPS if postgres else revision_0003.SQLITE_DROPS:
        op.execute(statement)
    with op.batch_alter_table("show_mcs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reserving", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(OLD_BACKFILL)
    revision_0003.create_guards(postgres)
