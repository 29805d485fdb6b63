"""Shows and their MC links: the writes the database may refuse.

On PostgreSQL the room exclusion constraint and the MC guard refuse a double
booking whatever code writes. The repositories here run such writes through
:meth:`~studiocore_sql.session.SqlSession.guarded` and report a refusal as the
core's conflict engine reports a conflict:
:func:`studiocore.scheduling.detector.find_conflicts` over the refused
candidates and the bookings they collide with (overlaps only: the buffers are
the service's business), so the reason text is the same on every adapter.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

import attrs
import sqlalchemy as sa

from studiocore.conflicts import Conflict
from studiocore.entities import Show, ShowMC
from studiocore.errors import ConcurrencyError, NotFoundError
from studiocore.lookups import RESERVING_STATUSES, ShowStatus
from studiocore.ports import Booking, BookingQuery, ShowQuery, ShowRepository
from studiocore.scheduling.detector import BufferPolicy, find_conflicts
from studiocore_sql import tables as t
from studiocore_sql.bookings import SqlBookings
from studiocore_sql.mapping import MAPS
from studiocore_sql.repositories import SqlRepository
from studiocore_sql.session import SqlSession
from studiocore_sql.show_search import search_count_statement, search_page_statement, search_values

__all__ = ["SqlShowMcRepository", "SqlShowRepository"]

_OVERLAPS_ONLY = BufferPolicy()


class SqlShowRepository(SqlRepository[Show]):
    """Shows, with search and the set-based status change of a promotion."""

    def __init__(self, session: SqlSession, bookings: SqlBookings) -> None:
        super().__init__(session, MAPS[Show])
        self._bookings = bookings

    # -- writes guarded by the database (room exclusion, MC guard) ----------------------

    def _reserves(self, entity: Show) -> bool:
        return entity.show_status in RESERVING_STATUSES and entity.deleted_at is None

    def add(self, entity: Show) -> None:
        if self._reserves(entity):
            with self._session.guarded(lambda: self.conflicts_of([self.candidate(entity, ())])):
                super().add(entity)
        else:
            super().add(entity)

    def update(self, entity: Show) -> None:
        if self._reserves(entity):
            with self._session.guarded(lambda: self.conflicts_of([self.candidate(entity)])):
                self._update_seen(entity)
        else:
            self._update_seen(entity)

    def candidate(self, show: Show, mc_uids: Collection[str] | None = None) -> Booking:
        """The booking ``show`` would make (with its stored MCs unless given)."""
        if mc_uids is None:
            rows = self._execute(
                sa.select(t.mcs.c.uid)
                .join(t.show_mcs, t.show_mcs.c.mc_id == t.mcs.c.id)
                .join(t.shows, t.shows.c.id == t.show_mcs.c.show_id)
                .where(t.shows.c.uid == show.uid, t.show_mcs.c.deleted_at.is_(None))
            )
            mc_uids = list(rows.scalars())
        return Booking.of(show, None, mc_uids)

    def conflicts_of(self, candidates: Sequence[Booking]) -> list[Conflict]:
        """After the database refused ``candidates``: the overlaps they make with
        each other and with what is booked, reported by the core's engine."""
        existing = self._bookings.near(candidates, timedelta(0))
        return find_conflicts(candidates, existing, _OVERLAPS_ONLY)

    # -- optimistic check ---------------------------------------------------------------
    #
    # On PostgreSQL (READ COMMITTED) a unit of work may read a show, wait for a
    # lock while another one changes and commits that show, then write its own
    # change computed from the stale copy (two confirmations of one draft would
    # both "win"). So the updated_at of every show this unit of work read is
    # remembered, and an update of that show only applies if the row still has
    # it; otherwise ConcurrencyError (retry). On SQLite the check never fires:
    # its writers hold the lock from their first read.

    def _entities(self, stmt: sa.Select[Any], params: Any = None) -> list[Show]:
        found = super()._entities(stmt, params)
        seen = self._session.seen_shows
        for show in found:
            seen[show.uid] = show.updated_at
        return found

    def _update_seen(self, entity: Show) -> None:
        seen = self._session.seen_shows.get(entity.uid)
        if seen is None:
            super().update(entity)
        else:
            self._check_type(entity)
            values = self._values(entity)
            uid = values.pop("uid")
            s = t.shows
            result = self._execute(
                sa.update(s).where(s.c.uid == uid, s.c.updated_at == seen).values(values)
            )
            if not result.rowcount:
                if self._find_id(uid) is None:
                    raise NotFoundError(self._cls.__name__, uid)
                raise ConcurrencyError(
                    f"show {uid} was changed by another unit of work since it was read; retry"
                )
        self._session.seen_shows[entity.uid] = entity.updated_at

    # -- search -------------------------------------------------------------------------

    def search(self, query: ShowQuery, *, limit: int | None = None, offset: int = 0) -> list[Show]:
        stmt = search_page_statement(query, self._session.dialect, limit, offset)
        return self._entities(stmt, search_values(query))

    def search_count(self, query: ShowQuery) -> int:
        stmt = search_count_statement(query, self._session.dialect)
        return int(self._execute(stmt, search_values(query)).scalar_one())

    def search_page(
        self, query: ShowQuery, *, limit: int, offset: int = 0
    ) -> tuple[list[Show], int]:
        """The page and the total in one round trip on PostgreSQL (the second
        statement's wait cost a request more than the count itself)."""
        dialect, values = self._session.dialect, search_values(query)
        page = search_page_statement(query, dialect, limit, offset)
        rows, counted = self._session.fetch_together(
            (page, values), (search_count_statement(query, dialect), values)
        )
        load = self._row_loader(tuple(page.selected_columns.keys()))
        return [cast(Show, load(row)) for row in rows], int(counted[0][0])

    # -- status -------------------------------------------------------------------------

    def set_status(
        self, uids: Collection[str], status: ShowStatus, *, expected: ShowStatus, at: datetime
    ) -> int:
        wanted = sorted(set(uids))
        if not wanted:
            return 0
        s = t.shows
        dialect = self._session.dialect
        # By id when this unit of work has read them all (schedule_shows, which a
        # promotion calls first): no uid index probe per show.
        ids = self._session.known_ids(s, wanted)
        if ids is None:
            parts = [dialect.in_uids(s.c.uid, part) for part in dialect.batches(wanted)]
        else:
            parts = dialect.by_ids(s.c.id, ids)
        changed = 0

        def run() -> None:
            nonlocal changed
            for which in parts:
                stmt = (
                    sa.update(s)
                    .where(
                        which,
                        s.c.deleted_at.is_(None),
                        s.c.show_status_id == t.SHOW_STATUS_IDS[expected],
                    )
                    .values(show_status_id=t.SHOW_STATUS_IDS[status], updated_at=at)
                )
                changed += self._execute(stmt).rowcount

        if status in RESERVING_STATUSES:
            with self._session.guarded(lambda: self._promotion_conflicts(wanted, expected, status)):
                run()
        else:
            run()
        for uid in wanted:
            self._session.seen_shows.pop(uid, None)
        return changed

    def _promotion_conflicts(
        self, uids: Sequence[str], expected: ShowStatus, status: ShowStatus
    ) -> list[Conflict]:
        """Why a set-based status change to ``status`` was refused."""
        candidates = [
            attrs.evolve(b, status=status)
            for b in self._bookings.search(BookingQuery(show_uids=uids, reserving_only=False))
            if b.status is expected
        ]
        return self.conflicts_of(candidates)


class SqlShowMcRepository(SqlRepository[ShowMC]):
    """MC links: a live link of a reserving show is checked by the database's MC
    guard (PostgreSQL); a refusal is reported with the colliding shows."""

    def __init__(self, session: SqlSession, shows: SqlShowRepository) -> None:
        super().__init__(session, MAPS[ShowMC])
        self._shows = shows

    def _guarded_write(self, entity: ShowMC, write: Callable[[ShowMC], None]) -> None:
        if entity.deleted_at is not None:
            write(entity)
            return
        shows = self._shows

        def conflicts() -> list[Conflict]:
            show = shows.find(entity.show_uid, include_deleted=True)
            if show is None:
                return []
            candidate = shows.candidate(show)
            candidate = attrs.evolve(candidate, mc_uids=candidate.mc_uids | {entity.mc_uid})
            return shows.conflicts_of([candidate])

        with self._session.guarded(conflicts):
            write(entity)

    def add(self, entity: ShowMC) -> None:
        self._guarded_write(entity, super().add)

    def update(self, entity: ShowMC) -> None:
        self._guarded_write(entity, super().update)


_CHECK: type[ShowRepository] = SqlShowRepository  # mypy checks the Protocol here
