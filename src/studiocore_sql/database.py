"""The SQL database and its unit of work.

>>> db = SqlDatabase("sqlite://")
>>> db.create_all()
>>> with db.unit_of_work() as uow:
...     uow.show_types.count()
3
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, NoReturn, Self, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from studiocore.conflicts import Conflict
from studiocore.entities import (
    Audit,
    Entity,
    Show,
    ShowMC,
)
from studiocore.errors import (
    ConcurrencyError,
    ConflictError,
    UnavailableError,
    ValidationError,
)
from studiocore.ports import (
    AuditLog,
    BookingReadModel,
    ReadOnlyError,
    Repository,
    ShowRepository,
    UnitOfWork,
    bind_repositories,
)
from studiocore_sql import tables as t
from studiocore_sql.mapping import MAPS
from studiocore_sql.repositories import (
    CHUNK,
    SqlAuditRepository,
    SqlBookings,
    SqlRepository,
    SqlShowMcRepository,
    SqlShowRepository,
    chunks,
)
from studiocore_sql.types import DRIVER_TIMESTAMPTZ, UTCDateTime

__all__ = [
    "DEFAULT_DATABASE_URL",
    "ENV_VAR",
    "SqlDatabase",
    "SqlUnitOfWork",
    "database_url_from_env",
]

ENV_VAR = "STUDIOCORE_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///./studiocore.db"

E = TypeVar("E", bound=Entity)

_RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}
_LOOKUP_TABLES = frozenset(t.LOOKUP_TABLES.values())


def database_url_from_env(environ: Mapping[str, str] | None = None) -> str:
    """The database URL from ``STUDIOCORE_DATABASE_URL``, else a SQLite file
    ``./studiocore.db`` (nothing to install). A bare ``postgresql://`` URL is
    rewritten to use psycopg 3 (``postgresql+psycopg://``)."""
    env = os.environ if environ is None else environ
    url = env.get(ENV_VAR, "").strip() or DEFAULT_DATABASE_URL
    return normalize_url(url)


def normalize_url(url: str) -> str:
    """Make ``postgres://`` / ``postgresql://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class _ExclusionViolationError(ConflictError):
    """The room exclusion constraint refused a write (internal; see ``guarded``)."""


def _sqlstate(exc: BaseException) -> str | None:
    state = getattr(exc, "sqlstate", None)
    return state if isinstance(state, str) else None


def _constraint(exc: BaseException) -> str:
    diag = getattr(exc, "diag", None)
    name = getattr(diag, "constraint_name", None) if diag is not None else None
    return name if isinstance(name, str) else ""


def translate(exc: sa.exc.DBAPIError) -> Exception:
    """The domain error for a driver error, or the original error when it is a bug."""
    if exc.connection_invalidated:  # the server went away (restart, failover, kill)
        return UnavailableError(
            f"the database connection was lost; retry the operation ({exc.orig})"
        )
    orig = exc.orig
    state = _sqlstate(orig) if orig is not None else None
    if state in _RETRYABLE_SQLSTATES:
        return ConcurrencyError(
            f"a concurrent transaction got in the way ({state}); retry the operation"
        )
    if isinstance(orig, sqlite3.OperationalError) and "locked" in str(orig):
        return ConcurrencyError("the database is locked by another writer; retry the operation")
    if state == "23P01" or (
        orig is not None and _constraint(orig) in (t.ROOM_EXCLUSION, t.MC_OVERLAP)
    ):
        mc = orig is not None and _constraint(orig) == t.MC_OVERLAP
        return _ExclusionViolationError(
            f"{'an MC' if mc else 'the room'} is already booked by another show over this "
            f"time (refused by the database's {'MC guard' if mc else 'exclusion constraint'})"
        )
    if state == "23505" or (
        isinstance(orig, sqlite3.IntegrityError) and "UNIQUE" in str(orig).upper()
    ):
        detail = _constraint(orig) if orig is not None else ""
        match = re.search(r"failed: (.*)$", str(orig))
        what = detail or (match.group(1) if match else "a unique value")
        return ConflictError(f"{what}: the value is already used by another record")
    if state == "23514" or (isinstance(orig, sqlite3.IntegrityError) and "CHECK" in str(orig)):
        return ValidationError("record", f"refused by a database check: {orig}")
    return exc


class SqlUnitOfWork(UnitOfWork):
    """One database transaction exposing every repository (see
    :class:`studiocore.ports.UnitOfWork`).

    On SQLite the transaction starts with ``BEGIN IMMEDIATE``: writers are
    serialized for the whole unit of work. On PostgreSQL it runs at READ
    COMMITTED; :meth:`lock_resources` takes row locks on the rooms and MCs being
    booked, the exclusion constraint on ``shows`` refuses room overlaps and the
    MC guard trigger refuses MC overlaps.
    """

    def __init__(self, db: SqlDatabase, *, read_only: bool = False) -> None:
        self.db = db
        self.read_only = read_only
        self.is_postgresql = db.is_postgresql
        self._conn: sa.Connection | None = None
        self._failed = False
        self._lost = False
        self._savepoints = 0
        self._ids: defaultdict[str, dict[str, int]] = defaultdict(dict)
        """Ids by table name and uid (keyed in two levels: no tuple per cached row)."""
        self._lookup_ids: dict[tuple[str, str], int] = {}
        self._pending_audits: list[dict[str, Any]] = []
        self.seen_shows: dict[str, datetime] = {}
        """``updated_at`` of the shows read in this transaction (PostgreSQL)."""
        shows = SqlShowRepository(self, MAPS[Show])
        self.shows: ShowRepository = shows
        self.show_mcs: Repository[ShowMC] = SqlShowMcRepository(self, MAPS[ShowMC])
        self.audits: AuditLog = SqlAuditRepository(self, MAPS[Audit])
        self.bookings: BookingReadModel = SqlBookings(shows)
        bind_repositories(self, self._repository)

    def _repository(self, entity_type: type[E]) -> Repository[E]:
        return SqlRepository(self, MAPS[entity_type])

    # -- transaction --------------------------------------------------------------------

    def __enter__(self) -> Self:
        if self._conn is not None:
            raise RuntimeError("this unit of work is already in use")
        try:
            conn = self.db.engine.connect()
        except sa.exc.DBAPIError as exc:
            raise UnavailableError(f"cannot connect to the database: {exc.orig}") from exc
        if self.read_only:
            # PostgreSQL: every statement on its own, no BEGIN/COMMIT round trips;
            # SQLite: a deferred BEGIN, which takes no write lock.
            conn = conn.execution_options(
                **({"isolation_level": "AUTOCOMMIT"} if self.is_postgresql else {}),
                studiocore_read_only=True,
            )
        try:
            self._conn = conn
            self._reset()
            self._begin()
        except BaseException:
            self._conn = None
            conn.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn = self.connection
        try:
            if exc_type is None:
                self.commit()
            else:
                self.rollback()
        finally:
            self._conn = None
            conn.close()

    def _reset(self) -> None:
        self._pending_audits.clear()
        self.seen_shows.clear()
        self._failed = False
        self._lost = False
        self._savepoints = 0
        self._ids.clear()
        self._lookup_ids.clear()

    def _begin(self) -> None:
        try:
            self.connection.begin()
        except sa.exc.DBAPIError as exc:
            _reraise(exc)

    @property
    def connection(self) -> sa.Connection:
        """The connection of the current transaction (inside ``with`` only)."""
        if self._conn is None:
            raise RuntimeError("use the unit of work inside a 'with' block")
        return self._conn

    def commit(self) -> None:
        conn = self.connection
        if not self._failed:
            self.flush_audits()
        if self._failed:
            lost = self._lost
            self.rollback()
            if lost:
                raise UnavailableError(
                    "the database connection was lost during this unit of work; nothing was written"
                )
            raise ConcurrencyError(
                "a database error aborted this unit of work; nothing was written"
            )
        try:
            conn.commit()
        except sa.exc.DBAPIError as exc:
            self._safe_rollback()
            _reraise(exc)
        self._reset()

    def rollback(self) -> None:
        self.connection.rollback()
        self._reset()

    def _safe_rollback(self) -> None:
        try:
            self.connection.rollback()
        finally:
            self._reset()

    def execute(self, statement: sa.Executable, params: Any = None) -> sa.CursorResult[Any]:
        """Run a statement, translating driver errors into domain errors."""
        conn = self.connection
        if self.read_only and (
            getattr(statement, "is_dml", False)
            or getattr(statement, "_for_update_arg", None) is not None
        ):
            raise ReadOnlyError("write in a read-only unit of work")
        if not conn.in_transaction():
            self._begin()  # after commit() inside the block
        try:
            return conn.execute(statement, params)
        except sa.exc.DBAPIError as exc:
            if self.is_postgresql and self._savepoints == 0:
                self._failed = True  # PostgreSQL aborted the whole transaction
            if exc.connection_invalidated:  # and the transaction with it
                self._failed = self._lost = True
            _reraise(exc)

    def defer_audit(self, values: dict[str, Any]) -> None:
        """Queue an audit row; it is written with the others in one batch before
        the next read of ``audits`` or the commit (audits are append-only and
        referenced by nothing, so nobody can observe the delay)."""
        if self.read_only:
            raise ReadOnlyError("write to audits in a read-only unit of work")
        self._pending_audits.append(values)

    def flush_audits(self) -> None:
        """Write the queued audit rows (one multi-row INSERT per 1000 rows)."""
        if not self._pending_audits:
            return
        rows, self._pending_audits = self._pending_audits, []
        table = t.audits
        if self.is_postgresql:
            written = set(self.execute(_AUDITS_INSERT, _recordset(table, rows)).scalars())
        else:
            stmt = (
                sqlite.insert(table)
                .on_conflict_do_nothing(index_elements=["uid"])
                .returning(table.c.uid)
            )
            written = set(self.execute(stmt, rows).scalars())
        missing = sorted({row["uid"] for row in rows} - written)
        if missing or len(written) < len(rows):
            self._failed = self._failed or self.is_postgresql
            raise ConflictError(f"Audit {(missing or [rows[0]['uid']])[0]!r} already exists")

    @contextmanager
    def guarded(self, conflicts: Callable[[], list[Conflict]]) -> Iterator[None]:
        """Run a write that the room exclusion constraint may refuse. On
        PostgreSQL it runs in a savepoint so that after a refusal the transaction
        is still usable to look up the conflicting shows, reported through a
        :class:`ConflictError` carrying ``conflicts()``."""
        if self.read_only:
            raise ReadOnlyError("write in a read-only unit of work")
        if not self.is_postgresql:
            yield
            return
        nested = self.connection.begin_nested()
        self._savepoints += 1
        try:
            yield
        except BaseException as exc:
            self._savepoints -= 1
            nested.rollback()
            if isinstance(exc, _ExclusionViolationError):
                found = conflicts()
                shows = sorted({u for c in found for u in c.show_uids})
                message = exc.message
                if shows:
                    message = (
                        f"{len(found)} conflict(s) involving shows {', '.join(shows)}: "
                        + found[0].reason
                    )
                raise ConflictError(message, found) from exc
            raise
        else:
            self._savepoints -= 1
            nested.commit()

    def lock_resources(self, *, room_uids: Collection[str], mc_uids: Collection[str]) -> None:
        self.connection  # noqa: B018 - raises outside the with block
        if self.read_only:
            raise ReadOnlyError("locks in a read-only unit of work")
        if not self.is_postgresql:
            return  # SQLite: BEGIN IMMEDIATE already serializes writers
        # Rooms first, then MCs, each in uid order: every writer locks in the same
        # global order, so two writers never wait for each other in a cycle.
        # FOR NO KEY UPDATE does not block the key-share locks taken by foreign
        # key checks (inserting a draft show into a room is not held up).
        for table, uids in ((t.studio_rooms, room_uids), (t.mcs, mc_uids)):
            wanted = sorted(set(uids))
            if not wanted:
                continue
            stmt = (
                sa.select(table.c.id)
                .where(self.in_uids(table.c.uid, wanted))
                .order_by(table.c.uid)
                .with_for_update(key_share=True)
            )
            self.execute(stmt).all()

    # -- helpers for the repositories ---------------------------------------------------

    def id_of(self, table: sa.Table, uid: str, field: str) -> int:
        """The integer id of ``uid`` in ``table`` (deleted rows included), or a
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

    def raw_time(self, column: sa.ColumnElement[datetime]) -> sa.ColumnElement[datetime]:
        """``column`` (a :class:`UTCDateTime`) for a bulk read. On PostgreSQL the
        session runs in UTC, so psycopg already returns aware UTC datetimes: the
        column is read without SQLAlchemy's per-value result processing."""
        if self.is_postgresql:
            return sa.type_coerce(column, DRIVER_TIMESTAMPTZ)
        return column

    def in_uids(self, column: sa.ColumnElement[Any], uids: Sequence[str]) -> sa.ColumnElement[bool]:
        """``column IN uids``. On PostgreSQL one array parameter, unnested in a
        subquery: the planner then probes the index per value, where
        ``= ANY(array)`` with thousands of values makes it scan the table."""
        if self.is_postgresql:
            values = sa.bindparam(None, list(uids), type_=postgresql.ARRAY(sa.String()))
            return column.in_(sa.select(sa.func.unnest(values)))
        return column.in_(list(uids))

    def in_ids(self, column: sa.ColumnElement[Any], ids: Sequence[int]) -> sa.ColumnElement[bool]:
        """``column IN ids``; one unnested array parameter on PostgreSQL."""
        if self.is_postgresql:
            values = sa.bindparam(None, list(ids), type_=postgresql.ARRAY(sa.Integer()))
            return column.in_(sa.select(sa.func.unnest(values)))
        return column.in_(list(ids))

    def uid_chunks(self, uids: Sequence[str]) -> Iterator[Sequence[str]]:
        """Batches for :meth:`in_uids` (one batch on PostgreSQL)."""
        if self.is_postgresql:
            yield uids
        else:
            yield from chunks(uids, CHUNK)

    def id_chunks(self, ids: Sequence[int]) -> Iterator[Sequence[int]]:
        """Batches for :meth:`in_ids` (one batch on PostgreSQL)."""
        if self.is_postgresql:
            yield ids
        else:
            yield from chunks(ids, CHUNK)


def _recordset_insert(table: sa.Table, conflict_column: str) -> sa.TextClause:
    """``INSERT INTO table (...) SELECT ... FROM jsonb_to_recordset(:rows) ...
    ON CONFLICT (conflict_column) DO NOTHING RETURNING conflict_column`` for
    PostgreSQL: every row in one JSON parameter (see :func:`_recordset`), a fixed
    statement whatever the number of rows. A multi-row ``VALUES`` list of 10k
    audit rows made psycopg parse a new query of 11k placeholders per 1000 rows
    (1.5 s, mostly in Python); one array parameter per column still spent 0.6 s
    escaping JSON text elements; this one string costs a ``json.dumps``."""
    columns = [c for c in table.columns if c.name != "id"]
    names = ", ".join(c.name for c in columns)
    types = ", ".join(f"{c.name} {_recordset_type(c)}" for c in columns)
    return sa.text(
        f"INSERT INTO {table.name} ({names}) SELECT {names} "
        f"FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r({types}) "
        f"ON CONFLICT ({conflict_column}) DO NOTHING RETURNING {conflict_column}"
    )


def _recordset_type(column: sa.Column[Any]) -> str:
    if isinstance(column.type, sa.JSON):
        return "jsonb"
    if isinstance(column.type, UTCDateTime):
        return "timestamptz"
    if isinstance(column.type, sa.Integer):
        return "integer"
    if isinstance(column.type, sa.Boolean):
        return "boolean"
    return "text"


def _recordset(table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The parameter of :func:`_recordset_insert`: the rows as one JSON array
    (datetimes as ISO 8601 in UTC; a JSON column's ``None`` becomes SQL NULL)."""
    stamps = [c.name for c in table.columns if isinstance(c.type, UTCDateTime)]
    out: list[dict[str, Any]] = []
    for row in rows:
        item = dict(row)
        for name in stamps:
            value = item.get(name)
            if value is not None:
                if value.tzinfo is None or value.utcoffset() is None:
                    raise ValueError(f"naive datetime for {name}: only aware values are stored")
                item[name] = value.astimezone(UTC).isoformat()
        out.append(item)
    return {"rows": json.dumps(out)}


_AUDITS_INSERT = _recordset_insert(t.audits, "uid")


def _reraise(exc: sa.exc.DBAPIError) -> NoReturn:
    """Raise the domain error for ``exc`` (chained), or ``exc`` itself when it is
    not a domain condition (a bug to see as is)."""
    err = translate(exc)
    if err is exc:
        raise exc
    raise err from exc


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE instead of the driver's
    # lazy deferred BEGIN; enforce foreign keys.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _on_postgresql_connect(dbapi_connection: Any, _record: Any) -> None:
    # Array parameters (every IN list of uids or ids is one) travel in binary:
    # psycopg's default text dumper escapes each element in Python, 35 ms for
    # 10k uids and 18 ms for 10k ids, against 8 and 4 ms in binary.
    from psycopg.types.array import ListBinaryDumper

    dbapi_connection.adapters.register_dumper(list, ListBinaryDumper)


_IDLE_SINCE = "studiocore_idle_since"
"""Key in a pool record's ``info``: when its connection was last connected or
returned to the pool (``time.monotonic()``)."""


def _mark_idle(_dbapi_connection: Any, record: Any, *_: Any) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


def _ping_if_idle(dialect: sa.Dialect, idle_after: float) -> Callable[..., None]:
    """A pool ``checkout`` listener: SQLAlchemy's pre-ping, but only for a
    connection that sat in the pool for ``idle_after`` seconds or more.

    A connection returned a moment ago is as good as the check would find it,
    and the ping is a round trip (0.1-0.25 ms) on every unit of work. A
    connection the server dropped (restart, idle timeout, failover) is found
    and replaced before use as with ``pool_pre_ping``; one dropped within the
    last ``idle_after`` seconds fails its next statement once, and SQLAlchemy
    then invalidates the whole pool."""

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is not None and time.monotonic() - since < idle_after:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as err:
            if dialect.is_disconnect(err, dbapi_connection, None):
                # as pool_pre_ping: drop every pooled connection older than now,
                # then the pool connects anew for this checkout
                raise sa.exc.InvalidatePoolError(str(err)) from err
            raise

    return checkout


def _on_sqlite_begin(conn: sa.Connection) -> None:
    if conn.get_execution_options().get("studiocore_read_only"):
        conn.exec_driver_sql("BEGIN")  # deferred: a consistent snapshot, no write lock
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class SqlDatabase:
    """A SQL database for studiocore: PostgreSQL (``postgresql+psycopg://...``)
    or SQLite (``sqlite:///path.db``). Call it (or :meth:`unit_of_work`) for a
    unit of work; pass it to :class:`studiocore.Services`.

    ``url`` defaults to :func:`database_url_from_env`. ``pool_size``,
    ``max_overflow``, ``pool_timeout`` (seconds to wait for a connection) and
    ``pool_recycle`` configure the connection pool; ``connect_timeout`` (seconds)
    bounds connecting to PostgreSQL and, on SQLite, how long a writer waits for
    the lock; ``connect_args`` go to the driver as is.

    ``ping_idle_after``: a PostgreSQL connection that sat in the pool for this
    many seconds (default 1) is pinged before use and replaced if the server
    dropped it; ``0`` pings on every checkout (SQLAlchemy's ``pool_pre_ping``),
    ``None`` never.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        pool_size: int = 5,
        max_overflow: int = 10,
        pool_timeout: float = 30.0,
        pool_recycle: int = 3600,
        connect_timeout: float = 10.0,
        echo: bool = False,
        connect_args: Mapping[str, Any] | None = None,
        ping_idle_after: float | None = 1.0,
    ) -> None:
        if ping_idle_after is not None and ping_idle_after < 0:
            raise ValueError(f"ping_idle_after must be >= 0 or None, not {ping_idle_after!r}")
        self.url = normalize_url(url) if url else database_url_from_env()
        parsed = make_url(self.url)
        self.is_postgresql = parsed.get_backend_name() == "postgresql"
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        args: dict[str, Any] = {}
        options: dict[str, Any] = {"echo": echo}
        if self.is_postgresql:
            args["connect_timeout"] = max(1, round(connect_timeout))
            # Sessions in UTC: timestamptz values arrive already in UTC, so reading
            # them needs no conversion (and date arithmetic in SQL is in UTC).
            # No JIT: the planner's estimates for the promotion's conflict sweep
            # cross jit_above_cost, and compiling it took longer (55 ms) than
            # running it; no statement of the library gains from JIT (the
            # full-table audit runs as fast without). ``connect_args`` can
            # override both (``{"options": "-c jit=on"}``).
            args["options"] = "-c timezone=UTC -c jit=off"
        elif self.is_sqlite:
            args["timeout"] = connect_timeout
            args["check_same_thread"] = False
        in_memory = self.is_sqlite and parsed.database in (None, "", ":memory:")
        if in_memory:
            options["poolclass"] = sa.pool.StaticPool  # one shared in-memory database
        else:
            options.update(
                pool_size=pool_size,
                max_overflow=max_overflow,
                pool_timeout=pool_timeout,
                pool_recycle=pool_recycle,
            )
        extra = dict(connect_args or {})
        if "options" in extra and "options" in args:
            extra["options"] = f"{args['options']} {extra['options']}"
        args.update(extra)
        self.engine: sa.Engine = sa.create_engine(self.url, connect_args=args, **options)
        if self.is_sqlite:
            sa.event.listen(self.engine, "connect", _on_sqlite_connect)
            sa.event.listen(self.engine, "begin", _on_sqlite_begin)
        elif self.is_postgresql:
            sa.event.listen(self.engine, "connect", _on_postgresql_connect)
            if ping_idle_after is not None:
                sa.event.listen(self.engine, "connect", _mark_idle)
                sa.event.listen(self.engine, "checkin", _mark_idle)
                sa.event.listen(
                    self.engine, "checkout", _ping_if_idle(self.engine.dialect, ping_idle_after)
                )

    def __repr__(self) -> str:
        return f"SqlDatabase({self.engine.url.render_as_string(hide_password=True)!r})"

    def unit_of_work(self) -> SqlUnitOfWork:
        """A new unit of work (one transaction) over this database."""
        return SqlUnitOfWork(self)

    __call__ = unit_of_work

    def reader(self) -> SqlUnitOfWork:
        """A new read-only unit of work: no transaction round trips on
        PostgreSQL, no write lock on SQLite; writes raise :class:`ReadOnlyError`."""
        return SqlUnitOfWork(self, read_only=True)

    # -- schema -------------------------------------------------------------------------

    def upgrade(self, revision: str = "head") -> None:
        """Migrate the schema (alembic) to ``revision``; seeds the lookup tables."""
        from studiocore_sql.migrate import upgrade

        upgrade(self.engine, revision)

    def downgrade(self, revision: str) -> None:
        """Migrate the schema down to ``revision`` (``"base"``: drop everything)."""
        from studiocore_sql.migrate import downgrade

        downgrade(self.engine, revision)

    def current_revision(self) -> str | None:
        """The alembic revision the database is at (``None`` if never migrated)."""
        from studiocore_sql.migrate import current_revision

        return current_revision(self.engine)

    def create_all(self) -> None:
        """Create the schema straight from the table definitions and seed the
        lookup tables, without alembic (for throwaway databases; use
        :meth:`upgrade` for real ones)."""
        from studiocore_sql.seeds import insert_seed_rows

        with self.engine.begin() as conn:
            if self.is_postgresql:
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gist")
            t.metadata.create_all(conn)
            insert_seed_rows(conn)

    # -- operations ---------------------------------------------------------------------

    def health(self) -> bool:
        """Whether the database answers a trivial query."""
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1")).scalar_one()
        except (sa.exc.SQLAlchemyError, OSError):
            return False
        return True

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


_CHECK: type[UnitOfWork] = SqlUnitOfWork  # mypy checks the Protocol here
