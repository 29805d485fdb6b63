"""Lookup-table seed rows (the migration ``0002`` inserts the same rows).

Seed rows get ids 1..n in the order of :data:`studiocore.lookups.LOOKUP_SEEDS`;
``show_status`` relies on it (see :data:`studiocore_sql.tables.SHOW_STATUS_IDS`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import sqlalchemy as sa

from studiocore.entities import LOOKUP_ENTRY_TYPES
from studiocore.ids import new_uid
from studiocore.lookups import LOOKUP_SEEDS, LookupTable
from studiocore.timeslot import utc_now
from studiocore_sql.tables import LOOKUP_TABLES

__all__ = ["insert_seed_rows", "seed_rows"]


def seed_rows(
    seeds: Mapping[LookupTable, Sequence[str]] = LOOKUP_SEEDS, *, now: datetime | None = None
) -> dict[LookupTable, list[dict[str, object]]]:
    """The rows to insert into each lookup table, with fixed ids and fresh uids."""
    now = now or utc_now()
    return {
        table: [
            {
                "id": i,
                "uid": new_uid(LOOKUP_ENTRY_TYPES[table].PREFIX),
                "name": name,
                "description": None,
                "metadata": {},
                "created_at": now,
                "updated_at": now,
                "deleted_at": None,
            }
            for i, name in enumerate(names, start=1)
        ]
        for table, names in seeds.items()
    }


def insert_seed_rows(conn: sa.Connection) -> None:
    """Insert the seed rows into empty lookup tables (and move PostgreSQL's id
    sequences past them)."""
    for table, rows in seed_rows().items():
        target = LOOKUP_TABLES[table]
        conn.execute(sa.insert(target), rows)
        if conn.dialect.name == "postgresql":
            conn.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{target.name}', 'id'), "
                    f"(SELECT max(id) FROM {target.name}))"
                )
            )
