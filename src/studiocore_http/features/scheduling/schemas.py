"""Bodies of the scheduling reads: conflicts and room availability.

A conflict is the core's :class:`~studiocore.Conflict` as it is (plain values,
ordered uids): it is written to JSON directly."""

from __future__ import annotations

from datetime import datetime

from studiocore.conflicts import Conflict, ConflictShow
from studiocore_http.shared.schemas import Output

__all__ = [
    "Availability",
    "Conflict",
    "ConflictShow",
    "Interval",
    "McAvailability",
    "RoomAvailability",
]


class Interval(Output):
    """A half-open interval ``[start, end)``."""

    start: datetime
    end: datetime


class RoomAvailability(Output):
    """One room's free and reserved intervals inside the requested window."""

    room_uid: str
    room_name: str
    free: list[Interval]
    reserved: list[Interval]


class Availability(Output):
    """Free time of every room of a studio (rooms ordered by name)."""

    studio_uid: str
    start: datetime
    end: datetime
    rooms: list[RoomAvailability]


class McAvailability(Output):
    """An MC's free time inside ``[start, end)``: ``reserved`` is each booked
    show they host widened by their minimum rest (``rest_minutes``)."""

    mc_uid: str
    mc_name: str
    start: datetime
    end: datetime
    rest_minutes: int
    free: list[Interval]
    reserved: list[Interval]
