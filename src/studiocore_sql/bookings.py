"""The booking read models (:class:`studiocore.ports.BookingReadModel`) over SQL.

Bookings are read as rows, never as ``Show`` objects: one statement joins a
show to its room, studio and (as one space-separated string, aggregated in a
correlated subquery) its live MCs. The set-based reads that PostgreSQL answers
in one statement (``near``, ``crowded``, ``studio_occupancy``) go through the
dialect strategy (:mod:`studiocore_sql.dialects`), which runs them its own way.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa

from studiocore.conflicts import Severity
from studiocore.errors import NotFoundError
from studiocore.lookups import LookupTable, ShowStatus
from studiocore.ports import (
    Booking,
    BookingQuery,
    BookingReadModel,
    Reservation,
    RoomSummary,
    ScheduledShow,
    ShowExport,
    ShowExportQuery,
    StudioOccupancy,
)
from studiocore.timeslot import TimeSlot
from studiocore_sql import tables as t
from studiocore_sql.dialects import Row, Windows
from studiocore_sql.session import SqlSession
from studiocore_sql.show_export import export_shows

__all__ = ["SqlBookings"]


def _booking_order(b: Booking) -> tuple[datetime, str]:
    return (b.slot.start, b.show_uid)


def _utc(value: datetime) -> datetime:
    """An aware instant from the driver, in UTC."""
    return value if value.tzinfo is UTC else value.astimezone(UTC)


def _room_order(room: RoomSummary) -> tuple[str, str]:
    return (room.name, room.uid)


def live_shows(
    *,
    status: ShowStatus | None = None,
    schedule_uid: str | sa.BindParameter[Any] | None = None,
    studio_uid: str | sa.BindParameter[Any] | None = None,
    room_uid: str | sa.BindParameter[Any] | None = None,
    client_uid: str | sa.BindParameter[Any] | None = None,
) -> list[sa.ColumnElement[bool]]:
    """Conditions selecting live shows, optionally of one status, schedule,
    studio, room or client (uids resolved in subqueries; a uid may be a bound
    parameter, given its value when the statement runs): what show searches
    and booking searches share."""
    s = t.shows
    conditions: list[sa.ColumnElement[bool]] = [s.c.deleted_at.is_(None)]
    if status is not None:
        conditions.append(s.c.show_status_id == t.SHOW_STATUS_IDS[status])
    for column, target, uid in (
        (s.c.studio_room_id, t.studio_rooms, room_uid),
        (s.c.client_id, t.clients, client_uid),
        (s.c.schedule_id, t.schedules, schedule_uid),
    ):
        if uid is not None:
            conditions.append(
                column == sa.select(target.c.id).where(target.c.uid == uid).scalar_subquery()
            )
    if studio_uid is not None:
        rooms = (
            sa.select(t.studio_rooms.c.id)
            .join(t.studios, t.studios.c.id == t.studio_rooms.c.studio_id)
            .where(t.studios.c.uid == studio_uid)
        )
        conditions.append(s.c.studio_room_id.in_(rooms))
    return conditions


class SqlBookings:
    """The booking read models of one unit of work."""

    def __init__(self, session: SqlSession) -> None:
        self._session = session
        self._dialect = session.dialect

    def _execute(self, statement: sa.Executable, params: Any = None) -> sa.CursorResult[Any]:
        return self._session.execute(statement, params)

    # -- bookings by condition ----------------------------------------------------------

    def _pairs(self, conditions: Sequence[sa.ColumnElement[bool]]) -> list[tuple[int, Booking]]:
        """``(show id, booking)`` of the shows matching ``conditions``, unordered."""
        s, r, st, sm, m = t.shows, t.studio_rooms, t.studios, t.show_mcs, t.mcs
        raw_time = self._dialect.raw_time
        mc_uids = (  # one indexed subquery per show, in the same round trip; one string:
            # decoding a text[] per row costs 4x more (uids have no spaces)
            sa.select(sa.func.aggregate_strings(m.c.uid, " "))
            .select_from(sm.join(m, m.c.id == sm.c.mc_id))
            .where(sm.c.show_id == s.c.id, sm.c.deleted_at.is_(None))
            .scalar_subquery()
        )
        stmt = (
            sa.select(
                s.c.id,
                s.c.uid,
                r.c.uid,
                st.c.uid,
                raw_time(s.c.show_start),
                raw_time(s.c.show_end),
                s.c.show_status_id,
                mc_uids,
            )
            .select_from(
                s.outerjoin(r, r.c.id == s.c.studio_room_id).outerjoin(st, st.c.id == r.c.studio_id)
            )
            .where(*conditions)
        )
        names = t.SHOW_STATUS_NAMES
        pairs: list[tuple[int, Booking]] = []
        add = pairs.append
        for show_id, uid, room_uid, studio_uid, start, end, status_id, mcs in cast(
            list[Row], self._execute(stmt).all()
        ):
            booking = Booking(
                show_uid=uid,
                studio_uid=studio_uid,
                room_uid=room_uid,
                mc_uids=frozenset(mcs.split()) if mcs else frozenset(),
                slot=TimeSlot(start, end),
                status=names[status_id],
            )
            add((show_id, booking))
        self._session.remember_ids(t.shows, {b.show_uid: i for i, b in pairs})
        return pairs

    def _bookings(self, conditions: Sequence[sa.ColumnElement[bool]]) -> list[Booking]:
        return [b for _, b in self._pairs(conditions)]

    def by_ids(self, ids: Sequence[int]) -> list[tuple[int, Booking]]:
        """``(show id, booking)`` of the shows with these ids, unordered."""
        found: list[tuple[int, Booking]] = []
        for part in self._dialect.batches(ids):
            found.extend(self._pairs([self._dialect.in_ids(t.shows.c.id, part)]))
        return found

    def ids_of(self, show_uids: Sequence[str]) -> list[int]:
        """The ids of the shows with these uids (those that exist)."""
        s = t.shows
        known = self._session.known_ids(s, show_uids)  # after schedule_shows: all of them
        if known is not None:
            return known
        found: list[int] = []
        for part in self._dialect.batches(sorted(set(show_uids))):
            stmt = sa.select(s.c.id).where(self._dialect.in_uids(s.c.uid, part))
            found.extend(self._execute(stmt).scalars())
        return found

    def search(self, query: BookingQuery) -> list[Booking]:
        s = t.shows
        conditions = live_shows(
            status=query.status, schedule_uid=query.schedule_uid, studio_uid=query.studio_uid
        )
        if query.reserving_only:
            conditions.append(t.reserving(s))
        if query.window is not None:
            conditions.append(
                # reserving shows: in the form the database's index serves
                self._dialect.overlapping(s, query.window.start, query.window.end)
                if query.reserving_only
                else sa.and_(s.c.show_start < query.window.end, s.c.show_end > query.window.start)
            )
        if query.show_uids is None:
            found = self._bookings(conditions)
        else:
            found = []
            for part in self._dialect.batches(sorted(set(query.show_uids))):
                found.extend(self._bookings([*conditions, self._dialect.in_uids(s.c.uid, part)]))
        found.sort(key=_booking_order)
        return found

    def export_shows(self, query: ShowExportQuery) -> ShowExport:
        return export_shows(self._session, query)

    def near(self, candidates: Sequence[Booking], margin: timedelta) -> list[Booking]:
        if not candidates:
            return []
        exclude = {c.show_uid for c in candidates}
        # candidates read in this unit of work are left out by the query itself
        skip = self._session.known_ids(t.shows, exclude) or ()
        ids = self._dialect.near_ids(self._session, Windows(candidates, margin), frozenset(skip))
        found = [b for _, b in self.by_ids(sorted(ids)) if b.show_uid not in exclude]
        found.sort(key=_booking_order)
        return found

    # -- a promotion's reads ------------------------------------------------------------

    def schedule_shows(self, schedule_uid: str) -> list[ScheduledShow]:
        # One row per (show, live link), grouped here: joining the links is
        # cheaper than aggregating each show's MC uids in a subquery.
        s, r, c, sm, m = t.shows, t.studio_rooms, t.clients, t.show_mcs, t.mcs
        types = t.LOOKUP_TABLES[LookupTable.SHOW_TYPES].alias("types")
        standards = t.LOOKUP_TABLES[LookupTable.SHOW_STANDARDS].alias("standards")
        schedule = sa.select(t.schedules.c.id).where(t.schedules.c.uid == schedule_uid)
        raw = self._dialect.raw_time
        stmt = (
            sa.select(
                s.c.uid,
                r.c.uid,
                m.c.uid,
                s.c.id,
                s.c.show_status_id,
                s.c.name,
                raw(s.c.show_start),
                raw(s.c.show_end),
                c.c.uid,
                types.c.name,
                standards.c.name,
                s.c.external_id,
            )
            .select_from(
                s.outerjoin(r, r.c.id == s.c.studio_room_id)
                .outerjoin(c, c.c.id == s.c.client_id)
                .join(types, types.c.id == s.c.show_type_id)
                .join(standards, standards.c.id == s.c.show_standard_id)
                .outerjoin(sm, sa.and_(sm.c.show_id == s.c.id, sm.c.deleted_at.is_(None)))
                .outerjoin(m, m.c.id == sm.c.mc_id)
            )
            .where(s.c.schedule_id == schedule.scalar_subquery(), s.c.deleted_at.is_(None))
            .order_by(s.c.show_start, s.c.uid)  # a show's rows are adjacent
        )
        shows: list[ScheduledShow] = []
        ids: dict[str, int] = {}
        names = t.SHOW_STATUS_NAMES
        for (
            show_uid,
            room_uid,
            mc_uid,
            show_id,
            status_id,
            name,
            start,
            end,
            client_uid,
            show_type,
            show_standard,
            external_id,
        ) in cast(list[Row], self._execute(stmt).all()):
            if show_uid in ids:  # another MC of the show before (a show's rows are adjacent)
                last = shows[-1]
                shows[-1] = last._replace(mc_uids=tuple(sorted((*last.mc_uids, mc_uid))))
                continue
            ids[show_uid] = show_id
            shows.append(
                ScheduledShow(
                    show_uid,
                    room_uid,
                    () if mc_uid is None else (mc_uid,),
                    names[status_id],
                    name,
                    _utc(start),
                    _utc(end),
                    client_uid,
                    show_type,
                    show_standard,
                    external_id,
                )
            )
        # a promotion updates these shows next: by id, not by uid (set_status)
        self._session.remember_ids(s, ids)
        return shows

    def schedule_platforms(self, schedule_uid: str) -> dict[str, tuple[str, ...]]:
        s, sp, p = t.shows, t.show_platforms, t.platforms
        schedule = sa.select(t.schedules.c.id).where(t.schedules.c.uid == schedule_uid)
        stmt = (
            sa.select(s.c.uid, p.c.uid)
            .select_from(s.join(sp, sp.c.show_id == s.c.id).join(p, p.c.id == sp.c.platform_id))
            .where(
                s.c.schedule_id == schedule.scalar_subquery(),
                s.c.deleted_at.is_(None),
                sp.c.deleted_at.is_(None),
            )
            .order_by(s.c.uid, p.c.uid)
        )
        found: dict[str, list[str]] = {}
        for show_uid, platform_uid in cast(list[tuple[str, str]], self._execute(stmt).all()):
            found.setdefault(show_uid, []).append(platform_uid)
        return {uid: tuple(platforms) for uid, platforms in found.items()}

    def crowded(
        self, drafts: Sequence[ScheduledShow], margin: timedelta
    ) -> tuple[list[Booking], list[Booking]]:
        if not drafts:
            return [], []
        candidates, existing = self._dialect.crowded(self._session, self, drafts, margin)
        return sorted(candidates, key=_booking_order), sorted(existing, key=_booking_order)

    def client_studios(self, client_uid: str) -> frozenset[str]:
        s, r, sc, st, c = t.shows, t.studio_rooms, t.schedules, t.studios, t.clients
        client = sa.select(c.c.id).where(c.c.uid == client_uid).scalar_subquery()
        by_shows = (
            sa.select(st.c.uid)
            .select_from(s.join(r, r.c.id == s.c.studio_room_id).join(st, st.c.id == r.c.studio_id))
            .where(s.c.client_id == client, s.c.deleted_at.is_(None))
        )
        by_schedules = (
            sa.select(st.c.uid)
            .select_from(sc.join(st, st.c.id == sc.c.studio_id))
            .where(sc.c.client_id == client, sc.c.deleted_at.is_(None))
        )
        return frozenset(self._execute(sa.union(by_shows, by_schedules)).scalars())

    def host_users(self, show_uids: Collection[str]) -> frozenset[str]:
        s, sm, m, u = t.shows, t.show_mcs, t.mcs, t.users
        found: set[str] = set()
        for part in self._dialect.batches(sorted(set(show_uids))):
            stmt = (
                sa.select(u.c.uid)
                .distinct()
                .select_from(
                    s.join(sm, sm.c.show_id == s.c.id)
                    .join(m, m.c.id == sm.c.mc_id)
                    .join(u, u.c.id == m.c.user_id)
                )
                .where(self._dialect.in_uids(s.c.uid, part), sm.c.deleted_at.is_(None))
            )
            found.update(self._execute(stmt).scalars())
        return frozenset(found)

    # -- availability -------------------------------------------------------------------

    def studio_occupancy(self, studio_uid: str, window: TimeSlot) -> StudioOccupancy:
        rows = self._dialect.occupancy_rows(self._session, studio_uid, window)
        if not rows:
            raise NotFoundError("Studio", studio_uid)
        rooms: dict[str, RoomSummary] = {}
        occupied: list[Reservation] = []
        for _, room_uid, name, changeover, start, end in rows:
            if room_uid is None:
                continue  # a studio without rooms
            if room_uid not in rooms:
                rooms[room_uid] = RoomSummary(room_uid, name, changeover)
            if start is None:
                continue  # a room with nothing around the window
            # aware UTC from the driver (a CHECK keeps start < end): normalized
            # only if a session overrides the time zone
            if start.tzinfo is UTC and end.tzinfo is UTC:
                occupied.append(Reservation(room_uid, start, end))
            else:
                occupied.append(Reservation(room_uid, start.astimezone(UTC), end.astimezone(UTC)))
        occupied.sort()
        return StudioOccupancy(
            studio_uid=studio_uid,
            room_changeover_severity=Severity(rows[0][0]),
            rooms=tuple(sorted(rooms.values(), key=_room_order)),
            occupied=tuple(occupied),
        )


_CHECK: type[BookingReadModel] = SqlBookings  # mypy checks the Protocol here
