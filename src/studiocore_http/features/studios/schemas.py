"""Bodies of studios and their rooms."""

from __future__ import annotations

from typing import Annotated

import msgspec

from studiocore import Severity
from studiocore_http.shared.crud import Bodies
from studiocore_http.shared.schemas import (
    MetadataInput,
    MetadataRecord,
    Minutes,
    Name,
    TimeZone,
    patch_of,
)

__all__ = [
    "STUDIO_BODIES",
    "STUDIO_ROOM_BODIES",
    "Studio",
    "StudioCreate",
    "StudioRoom",
    "StudioRoomCreate",
    "StudioRoomUpdate",
    "StudioUpdate",
]

DayStartHour = Annotated[int, msgspec.Meta(ge=0, le=23)]


class Studio(MetadataRecord):
    name: str
    address: str | None
    time_zone: str
    operational_day_start_hour: int
    room_changeover_severity: Severity
    mc_rest_severity: Severity


class StudioCreate(MetadataInput):
    name: Name
    address: str | None = None
    time_zone: TimeZone = "UTC"
    operational_day_start_hour: DayStartHour = 6
    room_changeover_severity: Severity = Severity.WARN
    mc_rest_severity: Severity = Severity.WARN


StudioUpdate = patch_of(StudioCreate)
STUDIO_BODIES = Bodies(Studio, StudioCreate, StudioUpdate)


class StudioRoom(MetadataRecord):
    studio_uid: str
    name: str
    changeover_minutes: int


class StudioRoomCreate(MetadataInput):
    studio_uid: str
    name: Name
    changeover_minutes: Minutes = 0


StudioRoomUpdate = patch_of(StudioRoomCreate, omit={"studio_uid"})
STUDIO_ROOM_BODIES = Bodies(StudioRoom, StudioRoomCreate, StudioRoomUpdate)
