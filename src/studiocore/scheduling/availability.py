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
from studiocore.timeslot import TimeSlot, _slot, union

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
    return [TimeSlot(start, end) for start, end in union(_bounds(slot) for slot in slots)]


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
    free: list[TimeSlot] = []
    cursor = window.start
    for slot in merge_intervals(busy):
        if slot.end <= window.start or slot.start >= window.end:
            continue
        if slot.start > cursor:
            free.append(TimeSlot(cursor, slot.start))
        cursor = max(cursor, slot.end)
    if cursor < window.end:
        free.append(TimeSlot(cursor, window.end))
    if min_length is not None:
        free = [f for f in free if f.duration >= min_length]
    return free


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
    of aware UTC datetimes (what :meth:`ShowRepository.studio_occupancy` returns).

    One pass per room over plain ``(start, end)`` pairs: only the answer's
    intervals become :class:`TimeSlot` objects (this is the hot path of the
    availability endpoint)."""
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
    return [_room_availability(window, room, busy[room.uid], min_length) for room in rooms]


def _room_availability(
    window: TimeSlot,
    room: Room,
    spans: list[tuple[datetime, datetime]],
    min_length: timedelta | None,
) -> RoomAvailability:
    """``window`` split into the merged ``spans`` (clipped) and the gaps between them."""
    lo, hi = window.start, window.end
    spans.sort()
    free: list[TimeSlot] = []
    reserved: list[TimeSlot] = []
    cursor = lo  # everything before it is accounted for
    block_start: datetime | None = None  # the merged block being built (clipped)
    block_end = lo
    for span_start, span_end in spans:
        if span_end <= lo or span_start >= hi:
            continue
        start, end = max(span_start, lo), min(span_end, hi)
        if block_start is not None and start <= block_end:
            block_end = max(block_end, end)  # overlaps or touches: extend the block
            continue
        if block_start is not None:
            reserved.append(_slot(block_start, block_end))
            cursor = block_end
        if start > cursor:
            free.append(_slot(cursor, start))
        block_start, block_end = start, end
    if block_start is not None:
        reserved.append(_slot(block_start, block_end))
        cursor = block_end
    if cursor < hi:
        free.append(_slot(cursor, hi))
    if min_length is not None:
        free = [f for f in free if f.end - f.start >= min_length]
    return RoomAvailability(
        room_uid=room.uid,
        room_name=room.name,
        window=window,
        free=tuple(free),
        reserved=tuple(reserved),
    )


def first_fitting_room(availability: Sequence[RoomAvailability], slot: TimeSlot) -> str | None:
    """The uid of the first room in which ``slot`` fits, or ``None``."""
    for room in availability:
        if room.fits(slot):
            return room.room_uid
    return None
