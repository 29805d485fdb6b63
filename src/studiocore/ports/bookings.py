"""The booking read models: what the scheduling engine needs to know about
shows, without loading show objects.

Contract (``tests/contract/test_booking_contract.py`` runs it on every adapter):
only live shows count; "reserving" means confirmed, live or completed
(:data:`~studiocore.lookups.RESERVING_STATUSES`); results are ordered as each
method says; instants are aware UTC datetimes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import IO, NamedTuple, Protocol

import attrs

from studiocore.conflicts import Severity
from studiocore.entities import Show
from studiocore.lookups import ShowStatus
from studiocore.permissions import Visibility
from studiocore.timeslot import TimeSlot

__all__ = [
    "SHOW_EXPORT_COLUMNS",
    "Booking",
    "BookingQuery",
    "BookingReadModel",
    "Reservation",
    "RoomSummary",
    "ScheduledShow",
    "ShowExport",
    "ShowExportQuery",
    "StudioOccupancy",
]


@attrs.frozen(kw_only=True)
class Booking:
    """What the conflict engine needs to know about one show: where, who, when."""

    show_uid: str
    studio_uid: str | None
    room_uid: str | None
    mc_uids: frozenset[str]
    slot: TimeSlot
    status: ShowStatus
    name: str | None = attrs.field(default=None, eq=False)
    """The show's name, when the caller knows it (a candidate booking): what a
    conflict report calls it (stored shows are looked up by uid)."""

    @classmethod
    def of(cls, show: Show, studio_uid: str | None, mc_uids: Iterable[str]) -> Booking:
        """The booking of ``show``, in the studio ``studio_uid``, hosted by ``mc_uids``."""
        return cls(
            show_uid=show.uid,
            studio_uid=studio_uid,
            room_uid=show.studio_room_uid,
            mc_uids=frozenset(mc_uids),
            slot=show.slot,
            status=show.show_status,
            name=show.name,
        )


class ScheduledShow(NamedTuple):
    """One show of a schedule as a promotion reads it: what it books (room and
    MCs) and what the schedule's version snapshot records of it."""

    show_uid: str
    room_uid: str | None
    mc_uids: tuple[str, ...]
    """Sorted."""
    status: ShowStatus
    name: str
    start: datetime
    end: datetime
    client_uid: str | None
    show_type: str
    show_standard: str
    external_id: str | None


class RoomSummary(NamedTuple):
    """What availability needs to know about a room."""

    uid: str
    name: str
    changeover_minutes: int


class Reservation(NamedTuple):
    """A reserving show's hold on a room: ``[start, end)``."""

    room_uid: str
    start: datetime
    end: datetime


@attrs.frozen(kw_only=True)
class StudioOccupancy:
    """A studio's rooms and what occupies them around a window: the read model
    behind availability (see :meth:`BookingReadModel.studio_occupancy`)."""

    studio_uid: str
    room_changeover_severity: Severity
    rooms: tuple[RoomSummary, ...]
    """The studio's live rooms, ordered by ``(name, uid)``."""
    occupied: tuple[Reservation, ...]
    """The reserving, live shows in those rooms, ordered by room uid, then
    start, then end."""


@attrs.frozen(kw_only=True)
class BookingQuery:
    """Which bookings :meth:`BookingReadModel.search` returns: those of live
    shows (reserving ones unless ``reserving_only`` is False), optionally
    limited to a studio, to shows overlapping ``window``, to ``show_uids``, to
    the shows of a schedule, or to one status."""

    studio_uid: str | None = None
    window: TimeSlot | None = None
    show_uids: Collection[str] | None = None
    reserving_only: bool = True
    schedule_uid: str | None = None
    status: ShowStatus | None = None


SHOW_EXPORT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "shows": (
        "show_uid",
        "show_name",
        "status",
        "start_us",
        "end_us",
        "studio_uid",
        "studio_name",
        "time_zone",
        "room_uid",
        "room_name",
        "client_uid",
        "client_name",
        "schedule_uid",
        "schedule_name",
    ),
    "mcs": ("show_uid", "mc_uid", "mc_name"),
    "platforms": ("show_uid", "platform_uid", "platform_name"),
}
"""The columns of each table of a :class:`ShowExport`, in order."""


@attrs.frozen(kw_only=True)
class ShowExportQuery:
    """Which shows :meth:`BookingReadModel.export_shows` exports: the live shows
    overlapping ``window`` (any status unless ``statuses``), optionally only
    those of some studios, rooms, clients, schedules or hosted by some MCs, and
    only those ``visible`` to an actor (``None``: all)."""

    window: TimeSlot
    studio_uids: frozenset[str] | None = None
    room_uids: frozenset[str] | None = None
    client_uids: frozenset[str] | None = None
    schedule_uids: frozenset[str] | None = None
    mc_uids: frozenset[str] | None = None
    statuses: frozenset[ShowStatus] | None = None
    visible: Visibility | None = None


@attrs.frozen
class ShowExport:
    """Shows as tables for analysis: each an RFC 4180 CSV document (UTF-8, no
    header, the columns of :data:`SHOW_EXPORT_COLUMNS`; a missing value is an
    empty field; ``start_us``/``end_us`` are microseconds since the Unix epoch,
    UTC; ``status`` is the status's value), as a binary file positioned at its
    start (a large one spooled to disk, so a reader streams it in chunks).
    ``mcs`` and ``platforms`` hold one row per live link of an exported show.
    The format every database streams fastest, and that a data frame library
    reads without a Python object per value. Close it after reading (it is a
    context manager)."""

    shows: IO[bytes]
    mcs: IO[bytes]
    platforms: IO[bytes]

    def close(self) -> None:
        """Close (and so delete) the three files."""
        for table in (self.shows, self.mcs, self.platforms):
            table.close()

    def __enter__(self) -> ShowExport:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class BookingReadModel(Protocol):
    """Bookings as the scheduling engine reads them."""

    def search(self, query: BookingQuery) -> list[Booking]:
        """The bookings ``query`` selects, ordered by ``(slot.start, show_uid)``."""
        ...

    def near(self, candidates: Sequence[Booking], margin: timedelta) -> list[Booking]:
        """Reserving, live bookings that share a room or an MC with a candidate and
        whose slot overlaps that candidate's slot widened by ``margin`` on both
        sides, ordered by ``(slot.start, show_uid)``. The candidates themselves
        are never returned."""
        ...

    def schedule_shows(self, schedule_uid: str) -> list[ScheduledShow]:
        """Every live show of a schedule (any status), ordered by
        ``(show_start, uid)``: the one read a promotion makes of its drafts, and
        what it snapshots. An unknown schedule has none."""
        ...

    def schedule_platforms(self, schedule_uid: str) -> dict[str, tuple[str, ...]]:
        """The platforms each live show of a schedule streams on (its live
        links, as for MCs in :meth:`schedule_shows`), sorted uids by show uid; shows without any are left
        out. With :meth:`schedule_shows`, what a full version records."""
        ...

    def crowded(
        self, drafts: Sequence[ScheduledShow], margin: timedelta
    ) -> tuple[list[Booking], list[Booking]]:
        """The bookings a promotion has to check, as
        :func:`~studiocore.scheduling.detector.near_bookings` defines them: the
        ``drafts`` (shows that do not reserve yet, as :meth:`schedule_shows`
        read them; the candidates) that lie within ``margin`` of another draft or
        of a reserving, live show sharing a room or an MC, and those reserving
        shows; each list ordered by ``(slot.start, show_uid)``."""
        ...

    def client_studios(self, client_uid: str) -> frozenset[str]:
        """The studios where the client has live shows (in one of their rooms) or
        live schedules: whose staff may read the client and its materials."""
        ...

    def host_users(self, show_uids: Collection[str]) -> frozenset[str]:
        """The users of the MCs who host any of ``show_uids`` (live links, MCs
        with a user): whom a change of those shows concerns. One read whatever
        their number (a promotion's 10k shows)."""
        ...

    def export_shows(self, query: ShowExportQuery) -> ShowExport:
        """The shows ``query`` selects, with their names and links, as
        :class:`ShowExport` tables, in a bounded number of statements whatever
        their number; rows ordered by ``(start, show_uid)`` (links by show)."""
        ...

    def studio_occupancy(self, studio_uid: str, window: TimeSlot) -> StudioOccupancy:
        """The live studio ``studio_uid``, its live rooms, and every reserving, live
        show in those rooms whose slot overlaps ``window`` widened on both sides
        by its room's changeover. ``NotFoundError`` when the studio does not
        exist or is deleted."""
        ...
