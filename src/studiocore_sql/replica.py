"""Reads on a PostgreSQL streaming replica, with a fallback on the primary.

A :class:`~studiocore_sql.SqlDatabase` built with a ``replica_url`` opens its
read-only units of work (:meth:`~studiocore_sql.SqlDatabase.reader`: the use
cases that only read) on the replica, and every read-write one on the primary.

When the replica does not answer (it cannot be connected to, or a connection to
it was lost), :class:`ReplicaRouter` marks it down: reads go to the primary, one
warning is logged for the outage (not one per request), and after
``retry_after`` seconds one reader tries the replica again (the others keep
reading from the primary meanwhile); when it answers, reads return to it and
an info line says so. A statement whose connection to the replica is lost
runs again on the primary (:class:`ReplicaSession`), so the reads in flight
when the replica goes away succeed. A replica that answers but lags, or
serves another database, is not detected here: :meth:`ReplicaRouter.probe`
reports its lag for monitoring.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Self, TypeVar

import attrs
import sqlalchemy as sa

from studiocore.errors import UnavailableError
from studiocore_sql.dialects import SqlDialect
from studiocore_sql.secrets import SecretBox
from studiocore_sql.session import SqlSession
from studiocore_sql.unit_of_work import SqlUnitOfWork

_T = TypeVar("_T")

__all__ = [
    "DatabaseHealth",
    "ReplicaRouter",
    "ReplicaSession",
    "ReplicaUnitOfWork",
    "primary_reads",
    "reading_primary",
]

log = logging.getLogger("studiocore_sql.replica")

_PRIMARY_READS: ContextVar[bool] = ContextVar("studiocore_sql_primary_reads", default=False)


@contextmanager
def primary_reads() -> Iterator[None]:
    """Inside this block (in the current thread or task), read-only units of
    work read from the primary even when a replica is configured: for a read
    that must see the latest commits, such as loading the user of a token (a
    user created a moment ago, a membership just revoked)."""
    token = _PRIMARY_READS.set(True)
    try:
        yield
    finally:
        _PRIMARY_READS.reset(token)


def reading_primary() -> bool:
    """Whether the caller is inside :func:`primary_reads`."""
    return _PRIMARY_READS.get()


LAG_SQL = sa.text(
    "SELECT pg_is_in_recovery(), CASE"
    " WHEN NOT pg_is_in_recovery() THEN NULL"
    " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
)
"""Whether the server is a standby, and how far behind it replays: 0 when it
has replayed all it received, else the age of the last transaction replayed
(``NULL`` before it replayed any, or on a server that is not a standby)."""


@attrs.frozen(kw_only=True)
class DatabaseHealth:
    """The state of a database's servers, for a readiness check.

    ``primary``: whether the primary answers. ``replica``: whether the replica
    answers (``None``: no replica configured). ``replica_lag_seconds``: how far
    the replica's replay is behind (``0.0`` when it has replayed everything it
    received; ``None`` when unknown or no replica). ``replica_in_use``: whether
    reads currently go to the replica (``False`` while they fall back on the
    primary)."""

    primary: bool
    replica: bool | None = None
    replica_lag_seconds: float | None = None
    replica_in_use: bool = False

    @property
    def ok(self) -> bool:
        """Whether the database can serve every use case: the primary answers
        (a replica that is down only sends reads to the primary)."""
        return self.primary


class ReplicaRouter:
    """Decides where read-only units of work connect: the replica while it
    answers, else the primary until ``retry_after`` seconds have passed since
    the replica last failed.

    Thread-safe; ``clock`` (``time.monotonic`` by default) is for tests."""

    def __init__(
        self,
        engine: sa.Engine,
        *,
        retry_after: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if retry_after <= 0:
            raise ValueError(f"replica_retry_after must be > 0, not {retry_after!r}")
        self.engine = engine
        self.retry_after = retry_after
        self._clock = clock
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._retry_at = 0.0
        sa.event.listen(engine, "handle_error", self._on_error)

    @property
    def is_down(self) -> bool:
        """Whether reads fall back on the primary (the replica failed last time)."""
        return self._down_since is not None

    def use_replica(self) -> bool:
        """Whether the next reader should try the replica: yes while it is up;
        while it is down, yes for one caller once the back-off has passed (the
        next retry is then scheduled at once, so concurrent readers do not all
        wait for a replica that may still be away)."""
        if not self.is_down:
            return True
        with self._lock:
            now = self._clock()
            if now >= self._retry_at:
                self._retry_at = now + self.retry_after
                return True
        return False

    def mark_down(self, reason: object) -> None:
        """The replica did not answer: read from the primary until a retry
        succeeds. Logs a warning when an outage begins (once, not per failure)."""
        with self._lock:
            now = self._clock()
            self._retry_at = now + self.retry_after
            if self._down_since is not None:
                log.debug("the read replica still does not answer: %s", reason)
                return
            self._down_since = now
        log.warning(
            "the read replica %s does not answer (%s): reads go to the primary; "
            "retrying the replica every %g s",
            self.engine.url.render_as_string(hide_password=True),
            " ".join(str(reason).split()),
            self.retry_after,
        )

    def mark_up(self) -> None:
        """The replica answered: reads go to it again (logged once)."""
        if self._down_since is None:
            return
        with self._lock:
            since, self._down_since = self._down_since, None
        if since is not None:
            log.info(
                "the read replica answers again after %.1f s: reads go to it",
                self._clock() - since,
            )

    def probe(self) -> tuple[bool, float | None]:
        """Connect to the replica now (whatever the back-off): whether it
        answers, and its replay lag in seconds (see :data:`LAG_SQL`). An answer
        brings reads back to it; no answer sends them to the primary."""
        try:
            with self.engine.connect() as conn:
                _standby, lag = conn.execute(LAG_SQL).one()
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            self.mark_down(getattr(exc, "orig", None) or exc)
            return False, None
        self.mark_up()
        return True, None if lag is None else float(lag)

    def _on_error(self, context: sa.engine.ExceptionContext) -> None:
        # a statement on the replica found its connection gone (the standby was
        # stopped or restarted): the next readers go to the primary at once
        if context.is_disconnect:
            self.mark_down(context.original_exception)


class ReplicaSession(SqlSession):
    """The session of a :class:`ReplicaUnitOfWork`: a statement whose
    connection to the replica is lost runs again, once, on a connection to the
    primary that ``fallback`` opens (reads run one statement at a time, in
    autocommit, so nothing of a transaction is lost with the connection)."""

    fallback: Callable[[], sa.Connection] | None = None
    """Opens the connection to the primary (set while on the replica)."""

    def execute(self, statement: sa.Executable, params: Any = None) -> sa.CursorResult[Any]:
        return self._on_primary_if_lost(
            lambda: super(ReplicaSession, self).execute(statement, params)
        )

    def fetch_together(
        self, *queries: tuple[sa.Select[Any], Mapping[str, Any]]
    ) -> list[list[Sequence[Any]]]:
        return self._on_primary_if_lost(
            lambda: super(ReplicaSession, self).fetch_together(*queries)
        )

    def _on_primary_if_lost(self, run: Callable[[], _T]) -> _T:
        try:
            return run()
        except UnavailableError:
            fallback, self.fallback = self.fallback, None
            if fallback is None or not self.lost:
                raise
            self.attach(fallback())
            return run()


class ReplicaUnitOfWork(SqlUnitOfWork):
    """A read-only unit of work that connects to the replica when the router
    says so, and to ``primary`` when the replica does not answer (or is known
    to be down); a statement whose replica connection is lost runs again on
    the primary. Where it reads is :attr:`on_replica` (inside ``with``)."""

    session_class = ReplicaSession
    session: ReplicaSession

    def __init__(
        self,
        router: ReplicaRouter,
        primary: sa.Engine,
        dialect: SqlDialect,
        *,
        secrets: SecretBox | None = None,
    ) -> None:
        self.router = router
        self.primary = primary
        self.on_replica = False
        super().__init__(router.engine, dialect, read_only=True, secrets=secrets)

    def __enter__(self) -> Self:
        self.session.fallback = None
        self.on_replica = self.router.use_replica()
        if self.on_replica:
            self.engine = self.router.engine
            try:
                entered = super().__enter__()
            except UnavailableError as exc:
                self.router.mark_down(exc.message)
            else:
                self.router.mark_up()
                self.session.fallback = self._fall_back
                return entered
        self.on_replica = False
        self.engine = self.primary
        return super().__enter__()

    def _fall_back(self) -> sa.Connection:
        """The replica dropped this unit of work's connection (the router has
        heard of it through the engine's error event): close it, connect to
        the primary instead."""
        lost = self.session.connection
        # (statements sent in pipeline mode bypass the engine's error event)
        self.router.mark_down("the connection to the replica was lost")
        self.on_replica = False
        self.engine = self.primary
        lost.close()
        try:
            conn = self.primary.connect()
        except sa.exc.DBAPIError as exc:
            raise UnavailableError(f"cannot connect to the database: {exc.orig}") from exc
        return conn.execution_options(**self.session.dialect.read_only_options)
