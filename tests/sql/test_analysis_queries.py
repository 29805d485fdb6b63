"""Loading shows for analysis from a SQL database takes the same, small number
of statements whatever the number of shows (three exports, on PostgreSQL
written by the server with COPY)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import IO, Any

import pytest
import sqlalchemy as sa

from studiocore import MC, ShowMC
from studiocore.analysis import shows_frame
from studiocore_sql import SqlDatabase
from tests.support.builders import at, make, show, store, studio_and_room


@contextmanager
def counted(db: SqlDatabase, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The statements run on ``db`` (SQLAlchemy's, and the CSV exports that go
    to the driver directly)."""
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    export = type(db.dialect).export_csv

    def export_counted(
        self: object, connection: sa.Connection, statement: sa.Select[Any]
    ) -> IO[bytes]:
        seen.append("COPY/export")
        return export(self, connection, statement)  # type: ignore[arg-type]

    monkeypatch.setattr(type(db.dialect), "export_csv", export_counted)
    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)


def test_loading_ten_thousand_shows_takes_as_many_statements_as_a_hundred(
    sql_db: SqlDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    studio, room = studio_and_room()
    mcs = [make(MC, name=f"MC {i}") for i in range(3)]
    shows = [show(room, i, i + 0.5, name=f"Show {i}") for i in range(10_000)]
    links = [make(ShowMC, show_uid=s.uid, mc_uid=mcs[i % 3].uid) for i, s in enumerate(shows[::10])]
    with sql_db() as uow:
        store(uow, [studio, room, *mcs])
        store(uow, shows)
        store(uow, links)
    counts = []
    for hours in (100, 10_000):
        with counted(sql_db, monkeypatch) as seen:
            frame = shows_frame(sql_db, start=at(0), end=at(0) + timedelta(hours=hours))
        assert len(frame) == hours
        counts.append(len(seen))
    assert counts[0] == counts[1]
    assert counts[1] <= 10, counts
    assert frame["mcs"].map(len).sum() == 1_000
