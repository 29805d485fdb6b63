"""The audit trail is append-only in the database itself: a raw ``UPDATE`` or
``DELETE`` of ``audits`` is refused by a trigger on PostgreSQL and on SQLite,
whoever runs it (migration 0011)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from studiocore import Services
from studiocore_sql import SqlDatabase


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audits SET action = 'tampered' WHERE uid = :uid",
        "UPDATE audits SET new_values = NULL",
        "DELETE FROM audits WHERE uid = :uid",
        "DELETE FROM audits",
    ],
)
def test_raw_sql_cannot_change_or_delete_an_audit_entry(
    sql_db: SqlDatabase, statement: str
) -> None:
    svc = Services(sql_db)
    studio = svc.studios.create("North")
    entry = svc.audits.history(studio.uid)[0]
    with (
        pytest.raises(sa.exc.DBAPIError, match="append-only"),
        sql_db.engine.begin() as conn,
    ):
        conn.execute(sa.text(statement), {"uid": entry.uid})
    assert svc.audits.history(studio.uid) == [entry]
