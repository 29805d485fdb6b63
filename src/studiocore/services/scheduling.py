"""Scheduling queries: availability, room suggestions, the conflict audit and
operational days. Read-only; every adapter gets them through the ports."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

import attrs

from studiocore.conflicts import Conflict, Severity
from studiocore.entities import MC, Show, Studio, StudioRoom
from studiocore.errors import ValidationError
from studiocore.lookups import RESERVING_STATUSES, ShowStatus
from studiocore.permissions import SYSTEM, Actor
from studiocore.ports import (
    Booking,
    BookingQuery,
    ShowExport,
    ShowExportQuery,
    ShowQuery,
    UnitOfWork,
)
from studiocore.scheduling.availability import (
    RoomAvailability,
    availability_from_occupancy,
    free_intervals,
    merge_intervals,
    room_availability,
)
from studiocore.scheduling.describe import describe_conflicts, withhold
from studiocore.scheduling.detector import find_conflicts
from studiocore.scheduling.guard import load_policy
from studiocore.scheduling.opday import operational_day_of, operational_day_window
from studiocore.timeslot import TimeSlot

from ._base import Work, reads
from ._pipeline import reads_about
from .calendars import CalendarReads

__all__ = ["McAvailability", "SchedulingService", "StudioPlan"]


@attrs.frozen(kw_only=True)
class McAvailability:
    """An MC's time inside a window: ``reserved`` is each reserving show they
    host, widened by the MC's minimum rest on both sides (they cannot take
    another show then); ``free`` is the rest of the window. Both sorted,
    disjoint, clipped to the window."""

    mc_uid: str
    mc_name: str
    window: TimeSlot
    rest: timedelta
    free: tuple[TimeSlot, ...]
    reserved: tuple[TimeSlot, ...]


@attrs.frozen(kw_only=True)
class StudioPlan:
    """A studio's shows over a window, as a planning board shows them."""

    window: TimeSlot
    shows: list[Show]
    """The live shows (any status) of the studio's rooms overlapping the window
    that the actor may see, by start."""
    mcs: Mapping[str, frozenset[str]]
    """Each show's MCs, by show uid."""
    conflicts: list[Conflict]
    """The conflicts of its reserving shows (with each other, their neighbours
    outside the window, and the MCs' bookings elsewhere), then what its drafts
    would meet if confirmed where they stand. A show the actor may not read is
    named only as a booking they may not see."""


def _shows_overlapping(work: Work, studio_uid: str, window: object) -> list[Show]:
    """The live shows of the studio's rooms overlapping ``window`` that the
    actor may see, by start."""
    work.load(Studio, studio_uid)
    slot = _window(window)
    query = ShowQuery(
        studio_uid=studio_uid,
        start_to=slot.end,
        ends_after=slot.start,
        visible=work.visibility("shows"),
    )
    return work.shows.search(query)


def _window(value: object) -> TimeSlot:
    if not isinstance(value, TimeSlot):
        raise ValidationError("window", "must be a TimeSlot")
    return value


def _min_length(min_minutes: object) -> timedelta | None:
    if min_minutes is None:
        return None
    if type(min_minutes) is not int or min_minutes <= 0:
        raise ValidationError("min_minutes", "must be a positive integer")
    return timedelta(minutes=min_minutes)


class SchedulingService(CalendarReads):
    """Questions about time: which rooms are free, which room fits a show, which
    bookings conflict, which shows belong to an operational day, and the
    calendars of MCs, rooms and schedules (:meth:`calendar`)."""

    resource = "shows"

    # -- availability ---------------------------------------------------------------

    def _rooms(self, uow: UnitOfWork, studio_uid: str) -> tuple[Studio, list[StudioRoom]]:
        studio = uow.studios.get(studio_uid)
        rooms = uow.studio_rooms.list(where={"studio_uid": studio_uid})
        rooms.sort(key=lambda r: (r.name, r.uid))
        return studio, rooms

    def _availability(
        self,
        uow: UnitOfWork,
        studio_uid: str,
        window: TimeSlot,
        *,
        min_minutes: int | None,
        honour_changeover: bool,
        exclude_show_uid: str | None = None,
    ) -> list[RoomAvailability]:
        window = _window(window)
        min_length = _min_length(min_minutes)
        if exclude_show_uid is None:  # one read: studio, rooms and occupancy
            seen = uow.bookings.studio_occupancy(studio_uid, window)
            return availability_from_occupancy(
                window,
                seen.rooms,
                seen.occupied,
                min_length=min_length,
                honour_changeover=honour_changeover
                and seen.room_changeover_severity is not Severity.IGNORE,
            )
        studio, rooms = self._rooms(uow, studio_uid)
        widest = max((r.changeover_minutes for r in rooms), default=0)
        honour = honour_changeover and studio.room_changeover_severity is not Severity.IGNORE
        margin = timedelta(minutes=widest) if honour else timedelta(0)
        widened = window.widened(margin)
        bookings = [
            b
            for b in uow.bookings.search(BookingQuery(studio_uid=studio_uid, window=widened))
            if b.show_uid != exclude_show_uid
        ]
        return room_availability(
            window, rooms, bookings, min_length=min_length, honour_changeover=honour
        )

    @reads_about("studio_rooms")
    def availability(
        self,
        work: Work,
        studio_uid: str,
        window: TimeSlot,
        *,
        min_minutes: int | None = None,
        honour_changeover: bool = False,
        actor: Actor = SYSTEM,
    ) -> list[RoomAvailability]:
        """Free and reserved intervals of every room of a studio inside ``window``,
        rooms ordered by name then uid.

        Free time is the window minus the reserving shows (confirmed, live,
        completed). ``min_minutes`` drops shorter free intervals;
        ``honour_changeover`` widens each show by its room's changeover first
        (unless the studio ignores changeovers).
        """
        work.authorize_uid(Studio, studio_uid)
        return self._availability(
            work,
            studio_uid,
            window,
            min_minutes=min_minutes,
            honour_changeover=honour_changeover,
        )

    @reads_about("mcs")
    def mc_availability(
        self,
        work: Work,
        mc_uid: str,
        window: TimeSlot,
        *,
        min_minutes: int | None = None,
        actor: Actor = SYSTEM,
    ) -> McAvailability:
        """When an MC is free inside ``window``: the window minus each reserving
        show they host widened by their minimum rest (``min_minutes`` drops
        shorter free intervals). One set-based read of their bookings."""
        window = _window(window)
        min_length = _min_length(min_minutes)
        mc = work.load(MC, mc_uid)
        rest = timedelta(minutes=mc.min_rest_minutes)
        probe = Booking(
            show_uid="",
            studio_uid=None,
            room_uid=None,
            mc_uids=frozenset({mc.uid}),
            slot=window,
            status=ShowStatus.DRAFT,
        )
        busy = [b.slot.widened(rest) for b in work.bookings.near([probe], rest)]
        reserved = tuple(
            clipped
            for slot in merge_intervals(busy)
            if (clipped := slot.intersection(window)) is not None
        )
        return McAvailability(
            mc_uid=mc.uid,
            mc_name=mc.name,
            window=window,
            rest=rest,
            free=tuple(free_intervals(window, reserved, min_length)),
            reserved=reserved,
        )

    @reads_about("studio_rooms")
    def suggest_room(
        self,
        work: Work,
        studio_uid: str,
        start: datetime,
        end: datetime,
        *,
        honour_changeover: bool = True,
        actor: Actor = SYSTEM,
    ) -> StudioRoom | None:
        """The first room of the studio (by name, then uid) free over
        ``[start, end)``, including its changeover unless ``honour_changeover`` is
        False; ``None`` when no room fits."""
        slot = TimeSlot(start, end)
        work.load(Studio, studio_uid)
        return self._suggest(work, studio_uid, slot, honour_changeover, None)

    @reads_about("studio_rooms")
    def suggest_room_for_show(
        self, work: Work, show_uid: str, *, honour_changeover: bool = True, actor: Actor = SYSTEM
    ) -> StudioRoom | None:
        """A room for an existing show (typically a draft): the first room of its
        schedule's studio (or of its current room's studio) that is free over the
        show's slot. The show's own booking does not count against it."""
        show = work.load(Show, show_uid)
        studio_uid = self._studio_of(work, show)
        return self._suggest(work, studio_uid, show.slot, honour_changeover, show.uid)

    def _studio_of(self, uow: UnitOfWork, show: Show) -> str:
        if show.schedule_uid is not None:
            return uow.schedules.get(show.schedule_uid, include_deleted=True).studio_uid
        if show.studio_room_uid is not None:
            return uow.studio_rooms.get(show.studio_room_uid, include_deleted=True).studio_uid
        raise ValidationError(
            "show_uid", f"show {show.uid} has neither a schedule nor a room to pick a studio"
        )

    def _suggest(
        self,
        uow: UnitOfWork,
        studio_uid: str,
        slot: TimeSlot,
        honour_changeover: bool,
        exclude: str | None,
    ) -> StudioRoom | None:
        availability = self._availability(
            uow,
            studio_uid,
            slot,
            min_minutes=None,
            honour_changeover=honour_changeover,
            exclude_show_uid=exclude,
        )
        _, rooms = self._rooms(uow, studio_uid)
        by_uid = {r.uid: r for r in rooms}
        for room in availability:
            if room.fits(slot):
                return by_uid[room.room_uid]
        return None

    # -- conflicts ------------------------------------------------------------------

    @reads
    def conflicts(
        self,
        work: Work,
        *,
        studio_uid: str | None = None,
        window: TimeSlot | None = None,
        actor: Actor = SYSTEM,
    ) -> list[Conflict]:
        """The audit: every conflict among reserving shows, BLOCK and WARN
        (among the shows the actor may read).

        With ``studio_uid`` and/or ``window``, the conflicts of the reserving
        shows of that studio overlapping that window, with each other and with
        any reserving show elsewhere (MCs are shared across studios).
        """
        if window is not None:
            window = _window(window)
        if studio_uid is not None:
            work.load(Studio, studio_uid)
        mine = work.bookings.search(BookingQuery(studio_uid=studio_uid, window=window))
        found = self._conflicts_of(work, mine, everything=studio_uid is None and window is None)
        if work.visibility("shows") is not None:  # only conflicts among shows the actor reads
            shows = work.shows.get_many({u for c in found for u in c.show_uids})
            found = [
                c for c in found if all(u in shows and work.may_read(shows[u]) for u in c.show_uids)
            ]
        return describe_conflicts(work, found)

    @staticmethod
    def _conflicts_of(
        work: Work, mine: list[Booking], *, everything: bool = False
    ) -> list[Conflict]:
        """The conflicts of the reserving bookings ``mine`` with each other and,
        unless they are ``everything`` stored, with their neighbours."""
        if not mine:
            return []
        policy = load_policy(work, mine)
        others: list[Booking] = []
        if not everything:
            others = work.bookings.near(mine, policy.max_buffer)
            if others:
                policy = load_policy(work, [*mine, *others])
        return find_conflicts(mine, others, policy)

    @reads
    def studio_plan(
        self, work: Work, studio_uid: str, window: TimeSlot, *, actor: Actor = SYSTEM
    ) -> StudioPlan:
        """The studio's shows overlapping ``window``, their MCs and their
        conflicts (:class:`StudioPlan`), read in one go: a planning board."""
        window = _window(window)
        shows = _shows_overlapping(work, studio_uid, window)
        # their MCs, from the bookings of the same shows (one compact read)
        every = BookingQuery(studio_uid=studio_uid, window=window, reserving_only=False)
        bookings = {b.show_uid: b for b in work.bookings.search(every)}
        mcs = {s.uid: bookings[s.uid].mc_uids for s in shows if s.uid in bookings}
        reserving = [b for uid in mcs if (b := bookings[uid]).status in RESERVING_STATUSES]
        drafts = [
            b for uid in mcs if (b := bookings[uid]).status is ShowStatus.DRAFT and b.room_uid
        ]
        found: list[Conflict] = []
        if reserving or drafts:  # one read of the neighbours for both questions
            candidates = [*reserving, *drafts]
            policy = load_policy(work, candidates)
            near = work.bookings.near(candidates, policy.max_buffer)
            if near:
                policy = load_policy(work, [*candidates, *near])
            found = [
                *find_conflicts(reserving, near, policy),
                *find_conflicts(drafts, [*reserving, *near], policy),
            ]
        readable = {s.uid for s in shows}
        others = work.shows.get_many({u for c in found for u in c.show_uids} - readable)
        hidden = {uid for uid, other in others.items() if not work.may_read(other)}
        described = describe_conflicts(work, found, drafts)
        return StudioPlan(
            window=window,
            shows=shows,
            mcs=mcs,
            conflicts=[withhold(c, hidden) for c in described],
        )

    # -- operational days -----------------------------------------------------------

    @staticmethod
    def _day_rule(work: Work, studio_uid: str) -> tuple[str, int]:
        """The studio's time zone and the local hour its operational day starts."""
        studio = work.load(Studio, studio_uid)
        return studio.time_zone, studio.operational_day_start_hour

    @reads_about("studios")
    def operational_day(
        self, work: Work, studio_uid: str, day: date, *, actor: Actor = SYSTEM
    ) -> TimeSlot:
        """The UTC window of operational day ``day`` in the studio's time zone."""
        return operational_day_window(*self._day_rule(work, studio_uid), day)

    @reads_about("studios")
    def operational_day_of(
        self, work: Work, studio_uid: str, instant: datetime, *, actor: Actor = SYSTEM
    ) -> date:
        """The studio's operational day that ``instant`` belongs to."""
        return operational_day_of(*self._day_rule(work, studio_uid), instant)

    @reads
    def shows_between(
        self, work: Work, studio_uid: str, window: TimeSlot, *, actor: Actor = SYSTEM
    ) -> list[Show]:
        """The live shows (any status) in the studio's rooms that overlap
        ``window`` and that the actor may see, ordered by start: what a planning
        board or a calendar of that window shows."""
        return _shows_overlapping(work, studio_uid, window)

    @reads
    def export_shows(
        self, work: Work, query: ShowExportQuery, *, actor: Actor = SYSTEM
    ) -> ShowExport:
        """The shows ``query`` selects that the actor may see, with their names
        and links, as CSV tables (:class:`~studiocore.ports.ShowExport`): what
        :func:`studiocore.analysis.shows_frame` reads, in a bounded number of
        queries whatever their number."""
        return work.bookings.export_shows(attrs.evolve(query, visible=work.visibility("shows")))

    @reads
    def shows_of_operational_day(
        self, work: Work, studio_uid: str, day: date, *, actor: Actor = SYSTEM
    ) -> list[Show]:
        """The live shows (any status) in the studio's rooms that start during
        operational day ``day`` and that the actor may see, ordered by start."""
        window = operational_day_window(*self._day_rule(work, studio_uid), day)
        return work.shows.search(
            ShowQuery(
                studio_uid=studio_uid,
                start_from=window.start,
                start_to=window.end,
                visible=work.visibility("shows"),
            )
        )
