"""Seed the lookup tables with the specification's values.

The names are frozen here (a later change to ``studiocore.lookups`` needs its
own migration); ``tests/sql`` checks that they still equal ``LOOKUP_SEEDS``.
Rows get ids 1..n in this order: ``show_status`` ids 2, 3, 4 (confirmed, live,
completed) are named by the exclusion constraint of 0001.

Create Date: 2026-11-23 01:45:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from studiocore.ids import new_uid

revision = "0002"
down_revision = "0001"

SEEDS: dict[str, tuple[str, tuple[str, ...]]] = {
    # table: (uid prefix, names)
    "show_status": ("shstat", ("draft", "confirmed", "live", "completed", "cancelled")),
    "show_types": ("shtype", ("bau", "campaign", "other")),
    "show_standards": ("shstd", ("standard", "premium")),
    "schedule_status": (
        "schstat",
        ("draft", "proposed", "confirmed", "archived", "cancelled", "other"),
    ),
    "material_types": ("mattype", ("brief", "mechanic", "script", "scene", "other")),
    "task_status": (
        "tkstat",
        ("pending", "assigned", "in_progress", "review", "completed", "blocked"),
    ),
    "task_type": (
        "tktype",
        (
            "pre_production",
            "production",
            "post_production",
            "show_mc_review",
            "show_platform_review",
            "other",
        ),
    ),
    "task_input_type": ("tkinput", ("text", "number", "date", "percentage", "file", "url")),
    "change_categories": ("chcat", ("CLIENT_REQUESTED", "OPERATIONAL", "FORCE_MAJEURE")),
    "change_types": (
        "chtype",
        (
            "TIME_CHANGE",
            "RESOURCE_CHANGE",
            "SCOPE_CHANGE",
            "MC_CHANGE",
            "PLATFORM_CHANGE",
            "CANCELLATION",
            "ADDITION",
            "OTHER",
        ),
    ),
}


def _table(name: str) -> sa.TableClause:
    return sa.table(
        name,
        sa.column("id", sa.Integer()),
        sa.column("uid", sa.String()),
        sa.column("name", sa.String()),
        sa.column("metadata", sa.JSON()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )


def upgrade() -> None:
    postgres = op.get_context().dialect.name == "postgresql"
    now = datetime.now(UTC)
    if not postgres:
        now = now.replace(tzinfo=None)  # SQLite stores naive UTC
    for name, (prefix, values) in SEEDS.items():
        op.bulk_insert(
            _table(name),
            [
                {
                    "id": i,
                    "uid": new_uid(prefix),
                    "name": value,
                    "metadata": {},
                    "created_at": now,
                    "updated_at": now,
                }
                for i, value in enumerate(values, start=1)
            ],
        )
        if postgres:
            op.execute(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
            )


def downgrade() -> None:
    for name in reversed(SEEDS):
        op.execute(f"DELETE FROM {name}")
