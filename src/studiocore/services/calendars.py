"""Calendars: the shows of an MC, a studio room or a schedule as a calendar
app shows them (:meth:`SchedulingService.calendar`; ``studiocore.to_ical``
writes one as iCalendar). Read-only; a bounded number of reads whatever the
number of shows."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from studiocore.entities import MC, Client, Entity, Schedule, Show, Studio, StudioRoom
from studiocore.errors import ValidationError
from studiocore.lookups import CalendarKind, ShowStatus
from studiocore.permissions import SYSTEM, Actor
from studiocore.ports import Deleted, ShowQuery
from studiocore.timeslot import TimeSlot

from ._base import Service, Work, reads

__all__ = [
    "CALENDAR_PAST",
    "CALENDAR_TARGETS",
    "CalendarEvent",
    "CalendarReads",
    "CalendarView",
    "calendar_kind",
]

CALENDAR_PAST = timedelta(days=90)
"""How far back a calendar reaches by default."""
CALENDAR_FUTURE = timedelta(days=400)
"""How far ahead a calendar reaches by default."""

CALENDAR_TARGETS: dict[CalendarKind, type[Entity]] = {
    CalendarKind.MC: MC,
    CalendarKind.STUDIO_ROOM: StudioRoom,
    CalendarKind.SCHEDULE: Schedule,
}
"""The record whose shows each kind of calendar holds."""


@attrs.frozen(kw_only=True)
class CalendarEvent:
    """One show in a calendar, with the names a person reads."""

    show_uid: str
    name: str
    start: datetime
    """UTC, aware."""
    end: datetime
    """UTC, aware; the show occupies ``[start, end)``."""
    status: ShowStatus
    time_zone: str
    """The IANA zone of the show's studio (``UTC`` when it has none yet)."""
    room_name: str | None
    studio_name: str | None
    client_name: str | None
    """``None`` when the show has no client or the reader may not see it."""
    mc_names: tuple[str, ...]
    """Sorted."""
    sequence: int
    """Grows whenever the show changes: the whole seconds from its creation to
    its last change (iCalendar's ``SEQUENCE``)."""
    last_modified: datetime
    """When the show, or the list of its MCs, last changed (UTC)."""

    @property
    def location(self) -> str:
        """Where it happens: ``"Room A, Seoul Main"`` (empty when unknown)."""
        return ", ".join(x for x in (self.room_name, self.studio_name) if x)


@attrs.frozen(kw_only=True)
class CalendarView:
    """The shows of one MC, studio room or schedule over a window that a reader
    may see, by start (:meth:`SchedulingService.calendar`)."""

    kind: CalendarKind
    target_uid: str
    name: str
    """What the calendar is called: ``"Hana Kim's shows"``, ``"Room A, Seoul
    Main"``, or the schedule's name."""
    window: TimeSlot
    events: tuple[CalendarEvent, ...]
    drafts: bool
    """Whether draft shows are included."""


def calendar_kind(value: object) -> CalendarKind:
    """``value`` as a :class:`CalendarKind`, or a ``ValidationError`` naming ``kind``."""
    for kind in CalendarKind:
        if value is kind or value == kind.value:
            return kind
    allowed = ", ".join(k.value for k in CalendarKind)
    raise ValidationError("kind", f"must be one of {allowed}; got {value!r}")


def _sequence(show: Show, last_modified: datetime) -> int:
    """Whole seconds from the show's creation to its last change: grows with
    every change, needs no counter of its own."""
    return max(0, int((last_modified - show.created_at).total_seconds()))


class CalendarReads(Service):
    """The calendar read (a part of :class:`~studiocore.services.SchedulingService`)."""

    @reads
    def calendar(
        self,
        work: Work,
        kind: CalendarKind | str,
        uid: str,
        *,
        window: TimeSlot | None = None,
        drafts: bool = False,
        actor: Actor = SYSTEM,
    ) -> CalendarView:
        """The live shows of an MC, a studio room or a schedule (``kind``) in
        ``window`` (default: from 90 days ago to 400 days ahead) that the actor
        may see, by start: cancelled ones included, drafts only with
        ``drafts``. An unknown ``uid``, or one the actor may not read, is a
        :class:`~studiocore.NotFoundError`.

        >>> from datetime import datetime, UTC
        >>> from studiocore import Services
        >>> svc = Services.in_memory()
        >>> studio = svc.studios.create("Seoul Main", time_zone="Asia/Seoul")
        >>> room = svc.studio_rooms.create(studio.uid, "Room A")
        >>> start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
        >>> _ = svc.shows.create("Glow live", start, start + timedelta(hours=2),
        ...                      studio_room_uid=room.uid)
        >>> view = svc.scheduling.calendar("studio_room", room.uid)
        >>> view.name, [(e.name, e.time_zone, e.location) for e in view.events]
        ('Room A, Seoul Main', [('Glow live', 'Asia/Seoul', 'Room A, Seoul Main')])
        """
        kind = calendar_kind(kind)
        if type(drafts) is not bool:
            raise ValidationError("drafts", "must be true or false")
        if window is None:
            now = work.now()
            window = TimeSlot(now - CALENDAR_PAST, now + CALENDAR_FUTURE)
        elif not isinstance(window, TimeSlot):
            raise ValidationError("window", "must be a TimeSlot")
        target = work.load(CALENDAR_TARGETS[kind], uid)
        query = ShowQuery(
            start_to=window.end, ends_after=window.start, visible=work.visibility("shows")
        )
        if isinstance(target, MC):
            name = f"{target.name}'s shows"
            query = attrs.evolve(query, mc_uid=target.uid)
        elif isinstance(target, StudioRoom):
            studio = work.studios.get(target.studio_uid, include_deleted=True)
            name = f"{target.name}, {studio.name}"
            query = attrs.evolve(query, studio_room_uid=target.uid)
        else:
            assert isinstance(target, Schedule)
            name = target.name
            query = attrs.evolve(query, schedule_uid=target.uid)
        shows = [
            s for s in work.shows.search(query) if drafts or s.show_status is not ShowStatus.DRAFT
        ]
        return CalendarView(
            kind=kind,
            target_uid=target.uid,
            name=name,
            window=window,
            events=_events(work, shows),
            drafts=drafts,
        )


def _events(work: Work, shows: list[Show]) -> tuple[CalendarEvent, ...]:
    """The events of ``shows``, with their names read in one go per kind of record."""
    if not shows:
        return ()
    rooms = work.studio_rooms.get_many({s.studio_room_uid for s in shows if s.studio_room_uid})
    schedules = work.schedules.get_many({s.schedule_uid for s in shows if s.schedule_uid})
    studio_uids = {r.studio_uid for r in rooms.values()} | {
        sc.studio_uid for sc in schedules.values()
    }
    studios = work.studios.get_many(studio_uids)
    # the clients the reader may see (one read, the policy's visibility in the query)
    clients = {
        c.uid: c
        for c in work.clients.list(
            where={"uid": sorted({s.client_uid for s in shows if s.client_uid})},
            visible=work.visibility("clients"),
        )
    }
    # the MC links, removed ones too: their last change is a change of the event
    links = work.show_mcs.list(where={"show_uid": [s.uid for s in shows]}, deleted=Deleted.INCLUDE)
    hosts: dict[str, set[str]] = {}
    relinked: dict[str, datetime] = {}
    for link in links:
        if link.deleted_at is None:
            hosts.setdefault(link.show_uid, set()).add(link.mc_uid)
        relinked[link.show_uid] = max(link.updated_at, relinked.get(link.show_uid, link.updated_at))
    mcs = work.mcs.get_many({uid for many in hosts.values() for uid in many})
    events = []
    for show in shows:
        room = rooms.get(show.studio_room_uid or "")
        studio: Studio | None = None
        if room is not None:
            studio = studios.get(room.studio_uid)
        elif show.schedule_uid in schedules:
            studio = studios.get(schedules[show.schedule_uid].studio_uid)
        client: Client | None = clients.get(show.client_uid or "")
        changed = max(show.updated_at, relinked.get(show.uid, show.updated_at))
        events.append(
            CalendarEvent(
                show_uid=show.uid,
                name=show.name,
                start=show.show_start,
                end=show.show_end,
                status=show.show_status,
                time_zone=studio.time_zone if studio else "UTC",
                room_name=room.name if room else None,
                studio_name=studio.name if studio else None,
                client_name=client.name if client else None,
                mc_names=tuple(sorted(mcs[m].name for m in hosts.get(show.uid, ()) if m in mcs)),
                sequence=_sequence(show, changed),
                last_modified=changed,
            )
        )
    return tuple(events)
