"""The booking read models (:class:`studiocore.ports.BookingReadModel`) of the
in-memory adapter, over its tables and secondary indexes (internal)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from studiocore.adapters.memory_export import export_shows
from studiocore.entities import (
    MC,
    Entity,
    Schedule,
    Show,
    ShowMC,
    ShowPlatform,
    Studio,
    StudioRoom,
)
from studiocore.errors import NotFoundError
from studiocore.lookups import RESERVING_STATUSES
from studiocore.ports import (
    Booking,
    BookingQuery,
    Reservation,
    RoomSummary,
    ScheduledShow,
    ShowExport,
    ShowExportQuery,
    StudioOccupancy,
)
from studiocore.scheduling.detector import near_bookings
from studiocore.timeslot import TimeSlot

if TYPE_CHECKING:
    from studiocore.adapters.memory import InMemoryUnitOfWork

__all__ = ["MemoryBookings"]


def _reserves_between(show: Show, lo: datetime, hi: datetime) -> bool:
    """Whether ``show`` is live, reserving, and overlaps ``[lo, hi)``."""
    return (
        show.deleted_at is None
        and show.show_status in RESERVING_STATUSES
        and show.show_start < hi
        and lo < show.show_end
    )


class MemoryBookings:
    """The booking read models over the in-memory tables."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    @property
    def _shows(self) -> dict[str, Show]:
        self._uow.require_active()
        return cast(dict[str, Show], self._uow.db.tables["shows"])

    def _mc_uids(self, show_uid: str) -> frozenset[str]:
        db = self._uow.db
        links = db.tables["show_mcs"]
        return frozenset(
            cast(ShowMC, links[link]).mc_uid
            for link in db.show_mcs_by_show.get(show_uid, ())
            if links[link].deleted_at is None
        )

    def _booking(self, show: Show, room_studio: dict[str, str]) -> Booking:
        room = show.studio_room_uid
        studio = room_studio.get(room) if room else None
        return Booking.of(show, studio, self._mc_uids(show.uid))

    def search(self, query: BookingQuery) -> list[Booking]:
        room_studio = self._uow.db.room_studios()
        rows = self._shows
        source: Iterable[Entity] = (
            rows.values()
            if query.show_uids is None
            else (rows[u] for u in query.show_uids if u in rows)
        )
        found: list[Booking] = []
        for entity in source:
            show = cast(Show, entity)
            if show.deleted_at is not None:
                continue
            if query.reserving_only and show.show_status not in RESERVING_STATUSES:
                continue
            if query.status is not None and show.show_status is not query.status:
                continue
            if query.schedule_uid is not None and show.schedule_uid != query.schedule_uid:
                continue
            if query.studio_uid is not None and (
                show.studio_room_uid is None
                or room_studio.get(show.studio_room_uid) != query.studio_uid
            ):
                continue
            if query.window is not None and not (
                show.show_start < query.window.end and query.window.start < show.show_end
            ):
                continue
            found.append(self._booking(show, room_studio))
        found.sort(key=lambda b: (b.slot.start, b.show_uid))
        return found

    def schedule_shows(self, schedule_uid: str) -> list[ScheduledShow]:
        found = [
            ScheduledShow(
                show_uid=show.uid,
                room_uid=show.studio_room_uid,
                mc_uids=tuple(sorted(self._mc_uids(show.uid))),
                status=show.show_status,
                name=show.name,
                start=show.show_start,
                end=show.show_end,
                client_uid=show.client_uid,
                show_type=show.show_type,
                show_standard=show.show_standard,
                external_id=show.external_id,
            )
            for show in self._shows.values()
            if show.schedule_uid == schedule_uid and show.deleted_at is None
        ]
        found.sort(key=lambda s: (s.start, s.show_uid))
        return found

    def schedule_platforms(self, schedule_uid: str) -> dict[str, tuple[str, ...]]:
        db = self._uow.db
        shows = {
            show.uid
            for show in self._shows.values()
            if show.schedule_uid == schedule_uid and show.deleted_at is None
        }
        found: dict[str, list[str]] = {}
        for entity in db.tables["show_platforms"].values():
            link = cast(ShowPlatform, entity)
            if link.deleted_at is None and link.show_uid in shows:
                found.setdefault(link.show_uid, []).append(link.platform_uid)
        return {uid: tuple(sorted(p)) for uid, p in found.items()}

    def crowded(
        self, drafts: Sequence[ScheduledShow], margin: timedelta
    ) -> tuple[list[Booking], list[Booking]]:
        if not drafts:
            return [], []
        candidates = self.search(
            BookingQuery(show_uids=[d.show_uid for d in drafts], reserving_only=False)
        )
        return near_bookings(candidates, self.near(candidates, margin), margin)

    def host_users(self, show_uids: Collection[str]) -> frozenset[str]:
        db = self._uow.db
        mcs = {mc for uid in set(show_uids) for mc in self._mc_uids(uid)}
        found = (cast(MC | None, db.tables["mcs"].get(uid)) for uid in mcs)
        return frozenset(m.user_uid for m in found if m is not None and m.user_uid is not None)

    def client_studios(self, client_uid: str) -> frozenset[str]:
        db = self._uow.db
        rooms = db.room_studios()
        found = {
            rooms[show.studio_room_uid]
            for show in self._shows.values()
            if show.client_uid == client_uid
            and show.deleted_at is None
            and show.studio_room_uid in rooms
        }
        schedules = cast(Iterable[Schedule], db.tables["schedules"].values())
        found.update(
            s.studio_uid for s in schedules if s.client_uid == client_uid and s.deleted_at is None
        )
        return frozenset(found)

    def export_shows(self, query: ShowExportQuery) -> ShowExport:
        self._uow.require_active()
        return export_shows(self._uow, query)

    def studio_occupancy(self, studio_uid: str, window: TimeSlot) -> StudioOccupancy:
        db = self._uow.db
        studio = cast(Studio | None, db.tables["studios"].get(studio_uid))
        if studio is None or studio.deleted_at is not None:
            raise NotFoundError("Studio", studio_uid)
        rows = self._shows
        rooms = sorted(
            (
                room
                for room in cast(Iterable[StudioRoom], db.tables["studio_rooms"].values())
                if room.studio_uid == studio_uid and room.deleted_at is None
            ),
            key=lambda room: (room.name, room.uid),
        )
        found: list[Reservation] = []
        for room in sorted(rooms, key=lambda room: room.uid):
            margin = timedelta(minutes=room.changeover_minutes)
            lo, hi = window.start - margin, window.end + margin
            slots = []
            for uid in db.shows_by_room.get(room.uid, ()):
                show = rows[uid]
                if _reserves_between(show, lo, hi):
                    slots.append(show.slot)
            slots.sort(key=lambda slot: (slot.start, slot.end))
            found.extend(Reservation(room.uid, slot.start, slot.end) for slot in slots)
        return StudioOccupancy(
            studio_uid=studio_uid,
            room_changeover_severity=studio.room_changeover_severity,
            rooms=tuple(RoomSummary(r.uid, r.name, r.changeover_minutes) for r in rooms),
            occupied=tuple(found),
        )

    def near(self, candidates: Sequence[Booking], margin: timedelta) -> list[Booking]:
        db = self._uow.db
        rows = self._shows
        links = db.tables["show_mcs"]
        exclude = {c.show_uid for c in candidates}
        hits: set[str] = set()
        for cand in candidates:
            lo, hi = cand.slot.start - margin, cand.slot.end + margin
            near: set[str] = set()
            if cand.room_uid is not None:
                near |= db.shows_by_room.get(cand.room_uid, set())
            for mc in cand.mc_uids:
                for link_uid in db.show_mcs_by_mc.get(mc, ()):
                    link = cast(ShowMC, links[link_uid])
                    if link.deleted_at is None:
                        near.add(link.show_uid)
            for uid in near - exclude - hits:
                if _reserves_between(rows[uid], lo, hi):
                    hits.add(uid)
        return self.search(BookingQuery(show_uids=sorted(hits)))
