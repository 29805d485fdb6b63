"""Bodies of the scheduling reads: conflicts and room availability."""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec

from studiocore import ConflictKind, ResourceType, Severity
from studiocore_http.shared.schemas import Output

__all__ = [
    "Availability",
    "Conflict",
    "ConflictShow",
    "Interval",
    "McAvailability",
    "RoomAvailability",
]


class ConflictShow(Output):
    """One show of a conflict: its name, its times in UTC and in the studio's
    time zone (``local_start``/``local_end`` carry the studio's offset)."""

    uid: str
    name: str
    start: datetime
    end: datetime
    local_start: datetime
    local_end: datetime


class Conflict(Output):
    """Two shows competing for one room or MC. ``reason`` says it for people:
    names, and times in the studio's time zone next to UTC."""

    kind: ConflictKind
    severity: Severity
    resource_type: ResourceType
    resource_uid: str
    show_uids: list[str]
    start: datetime
    end: datetime
    reason: str
    resource_name: str | None = None
    time_zone: str | None = None
    required: timedelta | None = None
    """The changeover or rest a buffer conflict falls short of (ISO 8601 duration)."""
    shows: list[ConflictShow] = msgspec.field(default_factory=list)


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
