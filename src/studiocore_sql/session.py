"""The session: what the repositories and read models of one unit of work share.

A :class:`SqlSession` holds the connection of the current transaction, the
dialect strategy, the caches of integer ids (ids never change, so a uid or a
lookup name is resolved once per transaction), the ``updated_at`` of the shows
read (the optimistic check of :mod:`studiocore_sql.shows`), and the failure
state that the unit of work consults before committing. It runs every
statement, translating driver errors. The unit of work owns the transaction:
it opens the connection, hands it to the session, and commits or rolls back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NoReturn

import sqlalchemy as sa

from studiocore.conflicts import Conflict
from studiocore.errors import ConflictError, ValidationError
from studiocore.ports import ReadOnlyError
from studiocore_sql import tables as t
from studiocore_sql.dialects import SqlDialect
from studiocore_sql.errors import RefusedBookingError, reraise

__all__ = ["SqlSession"]

_LOOKUP_TABLES = frozenset(t.LOOKUP_TABLES.values())


class SqlSession:
    """One unit of work's connection, dialect, id caches and failure state."""

    def __init__(self, dialect: SqlDialect, *, read_only: bool) -> None:
        self.dialect = dialect
        self.read_only = read_only
        self._conn: sa.Connection | None = None
        self.failed = False
        """A statement failed in a way that aborted the transaction."""
        self.lost = False
        """The connection was lost (and the transaction with it)."""
        self._savepoints = 0
        self._ids: defaultdict[str, dict[str, int]] = defaultdict(dict)
        """Ids by table name and uid (keyed in two levels: no tuple per cached row)."""
        self._lookup_ids: dict[tuple[str, str], int] = {}
        self.seen_shows: dict[str, datetime] = {}
        """``updated_at`` of the shows read in this transaction."""

    # -- the connection -----------------------------------------------------------------

    def attach(self, connection: sa.Connection | None) -> None:
        """Use ``connection`` (``None``: the unit of work ended) from now on."""
        self._conn = connection
        self.reset()

    @property
    def attached(self) -> bool:
        """Whether a unit of work is using this session (inside ``with``)."""
        return self._conn is not None

    @property
    def connection(self) -> sa.Connection:
        """The connection of the current transaction (inside ``with`` only)."""
        if self._conn is None:
            raise RuntimeError("use the unit of work inside a 'with' block")
        return self._conn

    def reset(self) -> None:
        """Forget everything about the transaction that ended."""
        self.seen_shows.clear()
        self.failed = False
        self.lost = False
        self._savepoints = 0
        self._ids.clear()
        self._lookup_ids.clear()

    def begin(self) -> None:
        try:
            self.connection.begin()
        except sa.exc.DBAPIError as exc:
            reraise(exc)

    def require_writable(self, what: str) -> None:
        if self.read_only:
            raise ReadOnlyError(f"{what} in a read-only unit of work")

    def execute(self, statement: sa.Executable, params: Any = None) -> sa.CursorResult[Any]:
        """Run a statement, translating driver errors into domain errors."""
        conn = self.connection
        if getattr(statement, "is_dml", False) or (
            getattr(statement, "_for_update_arg", None) is not None
        ):
            self.require_writable("write")
        if not conn.in_transaction():
            self.begin()  # after commit() inside the block
        try:
            return conn.execute(statement, params)
        except sa.exc.DBAPIError as exc:
            self._failed(exc)

    def fetch_together(
        self, *queries: tuple[sa.Select[Any], Mapping[str, Any]]
    ) -> list[list[Sequence[Any]]]:
        """The rows of each ``(select, values)``, in one round trip where the
        database allows it (:meth:`SqlDialect.fetch_together`), else one by one."""
        conn = self.connection
        if not conn.in_transaction():
            self.begin()
        try:
            together = self.dialect.fetch_together(conn, queries)
        except sa.exc.DBAPIError as exc:
            self._failed(exc)
        if together is not None:
            return together
        return [list(self.execute(stmt, values).all()) for stmt, values in queries]

    def _failed(self, exc: sa.exc.DBAPIError) -> NoReturn:
        if self.dialect.aborts_on_error and self._savepoints == 0:
            self.failed = True  # the database aborted the whole transaction
        if exc.connection_invalidated:  # and the transaction with it
            self.failed = self.lost = True
        reraise(exc)

    @contextmanager
    def guarded(self, conflicts: Callable[[], list[Conflict]]) -> Iterator[None]:
        """Run a write that the database's double-booking guards may refuse (the
        room exclusion constraint, the MC guard), fenced by the dialect (a
        savepoint on PostgreSQL) so that after a refusal the transaction is still
        usable to look up what collided: a :class:`ConflictError` carrying
        ``conflicts()``."""
        self.require_writable("write")
        self._savepoints += 1
        try:
            with self.dialect.savepoint(self.connection):
                yield
        except RefusedBookingError as exc:
            self._savepoints -= 1
            found = conflicts()
            shows = sorted({u for c in found for u in c.show_uids})
            message = exc.message
            if shows:
                message = (
                    f"{len(found)} conflict(s) involving shows {', '.join(shows)}: "
                    + found[0].reason
                )
            raise ConflictError(message, found) from exc
        except BaseException:
            self._savepoints -= 1
            raise
        self._savepoints -= 1

    # -- ids ----------------------------------------------------------------------------

    def id_of(self, table: sa.Table, uid: str, field: str) -> int:
        """The id of the row of ``table`` with ``uid`` (deleted or not), or a
        :class:`ValidationError` naming ``field``."""
        cache = self._ids[table.name]
        found = cache.get(uid)
        if found is None:
            found = self.execute(sa.select(table.c.id).where(table.c.uid == uid)).scalar()
            if found is None:
                raise ValidationError(field, f"{table.name} {uid!r} does not exist")
            cache[uid] = found
        return found

    def remember_ids(self, table: sa.Table, ids: Mapping[str, int]) -> None:
        """Cache the ids of rows of ``table`` a query read, by uid (ids never change)."""
        self._ids[table.name].update(ids)

    def known_ids(self, table: sa.Table, uids: Iterable[str]) -> list[int] | None:
        """The cached ids of ``uids`` in ``table``, or ``None`` unless all are cached."""
        cache = self._ids[table.name]
        found: list[int] = []
        for uid in uids:
            row_id = cache.get(uid)
            if row_id is None:
                return None
            found.append(row_id)
        return found

    def lookup_id(self, table: sa.Table, name: str, field: str) -> int:
        """The id of the live lookup row called ``name`` (a deleted one if no live
        one exists), or a :class:`ValidationError` naming ``field``."""
        key = (table.name, name)
        found = self._lookup_ids.get(key)
        if found is None:
            stmt = (
                sa.select(table.c.id)
                .where(table.c.name == name)
                .order_by(table.c.deleted_at.is_not(None), table.c.id)
                .limit(1)
            )
            found = self.execute(stmt).scalar()
            if found is None:
                raise ValidationError(field, f"unknown {table.name} value {name!r}")
            self._lookup_ids[key] = found
        return found

    def wrote(self, table: sa.Table) -> None:
        """A repository wrote to ``table``: forget cached lookup ids if it is a lookup."""
        if table in _LOOKUP_TABLES:
            self._lookup_ids.clear()
