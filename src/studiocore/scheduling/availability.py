"""Availability: the free time of each room of a studio inside a window.

A room's free time is the window minus the slots of its reserving shows
(confirmed, live, completed). With ``honour_changeover`` every reserving show
is first widened by the room's changeover on both sides, so any show placed
inside a free interval also respects the changeover buffer; without it (the
default) free intervals are exactly the gaps between bookings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import attrs

from studiocore.entities import StudioRoom
from studiocore.errors import ValidationError
from studiocore.ports import Booking, RoomSummary
from studiocore.timeslot import TimeSlot, union

Room = StudioRoom | RoomSummary
"""A room as availability needs it: a stored room or its summary."""

__all__ = [
    "RoomAvailability",
    "availability_from_occupancy",
    "first_fitting_room",
    "free_intervals",
    "merge_intervals",
    "room_availability",
]


@attrs.frozen(kw_only=True)
class RoomAvailability:
    """One room's time inside a window: ``free`` and ``reserved`` intervals, both
    sorted, disjoint and clipped to the window. Without a minimum length they tile
    the window exactly."""

    room_uid: str
    room_name: str
    window: TimeSlot
    free: tuple[TimeSlot, ...]
    reserved: tuple[TimeSlot, ...]

    def fits(self, slot: TimeSlot) -> bool:
        """Whether ``slot`` lies entirely inside one free interval."""
        return any(f.contains(slot) for f in self.free)


def _bounds(slot: TimeSlot) -> tuple[datetime, datetime]:
    return slot.start, slot.end


def merge_intervals(slots: Iterable[TimeSlot]) -> list[TimeSlot]:
    """The union of ``slots`` as sorted, disjoint slots (touching slots merge)."""
    return _slots(union(_bounds(slot) for slot in slots), None)


def _check_min(min_length: object) -> None:
    if min_length is not None and (
        not isinstance(min_length, timedelta) or min_length <= timedelta(0)
    ):
        raise ValidationError("min_minutes", "must be a positive length")


def free_intervals(
    window: TimeSlot, busy: Iterable[TimeSlot], min_length: timedelta | None = None
) -> list[TimeSlot]:
    """``window`` minus ``busy``, as sorted slots at least ``min_length`` long."""
    _check_min(min_length)
    _, free = _split(window, (_bounds(slot) for slot in busy))
    return _slots(free, min_length)


def room_availability(
    window: TimeSlot,
    rooms: Sequence[Room],
    bookings: Iterable[Booking],
    *,
    min_length: timedelta | None = None,
    honour_changeover: bool = False,
) -> list[RoomAvailability]:
    """Free and reserved intervals of each room, in the order of ``rooms``.

    ``bookings`` are the reserving bookings; those of other rooms are ignored.
    """
    return availability_from_occupancy(
        window,
        rooms,
        ((b.room_uid, b.slot.start, b.slot.end) for b in bookings),
        min_length=min_length,
        honour_changeover=honour_changeover,
    )


def availability_from_occupancy(
    window: TimeSlot,
    rooms: Sequence[Room],
    occupied: Iterable[tuple[str | None, datetime, datetime]],
    *,
    min_length: timedelta | None = None,
    honour_changeover: bool = False,
) -> list[RoomAvailability]:
    """Like :func:`room_availability`, from ``(room uid, start, end)`` triples
    of aware UTC datetimes (the ``occupied`` reservations of
    :meth:`BookingReadModel.studio_occupancy`).

    Per room: clip its ``(start, end)`` pairs to the window, take their union
    (:func:`studiocore.timeslot.union`): that is the reserved time, and the gaps
    between its intervals are the free time. Only the answer's intervals become
    :class:`TimeSlot` objects (this is the hot path of the availability
    endpoint)."""
    _check_min(min_length)
    busy: dict[str, list[tuple[datetime, datetime]]] = {room.uid: [] for room in rooms}
    buffers = {
        room.uid: timedelta(minutes=room.changeover_minutes if honour_changeover else 0)
        for room in rooms
    }
    for room_uid, start, end in occupied:
        if room_uid is None or (spans := busy.get(room_uid)) is None:
            continue  # a show without a room, or in another studio's room
        buffer = buffers[room_uid]
        spans.append((start - buffer, end + buffer) if buffer else (start, end))
    answer: list[RoomAvailability] = []
    for room in rooms:
        reserved, free = _split(window, busy[room.uid])
        answer.append(
            RoomAvailability(
                room_uid=room.uid,
                room_name=room.name,
                window=window,
                free=tuple(_slots(free, min_length)),
                reserved=tuple(_slots(reserved, None)),
            )
        )
    return answer


def _split(
    window: TimeSlot, spans: Iterable[tuple[datetime, datetime]]
) -> tuple[list[tuple[datetime, datetime]], list[tuple[datetime, datetime]]]:
    """The union of ``spans`` clipped to ``window`` (reserved) and the gaps between
    its intervals (free): together they tile the window."""
    lo, hi = window.start, window.end
    reserved = union(
        (max(start, lo), min(end, hi)) for start, end in spans if start < hi and lo < end
    )
    free: list[tuple[datetime, datetime]] = []
    cursor = lo  # everything before it is accounted for
    for start, end in reserved:
        if cursor < start:
            free.append((cursor, start))
        cursor = end
    if cursor < hi:
        free.append((cursor, hi))
    return reserved, free


def _slots(
    intervals: list[tuple[datetime, datetime]], min_length: timedelta | None
) -> list[TimeSlot]:
    """The intervals at least ``min_length`` long, as :class:`TimeSlot` objects
    (cut from validated slots: their bounds need no second check)."""
    return [
        TimeSlot.of_checked(start, end)
        for start, end in intervals
        if min_length is None or end - start >= min_length
    ]


def first_fitting_room(availability: Sequence[RoomAvailability], slot: TimeSlot) -> str | None:
    """The uid of the first room in which ``slot`` fits, or ``None``."""
    for room in availability:
        if room.fits(slot):
            return room.room_uid
    return None
