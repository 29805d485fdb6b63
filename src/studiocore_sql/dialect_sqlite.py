"""The SQLite strategy: in-process, so several small statements cost little.

Writers are serialized for the whole unit of work (``BEGIN IMMEDIATE``), so
nothing needs a savepoint or a row lock; readers take a deferred ``BEGIN`` (a
consistent snapshot without the write lock). Sets are bound as ``IN`` lists of
at most :data:`~studiocore_sql.dialects.CHUNK` values; the read models run the
same plain queries as any SQL database would, and ``crowded`` is the base
class's: it narrows the drafts in Python with the core's ``near_bookings``, as
the in-memory adapter does.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta
from typing import IO, Any, ClassVar, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from studiocore.timeslot import TimeSlot
from studiocore_sql import tables as t
from studiocore_sql.dialects import Row, Runner, SqlDialect, Values, Windows, chunks, spool

__all__ = ["SqliteDialect"]

V = TypeVar("V")

_READ_ONLY = "studiocore_read_only"
"""Execution option marking a read-only unit of work's connection."""

INSERT_ROWS = 1000
"""Rows per multi-row ``INSERT`` (11 columns of audits: well under SQLite's
32766 parameters)."""


class SqliteDialect(SqlDialect):
    """SQLite through the standard library's ``sqlite3``."""

    name: ClassVar[str] = "sqlite"
    aborts_on_error: ClassVar[bool] = False
    read_only_options: ClassVar[dict[str, Any]] = {_READ_ONLY: True}
    code_point_collation: ClassVar[str] = "BINARY"

    # -- the engine ---------------------------------------------------------------------

    def engine_options(
        self, url: sa.URL, *, connect_timeout: float, pool: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        args = {"timeout": connect_timeout, "check_same_thread": False}
        if url.database in (None, "", ":memory:"):
            return args, {"poolclass": sa.pool.StaticPool}  # one shared in-memory database
        return args, pool

    def prepare(self, engine: sa.Engine, *, ping_idle_after: float | None = None) -> None:
        # an in-process file: nothing drops its connections, nothing to ping
        sa.event.listen(engine, "connect", _on_connect)
        sa.event.listen(engine, "begin", _on_begin)

    # -- writes -------------------------------------------------------------------------

    def insert_new(self, table: sa.Table) -> sa.Insert:
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=["uid"])

    def insert_many(self, runner: Runner, table: sa.Table, rows: Sequence[Values]) -> list[str]:
        inserted: list[str] = []
        for part in chunks(rows, INSERT_ROWS):
            stmt = self.insert_new(table).values(list(part)).returning(table.c.uid)
            inserted.extend(runner.execute(stmt).scalars())
        return inserted

    def savepoint(self, connection: sa.Connection) -> AbstractContextManager[None]:
        return nullcontext()  # SQLite refuses no booking: nothing to fence

    def lock(self, runner: Runner, room_uids: Sequence[str], mc_uids: Sequence[str]) -> None:
        pass  # BEGIN IMMEDIATE already serializes writers

    # -- binding sets -------------------------------------------------------------------

    def in_uids(self, column: sa.ColumnElement[Any], uids: Sequence[str]) -> sa.ColumnElement[bool]:
        return column.in_(list(uids))

    def in_ids(self, column: sa.ColumnElement[Any], ids: Sequence[int]) -> sa.ColumnElement[bool]:
        return column.in_(list(ids))

    def batches(self, values: Sequence[V]) -> Iterator[Sequence[V]]:
        return chunks(values)

    def by_ids(
        self, column: sa.ColumnElement[Any], ids: Sequence[int]
    ) -> list[sa.ColumnElement[bool]]:
        return [self.in_ids(column, part) for part in chunks(sorted(ids))]

    # -- reads --------------------------------------------------------------------------

    def epoch_micros(self, column: sa.ColumnElement[datetime]) -> sa.ColumnElement[int]:
        # stored as naive UTC text "YYYY-MM-DD HH:MM:SS.ffffff": the seconds, then the fraction
        seconds = sa.cast(sa.func.strftime("%s", column), sa.BigInteger)
        return seconds * 1_000_000 + sa.cast(sa.func.substr(column, 21, 6), sa.BigInteger)

    def export_csv(self, connection: sa.Connection, statement: sa.Select[Any]) -> IO[bytes]:
        out = spool()
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        writer = csv.writer(text, lineterminator="\n")
        for part in connection.execute(statement).partitions(10_000):
            writer.writerows(["" if value is None else value for value in row] for row in part)
        text.detach()  # the file stays open for its reader
        out.seek(0)
        return out

    def raw_time(self, column: sa.ColumnElement[datetime]) -> sa.ColumnElement[datetime]:
        return column  # stored as naive UTC text: the column type makes it aware

    def overlapping(
        self, shows: sa.Table, start: datetime, end: datetime
    ) -> sa.ColumnElement[bool]:
        return sa.and_(shows.c.show_start < end, shows.c.show_end > start)

    def near_ids(self, runner: Runner, windows: Windows, skip: Collection[int] = ()) -> set[int]:
        """Two small indexed queries per probe window."""
        s, r, sm, m = t.shows, t.studio_rooms, t.show_mcs, t.mcs
        ids: set[int] = set()
        for resource, lo, hi in windows.probes():
            overlap = [t.reserving(s), s.c.show_start < hi, s.c.show_end > lo]
            if resource in windows.mcs:
                stmt = (
                    sa.select(s.c.id, s.c.show_start, s.c.show_end)
                    .join(sm, sm.c.show_id == s.c.id)
                    .join(m, m.c.id == sm.c.mc_id)
                    .where(m.c.uid == resource, sm.c.deleted_at.is_(None), *overlap)
                )
            else:
                stmt = (
                    sa.select(s.c.id, s.c.show_start, s.c.show_end)
                    .join(r, r.c.id == s.c.studio_room_id)
                    .where(r.c.uid == resource, *overlap)
                )
            ids.update(
                row.id
                for row in runner.execute(stmt).all()
                if row.id not in skip and windows.hit(resource, row.show_start, row.show_end)
            )
        return ids

    def occupancy_rows(self, runner: Runner, studio_uid: str, window: TimeSlot) -> list[Row]:
        """The studio and its rooms, then the shows of those rooms around the
        window widened by the largest changeover, kept per room within its own."""
        s, r, st = t.shows, t.studio_rooms, t.studios
        head = runner.execute(
            sa.select(
                st.c.room_changeover_severity, r.c.uid, r.c.name, r.c.changeover_minutes, r.c.id
            )
            .select_from(
                st.outerjoin(r, sa.and_(r.c.studio_id == st.c.id, r.c.deleted_at.is_(None)))
            )
            .where(st.c.uid == studio_uid, st.c.deleted_at.is_(None))
        ).all()
        by_id = {row.id: row for row in head if row.uid is not None}
        out: list[Row] = [(*row[:4], None, None) for row in head]
        if not by_id:
            return out
        widest = timedelta(minutes=max(row.changeover_minutes for row in by_id.values()))
        stmt = sa.select(s.c.studio_room_id, s.c.show_start, s.c.show_end).where(
            s.c.studio_room_id.in_(list(by_id)),
            t.reserving(s),
            s.c.show_start < window.end + widest,
            s.c.show_end > window.start - widest,
        )
        for room_id, start, end in cast(list[Row], runner.execute(stmt).all()):
            room = by_id[room_id]
            margin = timedelta(minutes=room.changeover_minutes)
            if start < window.end + margin and end > window.start - margin:
                out.append((*room[:4], start, end))
        return out


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE instead of the driver's
    # lazy deferred BEGIN; enforce foreign keys.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        # a file database: write-ahead logging (readers never wait for a writer)
        # and a sync per checkpoint rather than per commit (durable but for the
        # last commits on a power cut, never corrupt)
        if cursor.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal":
            cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _on_begin(conn: sa.Connection) -> None:
    if conn.get_execution_options().get(_READ_ONLY):
        conn.exec_driver_sql("BEGIN")  # deferred: a consistent snapshot, no write lock
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
