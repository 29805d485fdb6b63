"""The unit of work: one connection and one transaction per ``with`` block.

:class:`SqlUnitOfWork` owns the transaction: it takes a connection from the
engine, hands it to its :class:`~studiocore_sql.session.SqlSession`, and
commits or rolls back. It builds the repositories and read models once, over
that session (they never see the unit of work itself).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, ClassVar, Self, TypeVar, cast

import sqlalchemy as sa

from studiocore.entities import Audit, Entity, Platform, WebhookDelivery
from studiocore.errors import ConcurrencyError, UnavailableError
from studiocore.ports import (
    AuditLog,
    BookingReadModel,
    Repository,
    ShowRepository,
    UnitOfWork,
    WebhookOutbox,
)
from studiocore_sql.audits import SqlAuditLog
from studiocore_sql.bookings import SqlBookings
from studiocore_sql.dialects import SqlDialect
from studiocore_sql.errors import reraise
from studiocore_sql.mapping import MAPS
from studiocore_sql.platforms import SqlPlatformRepository
from studiocore_sql.repositories import SqlRepository
from studiocore_sql.secrets import SecretBox
from studiocore_sql.session import SqlSession
from studiocore_sql.shows import SqlShowMcRepository, SqlShowRepository
from studiocore_sql.webhooks import SqlWebhookOutbox

__all__ = ["SqlUnitOfWork"]

E = TypeVar("E", bound=Entity)


class SqlUnitOfWork(UnitOfWork):
    """One database transaction exposing every repository (see
    :class:`studiocore.ports.UnitOfWork`).

    On SQLite the transaction starts with ``BEGIN IMMEDIATE``: writers are
    serialized for the whole unit of work. On PostgreSQL it runs at READ
    COMMITTED; :meth:`lock_resources` takes row locks on the rooms and MCs being
    booked, the exclusion constraint on ``shows`` refuses room overlaps and the
    MC guard trigger refuses MC overlaps.

    ``secrets`` encrypts the platforms' ``api_config`` values (without keys a
    non-empty one cannot be stored; see :mod:`studiocore_sql.secrets`).
    """

    session_class: ClassVar[type[SqlSession]] = SqlSession
    """The session's type (the replica's unit of work extends how it runs statements)."""

    def __init__(
        self,
        engine: sa.Engine,
        dialect: SqlDialect,
        *,
        read_only: bool = False,
        secrets: SecretBox | None = None,
    ) -> None:
        self.engine = engine
        self.read_only = read_only
        self.secrets = secrets if secrets is not None else SecretBox()
        self.session = self.session_class(dialect, read_only=read_only)
        session = self.session
        bookings = SqlBookings(session)
        self.bookings: BookingReadModel = bookings
        shows = SqlShowRepository(session, bookings)
        self.shows: ShowRepository = shows
        self.show_mcs = SqlShowMcRepository(session, shows)
        self.audits: AuditLog = SqlAuditLog(session, MAPS[Audit], self.secrets)
        self.webhook_deliveries: WebhookOutbox = SqlWebhookOutbox(session, MAPS[WebhookDelivery])

    def make_repository(self, entity_type: type[E]) -> Repository[E]:
        if entity_type is Platform:
            return cast(Repository[E], SqlPlatformRepository(self.session, self.secrets))
        return SqlRepository(self.session, MAPS[entity_type])

    # -- transaction --------------------------------------------------------------------

    def __enter__(self) -> Self:
        if self.session.attached:
            raise RuntimeError("this unit of work is already in use")
        try:
            conn = self.engine.connect()
        except sa.exc.DBAPIError as exc:
            raise UnavailableError(f"cannot connect to the database: {exc.orig}") from exc
        if self.read_only:
            conn = conn.execution_options(**self.session.dialect.read_only_options)
        try:
            self.session.attach(conn)
            self.session.begin()
        except BaseException:
            self.session.attach(None)
            conn.close()
            raise
        return self

    def release(self) -> None:
        conn = self.connection
        self.session.attach(None)
        conn.close()

    @property
    def connection(self) -> sa.Connection:
        """The connection of the current transaction (inside ``with`` only)."""
        return self.session.connection

    def execute(self, statement: sa.Executable, params: Any = None) -> sa.CursorResult[Any]:
        """Run a statement in this unit of work, translating driver errors."""
        return self.session.execute(statement, params)

    def commit(self) -> None:
        session = self.session
        if session.failed:
            lost = session.lost
            self.rollback()
            if lost:
                raise UnavailableError(
                    "the database connection was lost during this unit of work; nothing was written"
                )
            raise ConcurrencyError(
                "a database error aborted this unit of work; nothing was written"
            )
        try:
            self.connection.commit()
        except sa.exc.DBAPIError as exc:
            try:
                self.connection.rollback()
            finally:
                session.reset()
            reraise(exc)
        session.reset()

    def rollback(self) -> None:
        self.connection.rollback()
        self.session.reset()

    def lock_resources(self, *, room_uids: Collection[str], mc_uids: Collection[str]) -> None:
        session = self.session
        session.connection  # noqa: B018 - raises outside the with block
        session.require_writable("locks")
        session.dialect.lock(session, sorted(set(room_uids)), sorted(set(mc_uids)))


_CHECK: type[UnitOfWork] = SqlUnitOfWork  # mypy checks the Protocol here
