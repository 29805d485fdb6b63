"""What differs between PostgreSQL and SQLite, behind one strategy object.

:class:`SqlDialect` names every difference the adapter has to know about:
how a set of uids or ids is bound, how many rows one statement may carry,
how writes the database may refuse are fenced (savepoints), how resources are
locked, the set-based insert, read-only connections, on-connect setup, and the
read-model statements that PostgreSQL answers in one round trip
(``near``, ``crowded``, ``studio_occupancy``). Its two implementations are
:class:`studiocore_sql.dialect_postgresql.PostgresDialect` and
:class:`studiocore_sql.dialect_sqlite.SqliteDialect`; the session, the
repositories and the read models call the strategy and never ask which
database they run on.
"""

from __future__ import annotations

import abc
import tempfile
from bisect import bisect_left
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import IO, Any, ClassVar, Protocol, TypeVar

import sqlalchemy as sa

from studiocore.ports import Booking, BookingQuery, ScheduledShow
from studiocore.scheduling.detector import near_bookings
from studiocore.timeslot import TimeSlot, union

__all__ = [
    "CHUNK",
    "BookingSource",
    "Columns",
    "Runner",
    "SqlDialect",
    "Values",
    "Windows",
    "chunks",
]

V = TypeVar("V")

CHUNK = 5000
"""Largest number of values bound into one ``IN (...)`` on SQLite."""

PROBE_GAP = timedelta(hours=12)
"""Candidate windows of one resource closer than this are looked up as one range."""

Row = tuple[Any, ...]
Values = dict[str, Any]
"""A row to write: column name -> value."""
Columns = Mapping[str, Sequence[Any]]
"""Equally long columns of values, by column name."""


def chunks(values: Sequence[V], size: int = CHUNK) -> Iterator[Sequence[V]]:
    """``values`` in consecutive slices of at most ``size``."""
    for i in range(0, len(values), size):
        yield values[i : i + size]


class Runner(Protocol):
    """Runs a statement inside the current transaction, translating driver
    errors (:class:`studiocore_sql.session.SqlSession` is one)."""

    def execute(self, statement: sa.Executable, params: Any = None) -> sa.CursorResult[Any]: ...


class BookingSource(Protocol):
    """What a dialect's ``crowded`` reads through (the booking read model)."""

    def search(self, query: BookingQuery) -> list[Booking]: ...

    def near(self, candidates: Sequence[Booking], margin: timedelta) -> list[Booking]: ...

    def by_ids(self, ids: Sequence[int]) -> list[tuple[int, Booking]]: ...

    def ids_of(self, show_uids: Sequence[str]) -> list[int]: ...


class Windows:
    """The candidates' windows (slot widened by the margin) per room and per MC.

    ``exact`` is their union per resource (overlapping or touching windows
    merged: a show overlaps one of them exactly when it overlaps the union).
    :meth:`probes` merges further across gaps shorter than :data:`PROBE_GAP`, so
    a schedule of 10k back-to-back drafts in 20 rooms with 40 MCs costs about 60
    index lookups instead of 20k; :meth:`hit` then keeps only exact overlaps.
    """

    def __init__(self, candidates: Sequence[Booking], margin: timedelta) -> None:
        raw: dict[str, list[tuple[datetime, datetime]]] = {}
        self.mcs: set[str] = set()
        for c in candidates:
            window = (c.slot.start - margin, c.slot.end + margin)
            if c.room_uid is not None:
                raw.setdefault(c.room_uid, []).append(window)
            for mc in c.mc_uids:
                self.mcs.add(mc)
                raw.setdefault(mc, []).append(window)
        self.exact = {key: union(value) for key, value in raw.items()}
        self._starts = {key: [w[0] for w in value] for key, value in self.exact.items()}

    def probes(self) -> Iterator[tuple[str, datetime, datetime]]:
        """``(resource uid, lo, hi)`` ranges to look up, by resource."""
        for key in sorted(self.exact):
            for lo, hi in union(self.exact[key], bridge=PROBE_GAP):
                yield key, lo, hi

    def hit(self, resource: str, start: datetime, end: datetime) -> bool:
        """Whether ``[start, end)`` overlaps a window of ``resource``."""
        windows = self.exact.get(resource)
        if not windows:
            return False
        i = bisect_left(self._starts[resource], end) - 1  # last window starting before end
        return i >= 0 and windows[i][1] > start


SPOOL_BYTES = 8 * 1024 * 1024
"""How much of an export stays in memory before it spills to a temporary file."""


def spool() -> IO[bytes]:
    """A binary file in memory up to :data:`SPOOL_BYTES`, on disk beyond."""
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)


class SqlDialect(abc.ABC):
    """The strategy of one database. Stateless: one instance per engine."""

    name: ClassVar[str]
    """SQLAlchemy's name of the database (``"postgresql"``, ``"sqlite"``)."""

    aborts_on_error: ClassVar[bool]
    """Whether a failed statement aborts the whole transaction (outside a
    savepoint), so that the unit of work must refuse to commit afterwards."""

    read_only_options: ClassVar[dict[str, Any]]

    code_point_collation: ClassVar[str]
    """The collation that orders text by code point, as Python compares
    strings (how every adapter sorts a list by a text field)."""
    """Execution options of a read-only unit of work's connection."""

    # -- the engine ---------------------------------------------------------------------

    @abc.abstractmethod
    def engine_options(
        self, url: sa.URL, *, connect_timeout: float, pool: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(connect_args, create_engine options)`` for ``url``; ``pool`` holds
        the pool settings the caller asked for."""

    @abc.abstractmethod
    def prepare(self, engine: sa.Engine, *, ping_idle_after: float | None = None) -> None:
        """Attach what every connection needs (on-connect setup, ``BEGIN`` mode,
        the ping of a pooled connection that sat idle ``ping_idle_after``
        seconds where connections can be dropped)."""

    def fetch_together(
        self, conn: sa.Connection, queries: Sequence[tuple[sa.Select[Any], Mapping[str, Any]]]
    ) -> list[list[Sequence[Any]]] | None:
        """The rows of each ``(select, values)`` of ``queries`` in one round trip
        to the server, or ``None`` where the database has no round trips to save
        (SQLite runs in the process): then the caller runs them one by one."""
        return None

    def create_schema(self, conn: sa.Connection, metadata: sa.MetaData) -> None:
        """Create the tables (and what they need) on an empty database."""
        metadata.create_all(conn)

    # -- writes -------------------------------------------------------------------------

    @abc.abstractmethod
    def insert_new(self, table: sa.Table) -> sa.Insert:
        """``INSERT INTO table ... ON CONFLICT (uid) DO NOTHING``."""

    @abc.abstractmethod
    def insert_many(self, runner: Runner, table: sa.Table, rows: Sequence[Values]) -> list[str]:
        """Insert ``rows`` (every column but ``id``) set-based, skipping rows whose
        uid exists; the uids inserted."""

    def insert_copies(self, runner: Runner, table: sa.Table, row: Values, varying: Columns) -> None:
        """Insert one copy of ``row`` per position of the equally long columns in
        ``varying`` (which include ``uid``, fresh uids: a uid that exists is an
        error of the statement, as any constraint it breaks)."""
        names = list(varying)
        rows = [
            {**row, **dict(zip(names, values, strict=True))}
            for values in zip(*varying.values(), strict=True)
        ]
        runner.execute(sa.insert(table), rows)  # executemany, batched by SQLAlchemy

    @abc.abstractmethod
    def savepoint(self, connection: sa.Connection) -> AbstractContextManager[None]:
        """Fence a write the database may refuse, so that the transaction stays
        usable after the refusal (nothing to fence where nothing refuses)."""

    @abc.abstractmethod
    def lock(self, runner: Runner, room_uids: Sequence[str], mc_uids: Sequence[str]) -> None:
        """Take the booking locks of :meth:`UnitOfWork.lock_resources`."""

    # -- binding sets -------------------------------------------------------------------

    @abc.abstractmethod
    def in_uids(self, column: sa.ColumnElement[Any], uids: Sequence[str]) -> sa.ColumnElement[bool]:
        """``column IN uids`` for one batch of :meth:`batches`."""

    @abc.abstractmethod
    def in_ids(self, column: sa.ColumnElement[Any], ids: Sequence[int]) -> sa.ColumnElement[bool]:
        """``column IN ids`` for one batch of :meth:`batches`."""

    def in_rows(
        self, column: sa.ColumnElement[Any], rows: sa.Select[Any]
    ) -> sa.ColumnElement[bool]:
        """``column IN (rows)``, for a subquery that does not refer to the outer
        row, in the form the database can answer from an index on ``column``
        also when it is one branch of an ``OR``."""
        return column.in_(rows)

    @abc.abstractmethod
    def batches(self, values: Sequence[V]) -> Iterator[Sequence[V]]:
        """``values`` in batches small enough for one statement."""

    @abc.abstractmethod
    def by_ids(
        self, column: sa.ColumnElement[Any], ids: Sequence[int]
    ) -> list[sa.ColumnElement[bool]]:
        """Conditions selecting the rows with these ``ids`` (sorted), one per
        statement, visiting rows in id order where the database can."""

    # -- reads --------------------------------------------------------------------------

    @abc.abstractmethod
    def epoch_micros(self, column: sa.ColumnElement[datetime]) -> sa.ColumnElement[int]:
        """``column`` (a ``UTCDateTime``) as microseconds since the Unix epoch."""

    @abc.abstractmethod
    def export_csv(self, connection: sa.Connection, statement: sa.Select[Any]) -> IO[bytes]:
        """The rows of ``statement`` as RFC 4180 CSV (UTF-8, no header, ``NULL``
        an empty field), in a file positioned at its start (:func:`spool`)."""

    @abc.abstractmethod
    def raw_time(self, column: sa.ColumnElement[datetime]) -> sa.ColumnElement[datetime]:
        """``column`` (a ``UTCDateTime``) as cheaply as it can be read in bulk."""

    @abc.abstractmethod
    def overlapping(
        self, shows: sa.Table, start: datetime, end: datetime
    ) -> sa.ColumnElement[bool]:
        """Reserving ``shows`` overlapping ``[start, end)``, in the form the
        database's index serves."""

    @abc.abstractmethod
    def near_ids(self, runner: Runner, windows: Windows, skip: Collection[int] = ()) -> set[int]:
        """Ids of the reserving, live shows that overlap a window of their room
        or of one of their MCs, but for the shows ``skip``."""

    def crowded(
        self,
        runner: Runner,
        source: BookingSource,
        drafts: Sequence[ScheduledShow],
        margin: timedelta,
    ) -> tuple[list[Booking], list[Booking]]:
        """:meth:`studiocore.ports.BookingReadModel.crowded`, unordered. Here as
        any database can answer it (and as the in-memory adapter does): the
        drafts and their neighbours through ``source``, narrowed in Python by the
        core's ``near_bookings``."""
        everyone = source.search(
            BookingQuery(show_uids=[d.show_uid for d in drafts], reserving_only=False)
        )
        return near_bookings(everyone, source.near(everyone, margin), margin)

    @abc.abstractmethod
    def occupancy_rows(self, runner: Runner, studio_uid: str, window: TimeSlot) -> list[Row]:
        """``(room_changeover_severity, room uid, name, changeover_minutes, start,
        end)`` rows of :meth:`BookingReadModel.studio_occupancy`: one per room
        and reserved slot (``None`` for a room without one, and for the room of
        a studio without rooms); none when the studio does not exist."""
