"""Bodies of studios and their rooms."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from studiocore import Severity
from studiocore_http.shared.schemas import Input, Json, Minutes, Name, Output, TimeZone, patch_of

__all__ = [
    "Studio",
    "StudioCreate",
    "StudioRoom",
    "StudioRoomCreate",
    "StudioRoomUpdate",
    "StudioUpdate",
]

DayStartHour = Annotated[int, msgspec.Meta(ge=0, le=23)]


class Studio(Output):
    uid: str
    name: str
    address: str | None
    time_zone: str
    operational_day_start_hour: int
    room_changeover_severity: Severity
    mc_rest_severity: Severity
    metadata: Json
    created_at: datetime
    updated_at: datetime


class StudioCreate(Input):
    name: Name
    address: str | None = None
    time_zone: TimeZone = "UTC"
    operational_day_start_hour: DayStartHour = 6
    room_changeover_severity: Severity = Severity.WARN
    mc_rest_severity: Severity = Severity.WARN
    metadata: Json | None = None


StudioUpdate = patch_of(StudioCreate)


class StudioRoom(Output):
    uid: str
    studio_uid: str
    name: str
    changeover_minutes: int
    metadata: Json
    created_at: datetime
    updated_at: datetime


class StudioRoomCreate(Input):
    studio_uid: str
    name: Name
    changeover_minutes: Minutes = 0
    metadata: Json | None = None


StudioRoomUpdate = patch_of(StudioRoomCreate, omit={"studio_uid"})
