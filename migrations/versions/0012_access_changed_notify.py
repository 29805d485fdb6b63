"""PostgreSQL tells listeners when who-may-do-what changed: a statement that
writes users, memberships or MCs sends ``NOTIFY studiocore_access`` (on
commit, whoever wrote: a server process, the CLI, a SQL console). Server
processes keep each signed-in user's grants in memory and forget them on this
signal (``studiocore_http.access_cache``). SQLite has no such signal: nothing
to add there.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 03:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"

CHANNEL = "studiocore_access"
TABLES = ("users", "memberships", "mcs")


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    # The payload names the table; NOTIFY folds identical ones within a
    # transaction, so a bulk write sends one per table.
    op.execute(
        f"""
CREATE FUNCTION studiocore_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
    RETURN NULL;
END $$"""
    )
    for table in TABLES:
        op.execute(
            f"""
CREATE TRIGGER {table}_access_changed
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION studiocore_access_changed()"""
        )


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_access_changed ON {table}")
    op.execute("DROP FUNCTION studiocore_access_changed()")
