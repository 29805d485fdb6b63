"""Store schedule version snapshots as ``json`` compressed with lz4.

A snapshot is written once, read whole and never queried inside, and a
promotion's is megabytes (every show of the schedule). ``jsonb`` parsed it into
a tree and pglz compressed it; ``json`` keeps the text as sent and lz4 (where
the server was built with it, PostgreSQL 14+) compresses it several times
faster. SQLite stores JSON as text either way.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 03:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"

COMPRESSION = (  # SET COMPRESSION is PostgreSQL 14+, and lz4 is a build option
    "DO $$ BEGIN IF current_setting('server_version_num')::int >= 140000 THEN "
    "EXECUTE 'ALTER TABLE schedule_versions ALTER COLUMN snapshot SET COMPRESSION {}'; "
    "END IF; EXCEPTION WHEN feature_not_supported THEN NULL; END $$"
)


UPGRADE = (
    "ALTER TABLE schedule_versions ALTER COLUMN snapshot TYPE json USING snapshot::json",
    COMPRESSION.format("lz4"),
)
DOWNGRADE = (
    COMPRESSION.format("default"),
    "ALTER TABLE schedule_versions ALTER COLUMN snapshot TYPE jsonb USING snapshot::jsonb",
)


def _on_postgresql(statements: tuple[str, ...]) -> None:
    if op.get_context().dialect.name == "postgresql":  # SQLite stores JSON as text anyway
        for statement in statements:
            op.execute(statement)


def upgrade() -> None:
    _on_postgresql(UPGRADE)


def downgrade() -> None:
    _on_postgresql(DOWNGRADE)
